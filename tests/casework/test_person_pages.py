"""The person pages: scoping by jurisdiction, masking, filters, registration, query counts."""

import datetime

import pytest

from casework.factories import PersonFactory, synthetic_id_number
from casework.models import Hukou, Person
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import COUNTY, OTHER_TOWNSHIP_VILLAGE, OTHER_VILLAGE, TOWNSHIP, VILLAGE

pytestmark = pytest.mark.django_db

EMPTY_STATE = ("没有符合条件的人员", "No persons match")
NEW_NUMBER = synthetic_id_number("360921", datetime.date(1988, 8, 8), 321, male=True)

# The person list costs the same number of queries whatever the number of rows.
LIST_QUERY_BOUND = 8  # measured: 6


def listed(response) -> set:
    return set(response.context["page"].object_list)


def registration(**overrides) -> dict:
    return {
        "id_number": NEW_NUMBER,
        "name": "李新",
        "region": VILLAGE,
        "hukou": "rural",
    } | overrides


# --- scoping -------------------------------------------------------------------------------


def test_village_officer_lists_only_their_own_village(
    client, village_officer, person_here, person_elsewhere
):
    client.force_login(village_officer)
    response = client.get("/persons/")
    assert response.status_code == 200
    assert listed(response) == {person_here}
    html = response.content.decode()
    assert person_here.name in html
    assert person_elsewhere.masked_id_number not in html


def test_village_officer_gets_404_for_another_villages_person(
    client, village_officer, person_elsewhere
):
    client.force_login(village_officer)
    assert client.get(f"/persons/{person_elsewhere.pk}/").status_code == 404


def test_village_officer_gets_404_for_a_person_that_does_not_exist(client, village_officer):
    client.force_login(village_officer)
    assert client.get("/persons/987654/").status_code == 404


def test_township_reviewer_sees_both_villages_but_not_the_other_township(
    client, township_reviewer, regions
):
    here = PersonFactory(region=regions[VILLAGE])
    there = PersonFactory(region=regions[OTHER_VILLAGE])
    far = PersonFactory(region=regions[OTHER_TOWNSHIP_VILLAGE])
    client.force_login(township_reviewer)
    assert listed(client.get("/persons/")) == {here, there}
    assert client.get(f"/persons/{there.pk}/").status_code == 200
    assert client.get(f"/persons/{far.pk}/").status_code == 404


# --- masking -------------------------------------------------------------------------------


def test_list_masks_every_id_number(client, township_reviewer, regions):
    persons = [PersonFactory(region=regions[code]) for code in (VILLAGE, OTHER_VILLAGE)]
    client.force_login(township_reviewer)
    html = client.get("/persons/").content.decode()
    for person in persons:
        assert person.masked_id_number in html
        assert person.id_number not in html
        assert person.id_number[6:14] not in html  # the birth-date digits


def test_detail_shows_the_full_number_to_the_village_officer_in_jurisdiction(
    client, village_officer, person_here
):
    client.force_login(village_officer)
    response = client.get(f"/persons/{person_here.pk}/")
    assert response.status_code == 200
    assert response.context["full_id_number"] is True
    assert person_here.id_number in response.content.decode()


def test_detail_masks_the_number_for_a_role_without_full_numbers(client, make_officer, regions):
    person = PersonFactory(region=regions[VILLAGE])
    # Administrators see people but are not among the roles that see whole ID numbers.
    client.force_login(make_officer(Role.ADMINISTRATOR, COUNTY))
    html = client.get(f"/persons/{person.pk}/").content.decode()
    assert person.masked_id_number in html
    assert person.id_number not in html


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def township_people(regions):
    """Four persons in the township, one per combination worth filtering on.

    Each has its own birth date: with ``male`` given, PersonFactory can repeat a number (see
    test_person_factory_gives_distinct_numbers_when_sex_is_given).
    """
    return {
        "wang": PersonFactory(
            region=regions[VILLAGE], name="王建华", male=True, birth_date=datetime.date(1971, 1, 1)
        ),
        "wanghong": PersonFactory(
            region=regions[VILLAGE], name="王红梅", male=False, birth_date=datetime.date(1972, 2, 2)
        ),
        "li": PersonFactory(
            region=regions[OTHER_VILLAGE],
            name="李秀英",
            male=False,
            hukou=Hukou.URBAN,
            birth_date=datetime.date(1973, 3, 3),
        ),
        "zhang": PersonFactory(
            region=regions[OTHER_VILLAGE],
            name="张强",
            male=True,
            birth_date=datetime.date(1974, 4, 4),
        ),
    }


