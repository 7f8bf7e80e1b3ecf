"""Likely duplicate persons: found across villages and counties, recorded once, resolved by a
supervisor of either person's jurisdiction (the later application held), and listed for them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from casework import duplicates
from casework.factories import (
    ApplicationFactory,
    PersonFactory,
    RegionFactory,
    synthetic_id_number,
)
from casework.models import (
    Application,
    ApplicationStatus,
    DuplicateStatus,
    DuplicateSuspect,
    Job,
    JobStatus,
    Program,
)
from permissions.audit import Actor
from permissions.factories import OfficerFactory
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import COUNTY, OTHER_TOWNSHIP_VILLAGE, VILLAGE
from workflows.transitions import TransitionConflict, perform

S = ApplicationStatus
OTHER_COUNTY, OTHER_COUNTY_VILLAGE = "360922000000", "360922100001"
THIRD_COUNTY = "360923000000"
HUSBAND_BORN, WIFE_BORN = datetime.date(1955, 3, 8), datetime.date(1957, 10, 21)


@pytest.fixture
def counties(regions):
    """Two more counties: the neighbour (with a village) and a third one."""
    RegionFactory(code=OTHER_COUNTY, name="邻县")
    RegionFactory(code="360922100000", name="邻县某镇")
    RegionFactory(code=OTHER_COUNTY_VILLAGE, name="邻县某村")
    RegionFactory(code=THIRD_COUNTY, name="远县")
    return regions


_sequence = iter(range(1, 10_000))


def person(region_code, name, born, *, male, prefix=None):
    """A synthetic person; ``prefix`` is the ID number's region of first registration."""
    from casework.models import Region

    return PersonFactory(
        name=name,
        region=Region.objects.get(code=region_code),
        id_number=synthetic_id_number(prefix or region_code, born, next(_sequence), male=male),
    )


@pytest.fixture
def couple(counties, village_officer):
    """``couple(village, …)``: a husband with a live application naming his wife as spouse."""

    def make(
        village,
        *,
        name="赵国庆",
        born=HUSBAND_BORN,
        wife_name="钱秀兰",
        wife_born=WIFE_BORN,
        status=S.ENROLLED,
        program="rural-reward",
        husband=None,
        wife=None,
    ):
        husband = husband or person(village, name, born, male=True)
        wife = wife or person(village, wife_name, wife_born, male=False)
        return ApplicationFactory(
            program=Program.objects.get(code=program),
            applicant=husband,
            spouse=wife,
            status=status,
            paid_from=datetime.date(2026, 1, 1) if status == S.ENROLLED else None,
            created_by=village_officer,
        )

    return make


@pytest.fixture
def pair(couple):
    """The same couple in two counties under different ID numbers, found: the suspect."""
    here = couple(VILLAGE)
    there = couple(OTHER_COUNTY_VILLAGE)
    duplicates.find_duplicates()
    return DuplicateSuspect.objects.get(), here, there


@pytest.fixture
def supervisor(make_officer):
    return make_officer(Role.SUPERVISOR, COUNTY, username="supervisor")


def supervisor_of(code, username):
    from casework.models import Region

    return OfficerFactory(
        username=username, roles=[Role.SUPERVISOR], jurisdiction=Region.objects.get(code=code)
    )


# Detection.


@pytest.mark.django_db
def test_a_pair_across_two_counties_is_found_in_order(couple):
    here = couple(VILLAGE, status=S.ENROLLED)
    there = couple(OTHER_COUNTY_VILLAGE, status=S.AWAITING_TOWNSHIP)
    result = duplicates.find_duplicates()
    assert result.as_dict() == {"found": 1, "added": 1}
    suspect = DuplicateSuspect.objects.get()
    assert (suspect.person_a, suspect.person_b) == (here.applicant, there.applicant)
    assert (suspect.application_a, suspect.application_b) == (here, there)
    assert suspect.status == DuplicateStatus.OPEN and suspect.resolved_by is None


