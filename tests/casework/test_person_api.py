"""The persons, regions, me and token endpoints of /api/v1/ (../shared/API.md)."""

import datetime

import pytest

from casework.factories import PersonFactory, synthetic_id_number
from casework.id_numbers import mask_id_number
from casework.models import Person
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import (
    COUNTY,
    OTHER_TOWNSHIP,
    OTHER_TOWNSHIP_VILLAGE,
    OTHER_VILLAGE,
    TOWNSHIP,
    VILLAGE,
)

pytestmark = pytest.mark.django_db

NEW_NUMBER = synthetic_id_number("360921", datetime.date(1991, 7, 1), 457, male=True)

# GET /api/v1/persons/ costs the same number of queries whatever the number of rows.
LIST_QUERY_BOUND = 7  # measured: 5


def body(**overrides) -> dict:
    return {
        "id_number": NEW_NUMBER,
        "name": "赵新",
        "region": VILLAGE,
        "hukou": "rural",
    } | overrides


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


# --- listing -------------------------------------------------------------------------------


def test_person_list_is_paginated_with_count_next_previous_results(
    login_api, village_officer, regions
):
    PersonFactory.create_batch(3, region=regions[VILLAGE])
    response = login_api(village_officer).get("/api/v1/persons/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 3
    assert data["next"] is None and data["previous"] is None
    assert len(data["results"]) == 3


def test_person_list_masks_every_id_number(login_api, village_officer, regions):
    persons = PersonFactory.create_batch(3, region=regions[VILLAGE])
    response = login_api(village_officer).get("/api/v1/persons/")
    listed = {row["id"]: row["id_number"] for row in response.json()["results"]}
    assert listed == {person.pk: mask_id_number(person.id_number) for person in persons}
    for person in persons:
        assert person.id_number not in response.content.decode()


def test_person_list_row_shape(login_api, village_officer, person_here):
    row = login_api(village_officer).get("/api/v1/persons/").json()["results"][0]
    assert row == {
        "id": person_here.pk,
        "id_number": person_here.masked_id_number,
        "name": person_here.name,
        "gender": person_here.sex,
        "birth_date": person_here.birth_date.isoformat(),
        "region": VILLAGE,
        "household": None,
        "hukou": "rural",
    }


def test_person_list_holds_only_the_callers_jurisdiction(
    login_api, village_officer, person_here, person_elsewhere
):
    data = login_api(village_officer).get("/api/v1/persons/").json()
    assert [row["id"] for row in data["results"]] == [person_here.pk]
    assert data["count"] == 1


def test_township_reviewer_lists_both_villages_not_the_other_township(
    login_api, township_reviewer, regions
):
    here = PersonFactory(region=regions[VILLAGE])
    there = PersonFactory(region=regions[OTHER_VILLAGE])
    PersonFactory(region=regions[OTHER_TOWNSHIP_VILLAGE])
    data = login_api(township_reviewer).get("/api/v1/persons/").json()
    assert {row["id"] for row in data["results"]} == {here.pk, there.pk}


def test_page_size_is_respected(login_api, village_officer, regions):
    PersonFactory.create_batch(5, region=regions[VILLAGE])
    client = login_api(village_officer)
    first = client.get("/api/v1/persons/", {"page_size": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    last = client.get("/api/v1/persons/", {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1
    assert last["next"] is None and last["previous"] is not None
    seen = {row["id"] for row in first["results"]} | {row["id"] for row in last["results"]}
    assert len(seen) == 3


def test_page_size_is_capped_at_200(login_api, village_officer, regions):
    PersonFactory.create_batch(205, region=regions[VILLAGE])
    data = login_api(village_officer).get("/api/v1/persons/", {"page_size": 1000}).json()
    assert data["count"] == 205
    assert len(data["results"]) == 200
    assert data["next"] is not None


def test_default_page_size_is_50(login_api, village_officer, regions):
    PersonFactory.create_batch(55, region=regions[VILLAGE])
    data = login_api(village_officer).get("/api/v1/persons/").json()
    assert len(data["results"]) == 50


def test_person_list_filters_by_region_and_sex(login_api, township_reviewer, regions):
    man = PersonFactory(region=regions[VILLAGE], male=True, birth_date=datetime.date(1970, 1, 1))
    PersonFactory(region=regions[VILLAGE], male=False, birth_date=datetime.date(1971, 1, 1))
    PersonFactory(region=regions[OTHER_VILLAGE], male=True, birth_date=datetime.date(1972, 1, 1))
    data = (
        login_api(township_reviewer)
        .get("/api/v1/persons/", {"region": VILLAGE, "sex": "male"})
        .json()
    )
    assert [row["id"] for row in data["results"]] == [man.pk]


def test_person_list_search_by_full_id_number(login_api, village_officer, regions):
    wanted, _other = PersonFactory.create_batch(2, region=regions[VILLAGE])
    data = login_api(village_officer).get("/api/v1/persons/", {"q": wanted.id_number}).json()
    assert [row["id"] for row in data["results"]] == [wanted.pk]


# --- one person ----------------------------------------------------------------------------


def test_person_detail_shows_the_full_number_to_the_village_officer(
    login_api, village_officer, person_here
):
    response = login_api(village_officer).get(f"/api/v1/persons/{person_here.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["id_number"] == person_here.id_number
    assert {"phone", "created_at", "updated_at"} <= set(data)


def test_person_detail_masks_the_number_for_a_role_without_full_numbers(
    login_api, make_officer, person_here
):
    client = login_api(make_officer(Role.ADMINISTRATOR, COUNTY))
    data = client.get(f"/api/v1/persons/{person_here.pk}/").json()
    assert data["id_number"] == person_here.masked_id_number


def test_village_officer_gets_404_for_another_villages_person(
    login_api, village_officer, person_elsewhere
):
    response = login_api(village_officer).get(f"/api/v1/persons/{person_elsewhere.pk}/")
    error = assert_error(response, 404, "not_found")
    assert error["fields"] == {}
    assert person_elsewhere.name not in response.content.decode()


def test_missing_person_is_the_same_404(login_api, village_officer, regions):
    assert_error(login_api(village_officer).get("/api/v1/persons/987654/"), 404, "not_found")


# --- authentication ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/persons/", "/api/v1/persons/1/", "/api/v1/regions/", "/api/v1/me/"]
)
def test_unauthenticated_call_is_401_not_authenticated(api_client, url):
    response = api_client.get(url)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


def test_wrong_token_is_401_not_authenticated(api_client, regions):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert_error(api_client.get("/api/v1/persons/"), 401, "not_authenticated")


def test_unauthenticated_post_registers_nothing(api_client, regions):
    assert_error(
        api_client.post("/api/v1/persons/", body(), format="json"), 401, "not_authenticated"
    )
    assert not Person.objects.exists()


# --- registering ---------------------------------------------------------------------------


def test_post_registers_a_person_and_answers_201(login_api, village_officer, regions):
    response = login_api(village_officer).post("/api/v1/persons/", body(), format="json")
    assert response.status_code == 201, response.content
    person = Person.objects.get(id_number=NEW_NUMBER)
    assert (person.name, person.region_id, person.hukou) == ("赵新", VILLAGE, "rural")
    assert (person.sex, person.birth_date) == ("male", datetime.date(1991, 7, 1))
    data = response.json()
    assert data["id"] == person.pk
    assert data["id_number"] == NEW_NUMBER
    assert data["gender"] == "male"
    assert AuditEntry.objects.get(action="register_person").object_id == str(person.pk)


def test_post_normalizes_a_lowercase_x(login_api, village_officer, regions):
    for sequence in range(1, 1000, 2):
        number = synthetic_id_number(VILLAGE, datetime.date(1993, 3, 3), sequence, male=True)
        if number.endswith("X"):
            break
    client = login_api(village_officer)
    response = client.post("/api/v1/persons/", body(id_number=number.lower()), format="json")
    assert response.status_code == 201, response.content
    assert Person.objects.get().id_number == number


@pytest.mark.parametrize(
    "bad_number",
    [
        NEW_NUMBER[:17] + ("0" if NEW_NUMBER[17] != "0" else "1"),
        NEW_NUMBER[:17],
        "36092119990230001" + "1",
        "99" + NEW_NUMBER[2:],
    ],
    ids=["checksum", "length", "date", "province"],
)
def test_post_with_a_bad_id_number_is_400_invalid_and_saves_nothing(
    login_api, village_officer, regions, bad_number
):
    response = login_api(village_officer).post(
        "/api/v1/persons/", body(id_number=bad_number), format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["id_number"]
    message = error["fields"]["id_number"][0]
    assert "身份证号码" in message or message.startswith("ID number")
    assert not Person.objects.exists()
    assert not AuditEntry.objects.filter(action="register_person").exists()


def test_post_with_a_number_already_on_record_is_400(login_api, village_officer, person_here):
    response = login_api(village_officer).post(
        "/api/v1/persons/", body(id_number=person_here.id_number), format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert "id_number" in error["fields"]
    assert Person.objects.count() == 1


@pytest.mark.parametrize("region", [OTHER_VILLAGE, OTHER_TOWNSHIP_VILLAGE, "360921999999", "abc"])
def test_post_with_a_village_outside_the_jurisdiction_is_400_on_region(
    login_api, village_officer, regions, region
):
    response = login_api(village_officer).post(
        "/api/v1/persons/", body(region=region), format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert "region" in error["fields"]
    assert not Person.objects.exists()


@pytest.mark.parametrize("region", [TOWNSHIP, COUNTY])
def test_post_with_a_region_above_village_level_is_400_on_region(
    login_api, township_reviewer, regions, region
):
    response = login_api(township_reviewer).post(
        "/api/v1/persons/", body(region=region), format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert "region" in error["fields"]
    assert not Person.objects.exists()


def test_post_without_required_fields_names_them(login_api, village_officer, regions):
    response = login_api(village_officer).post("/api/v1/persons/", {}, format="json")
    error = assert_error(response, 400, "invalid")
    assert {"id_number", "name", "region", "hukou"} <= set(error["fields"])


def test_post_by_a_role_without_add_person_is_403(login_api, make_officer, regions):
    client = login_api(make_officer(Role.COUNTY_APPROVER, COUNTY))
    response = client.post("/api/v1/persons/", body(), format="json")
    assert_error(response, 403, "forbidden")
    assert not Person.objects.exists()


# --- regions and me ------------------------------------------------------------------------


def test_regions_by_parent_lists_the_visible_villages_of_a_township(
    login_api, township_reviewer, regions
):
    response = login_api(township_reviewer).get("/api/v1/regions/", {"parent": TOWNSHIP})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["code"] for row in results] == [VILLAGE, OTHER_VILLAGE]
    assert results[0] == {"code": VILLAGE, "name": "东风村", "level": "village", "parent": TOWNSHIP}


def test_regions_by_parent_hides_villages_outside_the_jurisdiction(
    login_api, village_officer, township_reviewer, regions
):
    response = login_api(village_officer).get("/api/v1/regions/", {"parent": TOWNSHIP})
    assert [row["code"] for row in response.json()["results"]] == [VILLAGE]


def test_regions_of_another_township_are_not_listed(login_api, township_reviewer, regions):
    response = login_api(township_reviewer).get("/api/v1/regions/", {"parent": OTHER_TOWNSHIP})
    assert response.json()["results"] == []
    assert response.json()["count"] == 0


def test_me_returns_username_roles_and_jurisdiction(login_api, village_officer):
    response = login_api(village_officer).get("/api/v1/me/")
    assert response.status_code == 200
    data = response.json()
    assert data["username"] == "village_officer"
    assert data["roles"] == ["village_officer"]
    assert data["jurisdiction"] == VILLAGE
    assert data["jurisdiction_name"] == "东风村"


def test_me_of_a_township_reviewer(login_api, township_reviewer):
    data = login_api(township_reviewer).get("/api/v1/me/").json()
    assert (data["username"], data["roles"], data["jurisdiction"]) == (
        "township_reviewer",
        ["township_reviewer"],
        TOWNSHIP,
    )


# --- tokens --------------------------------------------------------------------------------


def test_token_for_good_credentials_authenticates_later_calls(api_client, village_officer):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "village_officer", "password": "casework-demo"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/me/").json()["username"] == "village_officer"


def test_token_for_a_wrong_password_is_401(api_client, village_officer):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "village_officer", "password": "wrong"}, format="json"
    )
    error = assert_error(response, 401, "not_authenticated")
    assert "token" not in response.json()
    assert error["fields"] == {}


def test_five_wrong_passwords_lock_out_even_the_right_one(api_client, village_officer):
    for _attempt in range(5):
        response = api_client.post(
            "/api/v1/auth/token/",
            {"username": "village_officer", "password": "wrong"},
            format="json",
        )
        assert response.status_code == 401
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "village_officer", "password": "casework-demo"},
        format="json",
    )
    assert_error(response, 429, "throttled")
    assert "token" not in response.json()


def test_four_wrong_passwords_still_let_the_right_one_in(api_client, village_officer):
    for _attempt in range(4):
        api_client.post(
            "/api/v1/auth/token/",
            {"username": "village_officer", "password": "wrong"},
            format="json",
        )
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "village_officer", "password": "casework-demo"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["token"]


# --- query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [10, 500])
def test_person_list_query_count_does_not_grow_with_rows(
    login_api, django_assert_max_num_queries, township_reviewer, regions, rows
):
    PersonFactory.create_batch(rows, region=regions[VILLAGE])
    client = login_api(township_reviewer)
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get("/api/v1/persons/")
    assert response.status_code == 200
    assert response.json()["count"] == rows


def test_person_list_query_count_at_the_largest_page(
    login_api, django_assert_max_num_queries, township_reviewer, regions
):
    PersonFactory.create_batch(500, region=regions[VILLAGE])
    client = login_api(township_reviewer)
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get("/api/v1/persons/", {"page_size": 200})
    assert len(response.json()["results"]) == 200