def test_person_factory_gives_distinct_numbers_when_sex_is_given(regions):
    women = [PersonFactory(region=regions[VILLAGE], male=False) for _ in range(5)]
    assert len({woman.id_number for woman in women}) == 5


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"wang", "wanghong", "li", "zhang"}),
        ({"q": "王"}, {"wang", "wanghong"}),
        ({"q": "王建华"}, {"wang"}),
        ({"q": "李秀英"}, {"li"}),
        ({"region": VILLAGE}, {"wang", "wanghong"}),
        ({"region": OTHER_VILLAGE}, {"li", "zhang"}),
        ({"region": TOWNSHIP}, {"wang", "wanghong", "li", "zhang"}),
        ({"region": OTHER_TOWNSHIP_VILLAGE}, set()),
        ({"region": "not-a-code"}, set()),
        ({"hukou": "urban"}, {"li"}),
        ({"hukou": "rural"}, {"wang", "wanghong", "zhang"}),
        ({"sex": "male"}, {"wang", "zhang"}),
        ({"sex": "female"}, {"wanghong", "li"}),
        ({"sex": "female", "region": VILLAGE}, {"wanghong"}),
        ({"q": "王", "sex": "male"}, {"wang"}),
    ],
)
def test_list_filters(client, township_reviewer, township_people, params, expected):
    client.force_login(township_reviewer)
    response = client.get("/persons/", params)
    assert listed(response) == {township_people[key] for key in expected}


def test_search_by_a_full_id_number_finds_exactly_that_person(
    client, township_reviewer, township_people
):
    li = township_people["li"]
    client.force_login(township_reviewer)
    assert listed(client.get("/persons/", {"q": li.id_number})) == {li}


def test_search_by_a_full_id_number_with_lowercase_x_finds_the_person(
    client, township_reviewer, regions
):
    for sequence in range(1, 1000, 2):
        number = synthetic_id_number(VILLAGE, datetime.date(1970, 1, 1), sequence, male=True)
        if number.endswith("X"):
            break
    person = PersonFactory(region=regions[VILLAGE], id_number=number)
    client.force_login(township_reviewer)
    assert listed(client.get("/persons/", {"q": number.lower()})) == {person}


def test_search_by_id_number_does_not_reach_outside_the_jurisdiction(
    client, village_officer, person_elsewhere
):
    client.force_login(village_officer)
    assert listed(client.get("/persons/", {"q": person_elsewhere.id_number})) == set()


def test_empty_state_is_shown_when_nothing_matches(client, village_officer, person_here):
    client.force_login(village_officer)
    response = client.get("/persons/", {"q": "无此人"})
    html = response.content.decode()
    assert listed(response) == set()
    assert any(text in html for text in EMPTY_STATE)
    assert person_here.name not in html


def test_empty_state_is_not_shown_when_persons_match(client, village_officer, person_here):
    client.force_login(village_officer)
    html = client.get("/persons/").content.decode()
    assert not any(text in html for text in EMPTY_STATE)


# --- registration --------------------------------------------------------------------------


def test_registering_a_person_saves_it_with_an_audit_entry(client, village_officer, regions):
    client.force_login(village_officer)
    response = client.post("/persons/new/", registration())
    person = Person.objects.get(id_number=NEW_NUMBER)
    assert response.status_code == 302
    assert response["Location"] == f"/persons/{person.pk}/"
    assert (person.name, person.region_id, person.hukou) == ("李新", VILLAGE, "rural")
    assert (person.sex, person.birth_date) == ("male", datetime.date(1988, 8, 8))
    entry = AuditEntry.objects.get(action="register_person")
    assert entry.object_id == str(person.pk)
    assert entry.actor == village_officer