@pytest.mark.django_db
def test_three_records_of_one_couple_make_three_pairs(couple):
    for village in (VILLAGE, OTHER_TOWNSHIP_VILLAGE, OTHER_COUNTY_VILLAGE):
        couple(village)
    assert duplicates.find_duplicates().added == 3
    for suspect in DuplicateSuspect.objects.all():
        assert suspect.person_a_id < suspect.person_b_id


@pytest.mark.django_db
def test_the_same_id_number_is_not_flagged(couple):
    """One person (one ID number) holding two programs with the same spouse is no duplicate."""
    first = couple(VILLAGE, program="rural-reward")
    couple(
        VILLAGE,
        program="single-child-reward",
        husband=first.applicant,
        wife=first.spouse,
    )
    assert duplicates.find_duplicates().as_dict() == {"found": 0, "added": 0}
    assert not DuplicateSuspect.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "differing",
    [
        {"wife_name": "钱秀英"},
        {"wife_born": datetime.date(1957, 10, 22)},
        {"name": "赵国强"},
        {"born": datetime.date(1955, 3, 9)},
    ],
)
def test_a_difference_in_either_name_or_birth_date_is_not_flagged(couple, differing):
    couple(VILLAGE)
    couple(OTHER_COUNTY_VILLAGE, **differing)
    assert duplicates.find_duplicates().found == 0


@pytest.mark.django_db
def test_no_spouse_or_an_ended_application_is_not_flagged(couple, counties):
    couple(VILLAGE)
    couple(OTHER_COUNTY_VILLAGE, status=S.TERMINATED)
    alone = couple(OTHER_TOWNSHIP_VILLAGE)
    Application.objects.filter(pk=alone.pk).update(spouse=None)
    assert duplicates.find_duplicates().found == 0


@pytest.mark.django_db
def test_rerunning_adds_nothing_and_never_reopens_a_resolved_pair(pair, supervisor, couple):
    suspect, *_ = pair
    perform("different_persons", suspect, Actor(supervisor), {"opinion": "两人户籍档案均属实"})
    assert duplicates.find_duplicates().as_dict() == {"found": 1, "added": 0}
    suspect.refresh_from_db()
    assert suspect.status == DuplicateStatus.DIFFERENT_PERSONS
    assert DuplicateSuspect.objects.count() == 1
    # A third record of the couple pairs with both earlier ones; the resolved pair stays closed.
    couple(OTHER_TOWNSHIP_VILLAGE)
    assert duplicates.find_duplicates().as_dict() == {"found": 3, "added": 2}
    assert list(DuplicateSuspect.objects.order_by("pk").values_list("status", flat=True)) == [
        "different_persons",
        "open",
        "open",
    ]


@pytest.mark.django_db
def test_the_command_reports_what_it_found(couple, capsys):
    couple(VILLAGE)
    couple(OTHER_COUNTY_VILLAGE)
    call_command("find_duplicates")
    call_command("find_duplicates")
    out = capsys.readouterr().out.splitlines()
    assert out == ["1 likely duplicate pairs, 1 new.", "1 likely duplicate pairs, 0 new."]


