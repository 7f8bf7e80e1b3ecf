"""Persons through the pages and the API: scoping, masking, registration, constant query counts."""

import pytest
from django.urls import reverse

from casework.factories import PersonFactory
from casework.filters import search_name_or_id_number
from casework.models import Person
from permissions.models import AuditEntry
from tests.casework.test_id_validation import VALID
from tests.conftest import OTHER_TOWNSHIP_VILLAGE, OTHER_VILLAGE, VILLAGE

pytestmark = pytest.mark.django_db


def test_village_officer_lists_own_village_with_masked_numbers(
    client, village_officer, person_here, person_elsewhere
):
    client.force_login(village_officer)
    html = client.get(reverse("person-list")).content.decode()
    assert person_here.name in html and person_here.masked_id_number in html
    assert person_here.id_number not in html
    assert person_elsewhere.masked_id_number not in html


def test_village_officer_gets_404_for_another_villages_person(
    client, village_officer, person_elsewhere
):
    client.force_login(village_officer)
    assert client.get(reverse("person-detail", args=[person_elsewhere.pk])).status_code == 404


def test_detail_shows_the_whole_number_in_jurisdiction(client, village_officer, person_here):
    client.force_login(village_officer)
    assert (
        person_here.id_number
        in client.get(reverse("person-detail", args=[person_here.pk])).content.decode()
    )


def test_township_reviewer_sees_the_townships_villages_only(client, township_reviewer, regions):
    here, there, far = (
        PersonFactory(region=regions[code])
        for code in (VILLAGE, OTHER_VILLAGE, OTHER_TOWNSHIP_VILLAGE)
    )
    client.force_login(township_reviewer)
    listed = set(client.get(reverse("person-list")).context["page"].object_list)
    assert listed == {here, there}
    assert client.get(reverse("person-detail", args=[far.pk])).status_code == 404


def test_empty_search_shows_the_empty_state(client, village_officer, person_here):
    client.force_login(village_officer)
    html = client.get(reverse("person-list"), {"q": "无此人"}).content.decode()
    assert "没有符合条件的人员" in html


def test_registering_a_person_saves_it_with_an_audit_entry(client, village_officer, regions):
    client.force_login(village_officer)
    response = client.post(
        reverse("person-create"),
        {"id_number": VALID, "name": "测试人", "region": VILLAGE, "hukou": "rural"},
    )
    person = Person.objects.get(id_number=VALID)
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="register_person").object_id == str(person.pk)


def test_bad_id_number_on_the_form_is_refused_and_nothing_saved(client, village_officer, regions):
    client.force_login(village_officer)
    response = client.post(
        reverse("person-create"),
        {
            "id_number": VALID[:17] + "9" if VALID[17] != "9" else VALID[:17] + "8",
            "name": "测试人",
            "region": VILLAGE,
            "hukou": "rural",
        },
    )
    assert response.status_code == 200
    assert "身份证号码：" in str(response.context["form"].errors["id_number"])
    assert not Person.objects.exists()


def test_village_officer_cannot_register_in_another_village(client, village_officer, regions):
    client.force_login(village_officer)
    response = client.post(
        reverse("person-create"),
        {"id_number": VALID, "name": "测试人", "region": OTHER_VILLAGE, "hukou": "rural"},
    )
    assert "region" in response.context["form"].errors
    assert not Person.objects.exists()


def test_api_lists_masked_and_answers_404_outside_jurisdiction(
    login_api, village_officer, person_here, person_elsewhere
):
    api = login_api(village_officer)
    body = api.get("/api/v1/persons/").json()
    assert body["count"] == 1 and body["results"][0]["id_number"] == person_here.masked_id_number
    assert (
        api.get(f"/api/v1/persons/{person_here.pk}/").json()["id_number"] == person_here.id_number
    )
    missing = api.get(f"/api/v1/persons/{person_elsewhere.pk}/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_api_refuses_a_bad_id_number_naming_the_field(login_api, village_officer, regions):
    response = login_api(village_officer).post(
        "/api/v1/persons/",
        {"id_number": "12345", "name": "测试", "region": VILLAGE, "hukou": "rural"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "id_number" in error["fields"]
    assert not Person.objects.exists()


def test_api_registers_a_person(login_api, village_officer, regions):
    response = login_api(village_officer).post(
        "/api/v1/persons/",
        {"id_number": VALID, "name": "测试", "region": VILLAGE, "hukou": "rural"},
        format="json",
    )
    assert response.status_code == 201 and Person.objects.filter(id_number=VALID).exists()


def test_api_without_credentials_is_401(api_client):
    response = api_client.get("/api/v1/persons/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_api_token_and_throttled_failures(api_client, village_officer):
    assert (
        "token"
        in api_client.post(
            "/api/v1/auth/token/", {"username": "village_officer", "password": "casework-demo"}
        ).json()
    )
    for _ in range(5):
        api_client.post("/api/v1/auth/token/", {"username": "village_officer", "password": "wrong"})
    refused = api_client.post(
        "/api/v1/auth/token/", {"username": "village_officer", "password": "casework-demo"}
    )
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"


def test_api_me(login_api, village_officer):
    me = login_api(village_officer).get("/api/v1/me/").json()
    assert (me["username"], me["roles"], me["jurisdiction"]) == (
        "village_officer",
        ["village_officer"],
        VILLAGE,
    )


@pytest.mark.parametrize("rows", [10, 500])
def test_person_page_and_api_list_run_constant_queries(
    client, login_api, township_reviewer, regions, rows, django_assert_max_num_queries
):
    PersonFactory.create_batch(rows, region=regions[VILLAGE])
    client.force_login(township_reviewer)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("person-list")).status_code == 200
    api = login_api(township_reviewer)
    with django_assert_max_num_queries(7):
        assert api.get("/api/v1/persons/?page_size=200").status_code == 200


@pytest.mark.django_db
def test_search_matches_name_and_id_number_prefixes_only(regions):
    wang = PersonFactory(name="王伟", region=regions[VILLAGE])
    wang_ming = PersonFactory(name="王伟明", region=regions[VILLAGE])
    PersonFactory(name="张王伟", region=regions[VILLAGE])
    found = search_name_or_id_number(Person.objects.all(), "王伟", "name", "id_number")
    assert set(found) == {wang, wang_ming}
    by_number = search_name_or_id_number(
        Person.objects.all(), wang.id_number[:10], "name", "id_number"
    )
    assert wang in set(by_number)
    assert not search_name_or_id_number(Person.objects.all(), "9" * 10, "name", "id_number")
