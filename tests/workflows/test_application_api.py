"""Applications through the API: create, visit, bulk appraisal, refusals and query counts."""

import datetime

import pytest

from casework.models import Application
from permissions.roles import Role
from tests.conftest import OTHER_VILLAGE
from tests.workflows.test_applications import MINUTES, VISIT, person

FACTS = {
    "living_children": {"value": 1, "evidence": "户口簿"},
    "births_outside_policy": {"value": 0, "evidence": "生育情况证明"},
}


@pytest.fixture
def api(login_api, village_officer, offices):
    return login_api(village_officer)


def create(api, applicant, **extra):
    body = {
        "program": "rural-reward",
        "year": 2026,
        "applicant": applicant.pk,
        "facts": FACTS,
        **extra,
    }
    return api.post("/api/v1/applications/", body, format="json")


@pytest.mark.django_db
def test_apply_visit_and_appraise_through_the_api(api, regions):
    applicant = person(regions, datetime.date(1964, 2, 2))
    created = create(api, applicant)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "submitted" and body["eligibility"]["outcome"] == "met"
    assert "record_visit" in body["available_transitions"]

    pk = body["id"]
    visited = api.post(f"/api/v1/applications/{pk}/transitions/record_visit/", VISIT, format="json")
    assert visited.status_code == 200, visited.json()
    assert visited.json()["status"] == "visited"
    assert {f["source"] for f in visited.json()["facts"]} == {"declared", "village_visit"}

    appraised = api.post(
        "/api/v1/applications/appraise/",
        {
            "held_on": "2026-11-22",
            "attendees": "村民代表23人",
            "representatives": 20,
            "old_cadres": 3,
            "attendee_count": 23,
            "minutes": MINUTES,
            "entries": [
                {"application": pk, "opinion": "agree"},
                {"application": 999999, "opinion": "agree"},
            ],
        },
        format="json",
    ).json()
    assert [(r["application"], r["done"]) for r in appraised["results"]] == [
        (pk, True),
        (999999, False),
    ]
    detail = api.get(f"/api/v1/applications/{pk}/").json()
    assert detail["status"] == "appraised"
    assert [h["transition"] for h in detail["history"]] == [
        "apply",
        "submit",
        "record_visit",
        "appraise",
    ]
    documents = api.get(f"/api/v1/applications/{pk}/documents/").json()
    assert [d["kind"] for d in documents] == ["application_form"]


@pytest.mark.django_db
def test_api_refusals(api, regions, login_api, make_officer, township_reviewer):
    young = person(regions, datetime.date(1970, 1, 1))
    pk = create(api, young).json()["id"]
    refused = api.post(f"/api/v1/applications/{pk}/transitions/record_visit/", VISIT, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid"
    assert (
        api.post(f"/api/v1/applications/{pk}/transitions/resume/", {}, format="json").status_code
        == 409
    )

    bad = create(api, young, facts={"favourite_colour": {"value": "red"}})
    assert bad.status_code == 400 and "facts" in bad.json()["error"]["fields"]
    elsewhere = person(regions, datetime.date(1960, 1, 1), village=OTHER_VILLAGE)
    outside = create(api, elsewhere)
    assert outside.status_code == 400 and "applicant" in outside.json()["error"]["fields"]
    assert login_api(township_reviewer).post(
        "/api/v1/applications/",
        {"program": "rural-reward", "year": 2026, "applicant": young.pk},
        format="json",
    ).status_code in (400, 403)
    other = login_api(make_officer(Role.VILLAGE_OFFICER, OTHER_VILLAGE))
    assert other.get(f"/api/v1/applications/{pk}/").status_code == 404
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_the_list_keeps_a_constant_number_of_queries(api, regions, django_assert_max_num_queries):
    for index in range(2):
        create(api, person(regions, datetime.date(1960, 1, 1 + index)))
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/applications/").json()["count"] == 2
    for index in range(6):
        create(api, person(regions, datetime.date(1961, 1, 1 + index)))
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/applications/?status=submitted").json()["count"] == 8