@pytest.mark.django_db
def test_a_supervisor_starts_the_search_as_a_background_job(
    client, couple, supervisor, immediate_tasks, django_capture_on_commit_callbacks
):
    couple(VILLAGE)
    couple(OTHER_COUNTY_VILLAGE)
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("duplicate-search"))
    job = Job.objects.get()
    assert response.url == reverse("job-detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.result == {"found": 1, "added": 1}
    assert DuplicateSuspect.objects.count() == 1
    assert reverse("duplicate-list") in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_only_supervisors_start_a_search(client, village_officer):
    client.force_login(village_officer)
    assert client.post(reverse("duplicate-search")).status_code == 403
    assert not Job.objects.exists()


# Resolution.


@pytest.mark.django_db
def test_same_person_suspends_the_later_recipient_and_audits_both_persons(pair, supervisor):
    suspect, here, there = pair
    resolved = perform("same_person", suspect, Actor(supervisor), {"opinion": "指纹比对为同一人"})
    assert resolved.status == DuplicateStatus.SAME_PERSON
    assert resolved.resolved_by == supervisor and resolved.note == "指纹比对为同一人"
    assert resolved.resolved_at is not None
    here.refresh_from_db()
    there.refresh_from_db()
    assert here.status == S.ENROLLED  # the earlier entitlement stands
    assert there.status == S.SUSPENDED and there.paid_until == datetime.date(2026, 12, 31)
    assert f"{suspect.pk}" in there.status_reason and "指纹比对为同一人" in there.status_reason
    entries = AuditEntry.objects.filter(actor=supervisor)
    assert set(entries.values_list("action", "object_id")) == {
        ("confirm_same_person", str(suspect.pk)),
        ("suspend", str(there.pk)),
        ("duplicate_same_person", str(here.applicant_id)),
        ("duplicate_same_person", str(there.applicant_id)),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("later_status", "after"),
    [
        (S.AWAITING_COUNTY, S.DEFERRED),  # still in the chain: deferred where it stands
        (S.TOWNSHIP_POSTED, S.TOWNSHIP_POSTED),  # on a posting: flagged by the decision only
    ],
)
def test_same_person_defers_a_later_application_still_in_the_chain(
    couple, supervisor, later_status, after
):
    couple(VILLAGE)
    later = couple(OTHER_COUNTY_VILLAGE, status=later_status)
    duplicates.find_duplicates()
    perform("same_person", DuplicateSuspect.objects.get(), Actor(supervisor), {"opinion": "同一人"})
    later.refresh_from_db()
    assert later.status == after
    entry = AuditEntry.objects.get(action="duplicate_same_person", object_id=later.applicant_id)
    assert entry.data["held_by"] == ("defer" if after == S.DEFERRED else "")


@pytest.mark.django_db
def test_different_persons_closes_the_pair_with_a_note_and_changes_no_application(pair, supervisor):
    suspect, here, there = pair
    perform("different_persons", suspect, Actor(supervisor), {"opinion": "经核实为两人"})
    suspect.refresh_from_db()
    assert suspect.status == DuplicateStatus.DIFFERENT_PERSONS and suspect.note == "经核实为两人"
    assert set(Application.objects.values_list("status", flat=True)) == {S.ENROLLED}
    assert AuditEntry.objects.filter(action="duplicate_different_persons").count() == 2


@pytest.mark.django_db
def test_a_decision_needs_its_reason_and_is_taken_once(pair, supervisor):
    suspect, *_ = pair
    with pytest.raises(ValidationError):
        perform("same_person", suspect, Actor(supervisor), {"opinion": ""})
    perform("different_persons", suspect, Actor(supervisor), {"opinion": "两人"})
    with pytest.raises(TransitionConflict):
        perform("same_person", suspect, Actor(supervisor), {"opinion": "同一人"})
    assert Application.objects.filter(status=S.SUSPENDED).count() == 0


@pytest.mark.django_db
def test_the_other_countys_supervisor_may_resolve_too(pair):
    suspect, *_ = pair
    neighbour = supervisor_of(OTHER_COUNTY, "neighbour_supervisor")
    perform("different_persons", suspect, Actor(neighbour), {"opinion": "两人"})
    suspect.refresh_from_db()
    assert suspect.resolved_by == neighbour


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COUNTY_APPROVER, Role.COUNTY_INSPECTOR, Role.FUND_MANAGER])
def test_other_roles_may_not_resolve(pair, make_officer, role):
    suspect, *_ = pair
    officer = make_officer(role, COUNTY)
    with pytest.raises(PermissionDenied):
        perform("same_person", suspect, Actor(officer), {"opinion": "同一人"})
    suspect.refresh_from_db()
    assert suspect.status == DuplicateStatus.OPEN


