"""The household visit asks for the facts of the application's program (a sterilisation
reward: the sterilisation date, not the only child's condition), stores them as JSON, refuses
a date in the future; and a program that issues no not-confirmed notice gets none."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casework.eligibility import FACTS, Fact
from casework.factories import PersonFactory, synthetic_id_number
from casework.models import (
    Application,
    ApplicationFact,
    ApplicationStatus,
    FactSource,
    HouseholdVisit,
    Hukou,
    Program,
    ProgramDocument,
)
from casework.models.applications import ALL_CHECKS
from documents.models import Document
from permissions.audit import Actor
from tests.conftest import VILLAGE
from workflows import applications
from workflows.applications import FactsForm, VisitForm
from workflows.transitions import perform, steps_of

_SEQUENCE = iter(range(1, 10_000))
# A rural couple with two daughters, no birth outside policy, as the family declares it.
DECLARED = {
    "living_children": Fact(2, "户口簿"),
    "living_daughters": Fact(2, "户口簿"),
    "births_outside_policy": Fact(0, "生育情况证明"),
}
VISIT = {
    "visited_on": "2026-11-20",
    "met_in_person": "on",
    "checklist": list(ALL_CHECKS),
    "opinion": "入户核实，情况属实",
    "living_children": "2",
    "living_daughters": "2",
    "children_evidence": "户口簿",
    "births_outside_policy": "0",
    "births_evidence": "计生档案",
    "sterilised_on": "2011-03-02",
    "contraception_evidence": "县妇幼保健院绝育手术证明",
}
# The fields of the sterilisation reward's facts (rural hukou is read from the registry).
STERILISATION_FIELDS = {
    "living_children",
    "living_daughters",
    "children_evidence",
    "births_outside_policy",
    "births_evidence",
    "sterilised_on",
    "contraception_evidence",
}


def person(regions, born, *, male):
    number = synthetic_id_number(VILLAGE, born, 700 + next(_SEQUENCE), male=male)
    return PersonFactory(region=regions[VILLAGE], id_number=number, hukou=Hukou.RURAL)


@pytest.fixture
def sterilisation_reward(db):
    return Program.objects.get(code="sterilisation-reward")


@pytest.fixture
def application(regions, offices, village_officer, sterilisation_reward):
    """A submitted sterilisation-reward application of a rural couple."""
    husband = person(regions, datetime.date(1972, 3, 8), male=True)
    wife = person(regions, datetime.date(1975, 5, 1), male=False)
    return applications.apply(
        Actor(village_officer),
        Application(program=sterilisation_reward, year=2026, applicant=husband, spouse=wife),
        DECLARED,
    )


def _fact_fields(form) -> set[str]:
    evidence = {asked.evidence for asked in FACTS.values()}
    return {name for name in form.fields if name in FACTS or name in evidence}


@pytest.mark.django_db
def test_the_visit_form_asks_for_the_programs_facts_only(application):
    form = steps_of(Application)["record_visit"].form_for(application)
    assert isinstance(form, VisitForm) and not form.is_bound
    assert _fact_fields(form) == STERILISATION_FIELDS
    assert "only_child_status" not in form.fields and "only_child_evidence" not in form.fields
    assert {"visited_on", "met_in_person", "opinion", "photos"} <= set(form.fields)


def test_without_a_program_every_fact_is_asked_under_its_old_name():
    old = [
        "living_children",
        "living_daughters",
        "children_evidence",
        "births_outside_policy",
        "births_evidence",
        "only_child_status",
        "further_children",
        "only_child_evidence",
        "single_child_certificate",
        "certificate_evidence",
    ]
    fields = list(FactsForm.base_fields)
    assert set(FACTS) <= set(fields) and set(old) <= set(fields)
    # Each fact sits before the evidence field of its group, as on the old form.
    assert [name for name in fields if name in old] == old
    assert list(FactsForm().fields) == fields


def test_the_facts_given_are_json_values():
    form = FactsForm(
        {
            "living_children": "2",
            "children_evidence": "户口簿",
            "only_child_status": "disabled",
            "only_child_evidence": "残疾证",
            "complication_grade": "2",
            "complication_evidence": "鉴定结论",
            "sterilised_on": "2011-03-02",
            "contraception_evidence": "手术证明",
            "births_outside_policy": "",
        }
    )
    assert form.is_valid(), form.errors
    assert form.facts() == {
        "living_children": Fact(2, "户口簿"),
        "only_child_status": Fact("disabled", "残疾证"),
        "sterilised_on": Fact("2011-03-02", "手术证明"),
        "complication_grade": Fact(2, "鉴定结论"),
    }


def test_a_choice_outside_the_catalogue_and_a_negative_count_are_refused():
    form = FactsForm({"complication_grade": "4", "living_children": "-1", "poor_household": "x"})
    assert not form.is_valid()
    assert {"complication_grade", "living_children", "poor_household"} <= set(form.errors)


@pytest.mark.django_db
def test_a_visit_records_the_sterilisation_date(application, village_officer):
    data = {**VISIT, "only_child_status": "deceased", "only_child_evidence": "死亡证明"}
    visited = perform("record_visit", application, Actor(village_officer), data)
    assert visited.status == ApplicationStatus.VISITED
    found = ApplicationFact.objects.get(
        application=application, code="sterilised_on", source=FactSource.VILLAGE_VISIT
    )
    assert (found.value, found.evidence) == ("2011-03-02", "县妇幼保健院绝育手术证明")
    # A fact the program does not read is not asked for, so not recorded either.
    assert not application.facts.filter(code="only_child_status").exists()
    assert applications.assessment_of(visited).eligible


@pytest.mark.django_db
def test_a_sterilisation_before_the_programs_day_is_refused(application, village_officer):
    with pytest.raises(ValidationError) as refusal:
        perform(
            "record_visit",
            application,
            Actor(village_officer),
            {**VISIT, "sterilised_on": "2010-09-30"},
        )
    assert "2010-10-01" in str(refusal.value)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_a_sterilisation_date_in_the_future_is_refused(application, village_officer):
    with pytest.raises(ValidationError) as refusal:
        perform(
            "record_visit",
            application,
            Actor(village_officer),
            {**VISIT, "sterilised_on": "2026-12-01"},
        )
    errors = refusal.value.error_dict
    assert [error.code for error in errors["sterilised_on"]] == ["future"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not HouseholdVisit.objects.exists()
    assert not application.facts.filter(code="sterilised_on").exists()


@pytest.mark.django_db
def test_the_application_page_shows_the_programs_fact_fields(client, application, village_officer):
    client.force_login(village_officer)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    for name in STERILISATION_FIELDS:
        assert f'name="{name}"' in page, name
    for name in ("only_child_status", "further_children", "single_child_certificate"):
        assert f'name="{name}"' not in page, name
    assert 'type="date" name="sterilised_on"' in page or 'name="sterilised_on" type="date"' in page


def _kinds(application) -> set[str]:
    return set(Document.objects.for_subject(application).values_list("kind", flat=True))


@pytest.mark.django_db
def test_a_rejection_issues_the_notice_only_when_the_program_issues_it(
    application, village_officer, sterilisation_reward
):
    sterilisation_reward.documents = [ProgramDocument.APPLICATION_FORM]
    sterilisation_reward.save()
    application.program.refresh_from_db()
    rejected = perform("reject", application, Actor(village_officer), {"opinion": "有政策外生育"})
    assert rejected.status == ApplicationStatus.REJECTED
    assert _kinds(rejected) == {"application_form"}


@pytest.mark.django_db
def test_a_program_that_issues_the_notice_still_does(application, village_officer):
    assert application.program.issues(ProgramDocument.NOT_CONFIRMED_NOTICE)
    rejected = perform("reject", application, Actor(village_officer), {"opinion": "有政策外生育"})
    assert _kinds(rejected) == {"application_form", "not_confirmed_notice"}
