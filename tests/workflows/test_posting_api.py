"""Postings and objections through the API, including who may see an objection's reporter."""

import pytest

from casework.factories import ApplicationFactory
from casework.models import ApplicationStatus
from permissions.roles import Role
from tests.conftest import COUNTY, VILLAGE


@pytest.fixture
def api(login_api, village_officer, offices):
    return login_api(village_officer)


@pytest.fixture
def appraised(regions, village_officer):
    return ApplicationFactory.create_batch(
        2,
        applicant__region=regions[VILLAGE],
        status=ApplicationStatus.APPRAISED,
        created_by=village_officer,
    )


def open_posting(api, ids):
    return api.post(
        "/api/v1/postings/",
        {
            "program": "rural-reward",
            "year": 2026,
            "region": VILLAGE,
            "starts_on": "2026-11-20",
            "days": 7,
            "place": "东风村村务公开栏",
            "contact_phone": "0797-5210001",
            "applications": ids,
        },
        format="json",
    )


@pytest.mark.django_db
def test_open_object_resolve_and_close(
    api, appraised, settings, login_api, make_officer, village_officer
):
    created = open_posting(api, [a.pk for a in appraised] + [424242])
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [r["done"] for r in body["results"]] == [True, True, False]
    assert len(body["entries"]) == 2 and body["entries"][0]["id_number"].count("*") == 8
    posting_id, entry_id = body["id"], body["entries"][0]["id"]

    objection = api.post(
        "/api/v1/objections/",
        {
            "entry": entry_id,
            "channel": "letter",
            "content": "反映该户隐瞒生育",
            "reporter_name": "王某",
            "reporter_contact": "13900000000",
            "received_on": "2026-11-22",
        },
        format="json",
    )
    assert objection.status_code == 201, objection.json()
    assert "reporter_name" not in objection.json()
    supervisor = login_api(make_officer(Role.SUPERVISOR, COUNTY))
    seen = supervisor.get(f"/api/v1/objections/{objection.json()['id']}/").json()
    assert seen["reporter_name"] == "王某"
    api = login_api(village_officer)  # one client: back to the village officer

    settings.CASEWORK_TODAY = "2026-11-27"
    refused = api.post(f"/api/v1/postings/{posting_id}/transitions/close/", {}, format="json")
    assert refused.status_code == 400
    dismissed = api.post(
        f"/api/v1/objections/{objection.json()['id']}/transitions/dismiss/",
        {"opinion": "经调查不属实"},
        format="json",
    )
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    closed = api.post(f"/api/v1/postings/{posting_id}/transitions/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    statuses = {
        e["application_status"]
        for e in api.get(f"/api/v1/postings/{posting_id}/").json()["entries"]
    }
    assert statuses == {"awaiting_township"}


@pytest.mark.django_db
def test_nothing_to_post_is_a_clear_400(api, regions, village_officer):
    not_ready = ApplicationFactory(applicant__region=regions[VILLAGE], created_by=village_officer)
    response = open_posting(api, [not_ready.pk])
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


@pytest.mark.django_db
def test_postings_list_queries_stay_flat(api, appraised, django_assert_max_num_queries):
    open_posting(api, [appraised[0].pk])
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/postings/").json()["count"] == 1
    open_posting(api, [appraised[1].pk])
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/postings/").json()["count"] == 2