@pytest.mark.django_db
def test_a_supervisor_of_neither_county_may_not_resolve_nor_see_it(pair, client):
    suspect, *_ = pair
    outsider = supervisor_of(THIRD_COUNTY, "far_supervisor")
    with pytest.raises(PermissionDenied):
        perform("different_persons", suspect, Actor(outsider), {"opinion": "两人"})
    client.force_login(outsider)
    assert client.get(reverse("duplicate-detail", args=[suspect.pk])).status_code == 404
    step = reverse("step", args=["duplicates", suspect.pk, "different_persons"])
    assert client.post(step, {"opinion": "两人"}).status_code == 404
    assert client.get(reverse("duplicate-list")).context["page"].paginator.count == 0


# Pages.


@pytest.mark.django_db
def test_the_supervisor_compares_masked_id_numbers_and_decides_on_the_page(
    pair, supervisor, client
):
    suspect, here, there = pair
    client.force_login(supervisor)
    page = client.get(reverse("duplicate-detail", args=[suspect.pk])).content.decode()
    for record in (here, there):
        assert record.applicant.masked_id_number in page
        assert record.applicant.id_number not in page
        assert record.spouse.masked_id_number in page
    assert 'onsubmit="return confirm(' in page
    assert reverse("step", args=["duplicates", suspect.pk, "same_person"]) in page
    step = reverse("step", args=["duplicates", suspect.pk, "same_person"])
    response = client.post(step, {"opinion": "同一人"})
    assert response.url == reverse("duplicate-detail", args=[suspect.pk])
    there.refresh_from_db()
    assert there.status == S.SUSPENDED
    after = client.get(response.url).content.decode()
    assert step not in after  # decided: no more step forms


@pytest.mark.django_db
def test_the_list_is_for_supervisors_and_the_nav_link_too(
    pair, supervisor, village_officer, client
):
    client.force_login(village_officer)
    assert client.get(reverse("duplicate-list")).status_code == 403
    assert reverse("duplicate-list") not in client.get(reverse("home")).content.decode()
    client.force_login(supervisor)
    assert reverse("duplicate-list") in client.get(reverse("home")).content.decode()
    assert client.get(reverse("duplicate-list")).status_code == 200


@pytest.mark.django_db
def test_the_list_searches_and_filters_by_status_and_region(pair, supervisor, client, couple):
    suspect, here, there = pair
    couple(VILLAGE, name="孙建华", wife_name="李桂芳")
    couple(OTHER_TOWNSHIP_VILLAGE, name="孙建华", wife_name="李桂芳")
    duplicates.find_duplicates()
    perform("different_persons", suspect, Actor(supervisor), {"opinion": "两人"})
    client.force_login(supervisor)

    def listed(**params):
        page = client.get(reverse("duplicate-list"), params).context["page"]
        return {row.person_a.name for row in page.object_list}

    assert listed() == {"赵国庆", "孙建华"}
    assert listed(q="孙") == {"孙建华"}
    assert listed(q=there.applicant.id_number) == {"赵国庆"}  # either person's whole number
    assert listed(status="open") == {"孙建华"}
    assert listed(status="different_persons") == {"赵国庆"}
    assert listed(region=OTHER_COUNTY_VILLAGE) == {"赵国庆"}  # the second person's village
    assert listed(region=OTHER_TOWNSHIP_VILLAGE) == {"孙建华"}
    assert listed(region="bad") == set()


@pytest.mark.django_db
def test_the_empty_list_says_so(supervisor, client):
    client.force_login(supervisor)
    response = client.get(reverse("duplicate-list"))
    assert response.context["page"].paginator.count == 0
    assert 'class="empty"' in response.content.decode()


@pytest.mark.django_db
def test_the_list_asks_a_fixed_number_of_queries(
    couple, supervisor, client, settings, django_assert_max_num_queries
):
    settings.CASEWORK_PAGE_SIZE = 25
    for index in range(30):
        couple(VILLAGE, name=f"王{index}", wife_name=f"刘{index}")
        couple(OTHER_COUNTY_VILLAGE, name=f"王{index}", wife_name=f"刘{index}")
    assert duplicates.find_duplicates().added == 30
    client.force_login(supervisor)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("duplicate-list"))
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 30
    with django_assert_max_num_queries(6):
        client.get(reverse("duplicate-list"), {"page": 2, "status": "open"})
