"""The change-request page asks for the kind first and then shows that kind's fields only
(without JavaScript: the kind is ``?kind=``); a refused request keeps its kind; a submitted one
lands on its page with a message saying what was submitted and who decides next."""

import pytest
from django.urls import reverse

from casework.factories import HouseholdFactory
from casework.models import ChangeRequest
from permissions.roles import Role
from tests.conftest import OTHER_VILLAGE, VILLAGE
from workflows import changes

KIND_ONLY = {"address", "household", "bank", "account_number"}


@pytest.fixture
def enrolled(regions, recipient):
    application = recipient()
    person = application.applicant
    person.household = HouseholdFactory(region=regions[VILLAGE], address="东风村1组3号")
    person.save()
    return application


def field_names(response) -> set[str]:
    return set(response.context["form"].fields)


@pytest.mark.django_db
def test_the_page_first_asks_for_the_kind(client, enrolled, village_officer):
    client.force_login(village_officer)
    response = client.get(reverse("change-create", args=[enrolled.pk]))
    assert response.status_code == 200
    assert not isinstance(response.context.get("form"), changes.ChangeRequestForm)
    body = response.content.decode()
    assert 'method="get"' in body and 'name="kind"' in body
    assert 'name="address"' not in body and 'name="account_number"' not in body
    # The choice submits itself where scripts run; the button does it where they do not.
    assert "form.submit()" in body and 'type="submit"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, own, date_label",
    [
        ("address", {"address"}, "Effective from"),
        ("household", {"household"}, "Effective from"),
        ("bank_account", {"bank", "account_number"}, "Effective from"),
        ("death", set(), "Date of death"),
    ],
)
def test_a_kind_shows_its_own_fields_only(
    client, enrolled, village_officer, kind, own, date_label, settings
):
    settings.LANGUAGE_CODE = "en"
    client.force_login(village_officer)
    response = client.get(reverse("change-create", args=[enrolled.pk]), {"kind": kind})
    assert response.status_code == 200
    assert field_names(response) == {"effective_from", "reason", "file"} | own
    assert str(response.context["form"].fields["effective_from"].label) == date_label
    body = response.content.decode()
    assert f"?kind={kind}" in body
    for name in KIND_ONLY - own:
        assert f'name="{name}"' not in body


@pytest.mark.django_db
def test_an_unknown_kind_asks_again(client, enrolled, village_officer):
    client.force_login(village_officer)
    response = client.get(reverse("change-create", args=[enrolled.pk]), {"kind": "salary"})
    assert response.status_code == 200
    assert not isinstance(response.context.get("form"), changes.ChangeRequestForm)
    assert response.context["kind_form"].errors["kind"]


@pytest.mark.django_db
def test_a_refused_request_keeps_its_kind_and_its_fields(client, enrolled, village_officer):
    client.force_login(village_officer)
    url = reverse("change-create", args=[enrolled.pk]) + "?kind=bank_account"
    response = client.post(
        url, {"bank": "示范银行", "account_number": "12ab", "effective_from": "2026-11-01"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.kind == "bank_account"
    assert set(form.errors) == {"account_number", "reason"}
    body = response.content.decode()
    assert 'name="account_number"' in body and 'name="address"' not in body
    assert "?kind=bank_account" in body
    assert not ChangeRequest.objects.exists()

    # A refusal by the workflow (the address already on record) keeps the kind too.
    again = client.post(
        reverse("change-create", args=[enrolled.pk]) + "?kind=address",
        {"address": "东风村1组3号", "effective_from": "2026-11-01", "reason": "搬家"},
    )
    assert again.status_code == 200 and again.context["form"].kind == "address"
    assert "address" in again.context["form"].errors
    assert not ChangeRequest.objects.exists()


@pytest.mark.django_db
def test_fields_of_another_kind_are_not_read(client, enrolled, village_officer):
    client.force_login(village_officer)
    client.post(
        reverse("change-create", args=[enrolled.pk]) + "?kind=address",
        {
            "address": "东风村9组9号",
            "bank": "示范银行",
            "account_number": "6217990000000000099",
            "effective_from": "2026-11-01",
            "reason": "搬家",
        },
    )
    change = ChangeRequest.objects.get()
    assert change.kind == "address" and "account_number" not in change.after


@pytest.mark.django_db
def test_a_submitted_request_says_what_and_who_decides_next(
    client, enrolled, village_officer, settings
):
    settings.LANGUAGE_CODE = "en"
    client.force_login(village_officer)
    response = client.post(
        reverse("change-create", args=[enrolled.pk]) + "?kind=address",
        {"address": "东风村9组9号", "effective_from": "2026-11-01", "reason": "搬家"},
        follow=True,
    )
    change = ChangeRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("change-detail", args=[change.pk])
    (message,) = [str(m) for m in response.context["messages"]]
    assert message.startswith("Change requested: address for ")
    assert enrolled.applicant.name in message and "2026-11-01" in message
    assert "township reviewer of 城关镇" in message
    assert message in response.content.decode()


@pytest.mark.django_db
def test_only_the_village_officer_of_the_recipient_sees_the_page(
    client, enrolled, township_reviewer, make_officer
):
    url = reverse("change-create", args=[enrolled.pk])
    client.force_login(township_reviewer)
    assert client.get(url, {"kind": "address"}).status_code == 403
    assert client.post(url + "?kind=death", {"effective_from": "2026-11-01"}).status_code == 403
    client.force_login(make_officer(Role.VILLAGE_OFFICER, OTHER_VILLAGE))
    assert client.get(url).status_code == 404
    assert not ChangeRequest.objects.exists()


def test_without_a_kind_the_form_reads_every_kind_as_the_api_does():
    form = changes.ChangeRequestForm(
        {"kind": "death", "effective_from": "2026-11-01", "reason": "去世"}
    )
    assert "kind" in form.fields and KIND_ONLY <= set(form.fields)
    assert form.is_valid() and form.cleaned_data["kind"] == "death"
    with_kind = changes.ChangeRequestForm(
        {"kind": "address", "effective_from": "2026-11-01", "reason": "去世"}, kind="death"
    )
    assert with_kind.is_valid() and with_kind.cleaned_data["kind"] == "death"