def test_registering_normalizes_a_spaced_lowercase_number(client, village_officer, regions):
    for sequence in range(1, 1000, 2):
        number = synthetic_id_number(VILLAGE, datetime.date(1990, 6, 1), sequence, male=True)
        if number.endswith("X"):
            break
    client.force_login(village_officer)
    response = client.post("/persons/new/", registration(id_number=f" {number.lower()} "))
    assert response.status_code == 302
    assert Person.objects.get().id_number == number


@pytest.mark.parametrize(
    "bad_number",
    [
        NEW_NUMBER[:17] + ("0" if NEW_NUMBER[17] != "0" else "1"),  # check character
        NEW_NUMBER[:17],  # length
        "36092119990230001" + "1",  # date
    ],
    ids=["checksum", "length", "date"],
)
def test_bad_id_number_rerenders_the_form_and_saves_nothing(
    client, village_officer, regions, bad_number
):
    client.force_login(village_officer)
    response = client.post("/persons/new/", registration(id_number=bad_number))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["id_number"]
    message = errors["id_number"][0]
    assert "身份证号码" in message or message.startswith("ID number")
    assert not Person.objects.exists()
    assert not AuditEntry.objects.filter(action="register_person").exists()


def test_registering_a_number_already_on_record_is_refused(client, village_officer, person_here):
    client.force_login(village_officer)
    response = client.post("/persons/new/", registration(id_number=person_here.id_number))
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    assert Person.objects.count() == 1


def test_village_officer_cannot_register_a_person_in_another_village(
    client, village_officer, regions
):
    client.force_login(village_officer)
    response = client.post("/persons/new/", registration(region=OTHER_VILLAGE))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("region", code="invalid_choice")
    assert not Person.objects.exists()


def test_registration_form_offers_only_villages_of_the_jurisdiction(
    client, township_reviewer, regions
):
    client.force_login(township_reviewer)
    form = client.get("/persons/new/").context["form"]
    offered = set(form.fields["region"].queryset.values_list("code", flat=True))
    assert offered == {VILLAGE, OTHER_VILLAGE}


def test_registering_at_a_township_instead_of_a_village_is_refused(
    client, township_reviewer, regions
):
    client.force_login(township_reviewer)
    response = client.post("/persons/new/", registration(region=TOWNSHIP))
    assert response.status_code == 200
    assert response.context["form"].has_error("region")
    assert not Person.objects.exists()


def test_officer_without_add_person_gets_403_on_the_registration_page(
    client, make_officer, regions
):
    client.force_login(make_officer(Role.COUNTY_APPROVER, COUNTY))
    assert client.get("/persons/new/").status_code == 403
    assert client.post("/persons/new/", registration()).status_code == 403
    assert not Person.objects.exists()


def test_list_offers_the_register_link_only_to_roles_that_may_add(client, make_officer, regions):
    client.force_login(make_officer(Role.COUNTY_APPROVER, COUNTY))
    assert 'href="/persons/new/"' not in client.get("/persons/").content.decode()
    client.force_login(make_officer(Role.VILLAGE_OFFICER, VILLAGE))
    assert 'href="/persons/new/"' in client.get("/persons/").content.decode()


@pytest.mark.parametrize("url", ["/persons/", "/persons/new/", "/persons/1/"])
def test_anonymous_user_is_redirected_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert f"next={url}" in response["Location"]


def test_anonymous_post_registers_nothing(client, regions):
    response = client.post("/persons/new/", registration())
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert not Person.objects.exists()


# --- query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [10, 500])
def test_person_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, township_reviewer, regions, rows
):
    PersonFactory.create_batch(rows, region=regions[VILLAGE])
    client.force_login(township_reviewer)
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get("/persons/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == rows


def test_person_list_query_count_with_households_and_filters(
    client, django_assert_max_num_queries, township_reviewer, regions
):
    from casework.factories import HouseholdFactory

    household = HouseholdFactory(region=regions[VILLAGE])
    PersonFactory.create_batch(60, region=regions[VILLAGE], household=household)
    client.force_login(township_reviewer)
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get("/persons/", {"region": VILLAGE, "hukou": "rural"})
    assert len(response.context["page"].object_list) == 50
    assert household.number in response.content.decode()
