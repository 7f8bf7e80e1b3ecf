"""One person, one entitlement: a second live application or entitlement in the same program,
or in a program that excludes it, is refused — wherever the first one is."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casework.factories import ApplicationFactory, PersonFactory, RegionFactory, synthetic_id_number
from casework.models import Application, ApplicationStatus, Program, ProgramExclusion
from permissions.audit import Actor
from tests.conftest import VILLAGE
from workflows import applications

S = ApplicationStatus


@pytest.fixture
def mother(regions):
    return PersonFactory(
        region=regions[VILLAGE],
        id_number=synthetic_id_number(VILLAGE, datetime.date(1970, 3, 1), 401, male=False),
    )


def new_application(program, person):
    return Application(program=Program.objects.get(code=program), year=2026, applicant=person)


@pytest.mark.django_db
def test_the_special_programs_exclude_each_other_across_counties(mother, village_officer):
    assert ProgramExclusion.objects.filter(
        program_id="special-disabled", excludes_id="special-deceased"
    ).exists()
    # Enrolled in another county before she moved here (the application keeps its village).
    RegionFactory(code="360922000000", name="邻县")
    RegionFactory(code="360922100000", name="邻县某镇")
    elsewhere = RegionFactory(code="360922100001", name="邻县某村")
    ApplicationFactory(
        program=Program.objects.get(code="special-deceased"),
        applicant=mother,
        region=elsewhere,
        status=S.ENROLLED,
        created_by=village_officer,
    )
    with pytest.raises(ValidationError) as refusal:
        applications.apply(Actor(village_officer), new_application("special-disabled", mother))
    message = " ".join(refusal.value.messages)
    assert "计划生育家庭特别扶助（独生子女死亡）" in message and "邻县" not in message
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_a_recipient_does_not_apply_again_but_an_ended_entitlement_frees_the_way(
    mother, village_officer
):
    old = ApplicationFactory(
        program=Program.objects.get(code="rural-reward"),
        year=2025,
        applicant=mother,
        status=S.ENROLLED,
        created_by=village_officer,
    )
    candidate = new_application("rural-reward", mother)
    candidate.created_by = village_officer
    with pytest.raises(ValidationError):
        candidate.validate()
    Application.objects.filter(pk=old.pk).update(status=S.TERMINATED)
    candidate.validate()  # nothing live stands in the way any more


@pytest.fixture
def other_county_village(regions):
    """A village of a neighbouring county (outside every officer of the ``regions`` tree)."""
    RegionFactory(code="360922000000", name="邻县")
    RegionFactory(code="360922100000", name="邻县某镇")
    return RegionFactory(code="360922100001", name="邻县某村")


@pytest.mark.django_db
def test_the_same_program_twice_in_one_year_is_refused_until_the_first_is_withdrawn(
    mother, village_officer
):
    first = ApplicationFactory(
        program=Program.objects.get(code="rural-reward"),
        applicant=mother,
        status=S.SUBMITTED,
        created_by=village_officer,
    )
    with pytest.raises(ValidationError) as refusal:
        applications.apply(Actor(village_officer), new_application("rural-reward", mother))
    assert "applicant" in refusal.value.message_dict
    assert Application.objects.filter(applicant=mother).count() == 1
    Application.objects.filter(pk=first.pk).update(status=S.WITHDRAWN)
    candidate = new_application("rural-reward", mother)
    candidate.created_by = village_officer
    candidate.validate()  # a withdrawn application no longer stands in the way


@pytest.mark.django_db
def test_a_recipient_enrolled_in_another_county_cannot_apply_to_the_same_program_here(
    mother, village_officer, other_county_village
):
    ApplicationFactory(
        program=Program.objects.get(code="rural-reward"),
        year=2025,
        applicant=mother,
        region=other_county_village,
        status=S.ENROLLED,
        created_by=village_officer,
    )
    with pytest.raises(ValidationError) as refusal:
        applications.apply(Actor(village_officer), new_application("rural-reward", mother))
    message = " ".join(refusal.value.messages)
    assert "农村部分计划生育家庭奖励扶助" in message and "邻县" not in message
    assert Application.objects.filter(applicant=mother).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("held", "applied", "refused"),
    [
        ("special-disabled", "special-deceased", True),  # the exclusion holds either way round
        ("special-deceased", "special-disabled", True),
        ("rural-reward", "single-child-reward", False),  # no exclusion: both may be held
    ],
)
def test_programs_exclude_each_other_only_as_the_table_says_in_another_county_too(
    mother, village_officer, other_county_village, held, applied, refused
):
    ApplicationFactory(
        program=Program.objects.get(code=held),
        applicant=mother,
        region=other_county_village,
        status=S.ENROLLED,
        created_by=village_officer,
    )
    candidate = new_application(applied, mother)
    candidate.created_by = village_officer
    if refused:
        with pytest.raises(ValidationError) as refusal:
            candidate.validate()
        assert Program.objects.get(code=held).name in " ".join(refusal.value.messages)
    else:
        candidate.validate()
