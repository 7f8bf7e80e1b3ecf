"""The record of a democratic appraisal (who attended, by kind, and the minutes) and the
household visit's checklist 三问三看三走访: required where the county's rules require them,
stored, and shown on the application's page, through the service, the pages and the API."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from casework.factories import ApplicationFactory
from casework.models import Application, ApplicationStatus, Appraisal, HouseholdVisit, Program
from casework.models.applications import ALL_CHECKS, VisitCheck
from permissions.audit import Actor
from permissions.models import AuditEntry
from tests.conftest import VILLAGE
from tests.workflows.test_applications import DECLARED, MINUTES, VISIT, person
from tests.workflows.test_county_and_city import RECHECK
from workflows import applications
from workflows.transitions import perform

KINDS = {"representatives": 9, "party_members": 5, "old_cadres": 3, "peers": 4}
# What a county inspector may do on a recheck: fewer than the village's nine.
SOME_CHECKS = [VisitCheck.ASK_APPLICANT, VisitCheck.SEE_HUKOU, VisitCheck.VISIT_NEIGHBOURS]


@pytest.fixture
def submitted(regions, offices, village_officer):
    """A new application waiting for its village visit."""

    def make():
        application = Application(
            program=Program.objects.get(code="rural-reward"),
            year=2026,
            applicant=person(regions, datetime.date(1962, 5, 1)),
        )
        return applications.apply(Actor(village_officer), application, DECLARED)

    return make


@pytest.fixture
def visited(regions, village_officer):
    """Applications of the village waiting for their appraisal."""

    def make(count=1):
        return ApplicationFactory.create_batch(
            count,
            applicant__region=regions[VILLAGE],
            status=ApplicationStatus.VISITED,
            created_by=village_officer,
        )

    return make


@pytest.fixture
def api(login_api, village_officer, offices):
    return login_api(village_officer)


def appraise(officer, ids, **record):
    meeting = {
        "held_on": datetime.date(2026, 11, 22),
        "attendees": "村两委成员、村民代表、老党员、老干部、同龄村民",
        "attendees_by_kind": KINDS,
        "minutes": MINUTES,
        **record,
    }
    return applications.record_appraisal(
        Actor(officer), opinions={pk: ("agree", "") for pk in ids}, **meeting
    )


def rule(officer, field: str, **record) -> str:
    """The service's message on ``field`` for a meeting recorded with ``record``."""
    with pytest.raises(ValidationError) as refused:
        appraise(officer, [], **record)
    return refused.value.message_dict[field][0]


def missing_named(message: str, missing) -> bool:
    return all(str(check.label) in message for check in missing)


# The appraisal.


@pytest.mark.django_db
def test_an_appraisal_keeps_its_attendees_by_kind_and_its_minutes(visited, village_officer):
    first, second = visited(2)
    appraisal, results = appraise(village_officer, [first.pk, second.pk])
    assert all(row.done for row in results)
    appraisal.refresh_from_db()
    assert (appraisal.representatives, appraisal.party_members) == (9, 5)
    assert (appraisal.old_cadres, appraisal.peers) == (3, 4)
    assert appraisal.attendee_count == 21 and appraisal.minutes == MINUTES
    assert [count for _label, count in appraisal.attendance()] == [9, 5, 3, 4]


@pytest.mark.django_db
def test_an_appraisal_without_an_attendee_or_minutes_is_refused(visited, village_officer):
    (application,) = visited()
    with pytest.raises(ValidationError) as refused:
        appraise(village_officer, [application.pk], attendees_by_kind={}, minutes="同意。")
    problems = refused.value.message_dict
    assert set(problems) == {"representatives", "minutes"}
    assert "10" in problems["minutes"][0]
    with pytest.raises(ValidationError) as refused:
        appraise(village_officer, [application.pk], attendees_by_kind={"peers": 0})
    assert set(refused.value.message_dict) == {"representatives"}
    with pytest.raises(ValidationError) as refused:
        appraise(village_officer, [application.pk], minutes="   ")
    assert set(refused.value.message_dict) == {"minutes"}
    assert not Appraisal.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.VISITED


