"""One application from apply to enrolment through the API, each step by the role that owns it,
then the recipient's annual review; the history and the audit trail name every signer."""

import datetime

import pytest

from casework.factories import PersonFactory, synthetic_id_number
from casework.models import Application, ApplicationStatus, Filing, HouseholdVisit
from casework.models.applications import ALL_CHECKS
from permissions.models import AuditEntry
from tests.conftest import COUNTY, TOWNSHIP, VILLAGE
from tests.workflows.test_applications import MINUTES

VISIT = {
    "visited_on": "2026-11-02",
    "met_in_person": "on",
    "living_children": 1,
    "children_evidence": "户口簿",
    "births_outside_policy": 0,
    "births_evidence": "计生档案",
    "checklist": list(ALL_CHECKS),
    "opinion": "入户核实，情况属实",
}


def posting_for(api, level, region, ids, starts_on):
    response = api.post(
        "/api/v1/postings/",
        {
            "level": level,
            "program": "rural-reward",
            "year": 2026,
            "region": region,
            "starts_on": starts_on,
            "days": 7,
            "place": "公开栏",
            "contact_phone": "0797-5210001",
            "applications": ids,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert [r["done"] for r in response.json()["results"]] == [True]
    return response.json()["id"]


def transition(api, application_id, name, data=None, expect=200):
    response = api.post(
        f"/api/v1/applications/{application_id}/transitions/{name}/", data or {}, format="json"
    )
    assert response.status_code == expect, response.json()
    return response.json()


@pytest.mark.django_db
def test_apply_to_enrolment_and_annual_review(
    login_api,
    settings,
    regions,
    offices,
    village_officer,
    township_reviewer,
    county_inspector,
    county_approver,
    city_filing_officer,
):
    settings.CASEWORK_TODAY = "2026-11-02"
    applicant = PersonFactory(
        region=regions[VILLAGE],
        id_number=synthetic_id_number(VILLAGE, datetime.date(1964, 5, 1), 321, male=True),
    )
    api = login_api(village_officer)
    created = api.post(
        "/api/v1/applications/",
        {
            "program": "rural-reward",
            "year": 2026,
            "applicant": applicant.pk,
            "facts": {
                "living_children": {"value": 1, "evidence": "户口簿"},
                "births_outside_policy": {"value": 0, "evidence": "生育证明"},
            },
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert transition(api, pk, "record_visit", VISIT)["status"] == "visited"
    appraisal = api.post(
        "/api/v1/applications/appraise/",
        {
            "held_on": "2026-11-02",
            "attendees": "村民代表十一人",
            "representatives": 11,
            "minutes": MINUTES,
            "entries": [{"application": pk, "opinion": "agree"}],
        },
        format="json",
    )
    assert appraisal.json()["results"][0]["done"], appraisal.json()
    village_posting = posting_for(api, "village", VILLAGE, [pk], "2026-11-02")
    # The posting closes only after its end date.
    early = api.post(f"/api/v1/postings/{village_posting}/transitions/close/", {}, format="json")
    assert early.status_code == 400

    settings.CASEWORK_TODAY = "2026-11-09"
    closed = api.post(f"/api/v1/postings/{village_posting}/transitions/close/", {}, format="json")
    assert closed.status_code == 200, closed.json()

    api = login_api(township_reviewer)
    checked = api.post(
        "/api/v1/applications/township_check/",
        {"entries": [{"application": pk, "decision": "pass", "opinion": "同意上报"}]},
        format="json",
    )
    assert checked.json()["results"][0]["done"], checked.json()
    township_posting = posting_for(api, "township", TOWNSHIP, [pk], "2026-11-09")
    settings.CASEWORK_TODAY = "2026-11-16"
    api.post(f"/api/v1/postings/{township_posting}/transitions/close/", {}, format="json")
    assert Application.objects.get(pk=pk).status == ApplicationStatus.AWAITING_COUNTY

    api = login_api(county_inspector)
    assert transition(api, pk, "approve", expect=403)["error"]["code"] == "forbidden"
    rechecked = transition(api, pk, "county_recheck", {**VISIT, "visited_on": "2026-11-16"})
    assert rechecked["status"] == "rechecked"

    api = login_api(county_approver)
    county_posting = posting_for(api, "county", COUNTY, [pk], "2026-11-16")
    settings.CASEWORK_TODAY = "2026-11-23"
    api.post(f"/api/v1/postings/{county_posting}/transitions/close/", {}, format="json")
    approved = api.post(
        "/api/v1/applications/bulk/",
        {"transition": "approve", "applications": [pk], "opinion": "同意"},
        format="json",
    )
    assert approved.json()["results"] == [{"application": pk, "done": True, "message": "批准"}]

    api = login_api(city_filing_officer)
    filed = transition(api, pk, "file", {"opinion": "备案"})
    assert filed["status"] == "enrolled"
    application = Application.objects.get(pk=pk)
    assert application.paid_from == datetime.date(2027, 1, 1)
    assert Filing.objects.get().applications.get() == application

    # The next year, the village officer meets the recipient for the annual review.
    settings.CASEWORK_TODAY = "2027-03-10"
    api = login_api(village_officer)
    reviewed = transition(
        api,
        pk,
        "annual_review",
        {"reviewed_on": "2027-03-10", "met_in_person": True, "alive": True, "still_eligible": True},
    )
    assert reviewed["status"] == "enrolled"
    assert transition(
        api, pk, "annual_review", {"reviewed_on": "2027-03-10", "met_in_person": True}, expect=400
    )["error"]["fields"]

    detail = api.get(f"/api/v1/applications/{pk}/").json()
    assert [h["transition"] for h in detail["history"]] == [
        "apply",
        "submit",
        "record_visit",
        "appraise",
        "post_in_village",
        "pass_village_posting",
        "pass_township_check",
        "post_in_township",
        "pass_township_posting",
        "county_recheck",
        "post_in_county",
        "pass_county_posting",
        "approve",
        "file",
        "annual_review",
    ]
    signers = dict(
        AuditEntry.objects.filter(
            object_id=str(pk), action__in=["record_visit", "county_recheck", "approve", "file"]
        ).values_list("action", "actor__username")
    )
    assert signers == {
        "record_visit": "village_officer",
        "county_recheck": "county_inspector",
        "approve": "county_approver",
        "file": "city_filing_officer",
    }
    assert set(HouseholdVisit.objects.values_list("level", flat=True)) == {"village", "county"}


@pytest.mark.django_db
def test_a_draft_is_submitted_once_signed(login_api, regions, offices, village_officer):
    applicant = PersonFactory(
        region=regions[VILLAGE],
        id_number=synthetic_id_number(VILLAGE, datetime.date(1963, 2, 1), 322, male=True),
    )
    api = login_api(village_officer)
    created = api.post(
        "/api/v1/applications/",
        {"program": "rural-reward", "year": 2026, "applicant": applicant.pk, "submit": False},
        format="json",
    ).json()
    assert created["status"] == "draft" and created["available_transitions"][0] == "submit"
    pk = created["id"]
    assert api.get(f"/api/v1/applications/{pk}/documents/").json() == []
    assert transition(api, pk, "submit")["status"] == "submitted"
    documents = api.get(f"/api/v1/applications/{pk}/documents/").json()
    assert [d["kind"] for d in documents] == ["application_form"]
    assert transition(api, pk, "submit", expect=409)["error"]["code"] == "conflict"