@pytest.mark.django_db
def test_the_appraisal_page_records_the_kinds_and_refuses_a_meeting_without_minutes(
    client, visited, village_officer, offices
):
    first, second = visited(2)
    client.force_login(village_officer)
    meeting = {
        "held_on": "2026-11-22",
        "attendees": "村两委成员、村民代表、老党员",
        "representatives": "10",
        "party_members": "6",
        "old_cadres": "",
        "peers": "5",
        "opinion": "agree",
    }
    refused = client.post(
        reverse("applications-appraise-page"),
        {**meeting, "selected": [first.pk], "minutes": ""},
        follow=True,
    )
    assert not Appraisal.objects.exists()
    assert escape(rule(village_officer, "minutes", minutes="")) in refused.content.decode()
    nobody = client.post(
        reverse("applications-appraise-page"),
        {
            **meeting,
            "representatives": "0",
            "party_members": "0",
            "peers": "0",
            "selected": [first.pk],
            "minutes": MINUTES,
        },
        follow=True,
    )
    assert not Appraisal.objects.exists()
    everyone_rule = rule(village_officer, "representatives", attendees_by_kind={})
    assert escape(everyone_rule) in nobody.content.decode()

    client.post(
        reverse("applications-appraise-page"),
        {**meeting, "selected": [first.pk, second.pk], "minutes": MINUTES},
    )
    appraisal = Appraisal.objects.get()
    assert appraisal.attendance()[0][1] == 10 and appraisal.old_cadres == 0
    assert appraisal.attendee_count == 21 and appraisal.minutes == MINUTES
    assert appraisal.entries.count() == 2


@pytest.mark.django_db
def test_the_appraisal_api_records_the_kinds_and_refuses_what_the_page_refuses(api, visited):
    first, second, third = visited(3)
    body = {
        "held_on": "2026-11-22",
        "attendees": "村民代表、老党员、同龄村民",
        "representatives": 7,
        "party_members": 2,
        "peers": 3,
        "minutes": MINUTES,
        "entries": [{"application": first.pk, "opinion": "agree"}],
    }
    no_minutes = api.post("/api/v1/applications/appraise/", {**body, "minutes": ""}, format="json")
    assert no_minutes.status_code == 400
    assert set(no_minutes.json()["error"]["fields"]) == {"minutes"}
    nobody = api.post(
        "/api/v1/applications/appraise/",
        {**body, "representatives": 0, "party_members": 0, "peers": 0},
        format="json",
    )
    assert nobody.status_code == 400
    assert set(nobody.json()["error"]["fields"]) == {"representatives"}
    # An older client's total must add up to the kinds it gives.
    wrong_total = api.post(
        "/api/v1/applications/appraise/", {**body, "attendee_count": 11}, format="json"
    )
    assert wrong_total.status_code == 400
    message = wrong_total.json()["error"]["fields"]["attendee_count"][0]
    assert "11" in message and "12" in message
    assert not Appraisal.objects.exists()

    done = api.post("/api/v1/applications/appraise/", body, format="json")
    assert done.status_code == 200, done.json()
    appraisal = Appraisal.objects.get(pk=done.json()["appraisal"])
    assert (appraisal.representatives, appraisal.party_members, appraisal.peers) == (7, 2, 3)
    assert appraisal.old_cadres == 0 and appraisal.attendee_count == 12
    assert appraisal.minutes == MINUTES
    entries = [{"application": pk, "opinion": "agree"} for pk in (second.pk, third.pk)]
    totalled = api.post(
        "/api/v1/applications/appraise/",
        {**body, "attendee_count": 12, "entries": entries},
        format="json",
    )
    assert totalled.status_code == 200 and all(r["done"] for r in totalled.json()["results"])


@pytest.mark.django_db
def test_meetings_recorded_before_the_kinds_count_their_attendees_as_representatives(
    visited, village_officer, regions
):
    (application,) = visited()
    old = Appraisal.objects.create(
        region=regions[VILLAGE],
        held_on=datetime.date(2025, 11, 2),
        attendees="村民代表",
        attendee_count=17,
        officer=village_officer,
        signed_at=datetime.datetime(2025, 11, 2, tzinfo=datetime.UTC),
    )
    migration = importlib.import_module(
        "casework.migrations.0024_appraisal_kinds_and_visit_checklist"
    )
    migration.counted_as_representatives(apps, None)
    old.refresh_from_db()
    assert old.representatives == 17 and old.attendee_count == 17 and old.minutes == ""


# The household visit's checklist.


@pytest.mark.django_db
def test_a_village_visit_missing_a_check_is_refused_naming_it(submitted, village_officer):
    application = submitted()
    missing = [VisitCheck.SEE_CERTIFICATES, VisitCheck.VISIT_PEERS]
    ticked = [check for check in ALL_CHECKS if check not in missing]
    with pytest.raises(ValidationError) as refused:
        perform("record_visit", application, Actor(village_officer), {**VISIT, "checklist": ticked})
    (message,) = refused.value.message_dict["checklist"]
    assert missing_named(message, missing)
    assert str(VisitCheck.ASK_APPLICANT.label) not in message
    with pytest.raises(ValidationError) as refused:
        perform("record_visit", application, Actor(village_officer), {**VISIT, "checklist": []})
    assert missing_named(refused.value.message_dict["checklist"][0], VisitCheck)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not HouseholdVisit.objects.exists()


@pytest.mark.django_db
def test_a_village_visit_with_all_nine_checks_is_recorded_with_them(submitted, village_officer):
    in_another_order = list(reversed(ALL_CHECKS))
    visited = perform(
        "record_visit",
        submitted(),
        Actor(village_officer),
        {**VISIT, "checklist": in_another_order},
    )
    assert visited.status == ApplicationStatus.VISITED
    visit = HouseholdVisit.objects.get(application=visited)
    assert visit.checklist == list(ALL_CHECKS) and visit.checks_missing() == []
    signed = AuditEntry.objects.get(action="record_visit", object_id=str(visited.pk))
    assert signed.data["checklist"] == list(ALL_CHECKS)


@pytest.mark.django_db
def test_the_county_recheck_may_record_fewer_checks(regions, village_officer, county_inspector):
    application = ApplicationFactory(
        applicant__region=regions[VILLAGE],
        status=ApplicationStatus.AWAITING_COUNTY,
        created_by=village_officer,
    )
    rechecked = perform(
        "county_recheck",
        application,
        Actor(county_inspector),
        {**RECHECK, "checklist": SOME_CHECKS},
    )
    assert rechecked.status == ApplicationStatus.RECHECKED
    visit = HouseholdVisit.objects.get(application=application)
    assert visit.level == "county" and visit.checklist == [str(c) for c in SOME_CHECKS]


@pytest.mark.django_db
def test_the_visit_page_and_api_refuse_a_missing_check(
    client, api, submitted, village_officer, offices
):
    application = submitted()
    client.force_login(village_officer)
    page = client.get(reverse("application-detail", args=[application.pk])).content.decode()
    assert page.count('type="checkbox" name="checklist"') == len(ALL_CHECKS)
    ticked = [check for check in ALL_CHECKS if check != VisitCheck.ASK_CADRES]
    step = reverse("step", args=["applications", application.pk, "record_visit"])
    refused = client.post(step, {**VISIT, "checklist": ticked}, follow=True)
    assert str(VisitCheck.ASK_CADRES.label) in refused.content.decode()
    answer = api.post(
        f"/api/v1/applications/{application.pk}/transitions/record_visit/",
        {**VISIT, "checklist": ticked},
        format="json",
    )
    assert answer.status_code == 400
    assert missing_named(answer.json()["error"]["fields"]["checklist"][0], [VisitCheck.ASK_CADRES])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    accepted = api.post(
        f"/api/v1/applications/{application.pk}/transitions/record_visit/", VISIT, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "visited"


# The application's page.


@pytest.mark.django_db
def test_the_application_page_shows_the_checklist_and_the_appraisal(
    client, submitted, village_officer, offices
):
    application = submitted()
    perform("record_visit", application, Actor(village_officer), VISIT)
    appraise(village_officer, [application.pk])
    client.force_login(village_officer)
    page = client.get(reverse("application-detail", args=[application.pk])).content.decode()
    for check in VisitCheck:
        assert str(check.label) in page
    for kind in Appraisal.ATTENDEE_KINDS:
        label = str(Appraisal._meta.get_field(kind).verbose_name)
        assert escape(f"{label} {KINDS[kind]}") in page
    assert MINUTES in page and "21" in page
