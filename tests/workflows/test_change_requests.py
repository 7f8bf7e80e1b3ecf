"""Change requests for enrolled recipients: each kind requested by the village officer and
approved by the township with its effect; payments before and after the date; the refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.factories import BankAccountFactory, HouseholdFactory
from casework.models import (
    Application,
    ApplicationStatus,
    BankAccount,
    ChangeRequest,
    ChangeStatus,
    Household,
    Program,
)
from permissions.audit import Actor
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
from workflows import changes, inbox, payments
from workflows.transitions import TransitionConflict, available_steps, history, perform

S = ApplicationStatus


@pytest.fixture
def monthly(regions, recipient, village_officer):
    """A recipient of a monthly program since January with a household and an account in force
    since then."""
    application = recipient(
        program=Program.objects.get(code="special-deceased"),
        paid_from=datetime.date(2026, 1, 1),
        account=False,
    )
    person = application.applicant
    person.household = HouseholdFactory(region=regions[VILLAGE], address="东风村1组3号")
    person.save()
    BankAccountFactory(
        person=person,
        account_number="6217990000000000011",
        effective_from=datetime.date(2026, 1, 1),
        recorded_by=village_officer,
    )
    return application


def ask(officer, application, **fields):
    """Request a change through the form the pages and the API use."""
    data = {"effective_from": "2026-11-01", "reason": "户主报告", **fields}
    form = changes.ChangeRequestForm(data)
    assert form.is_valid(), form.errors
    return changes.request_change(Actor(officer), application, form.cleaned_data)


def decide(officer, change, name="approve", opinion="同意"):
    return perform(name, change, Actor(officer), {"opinion": opinion})


def build(officer, program, day):
    return payments.build(Actor(officer), program=program, county=program_county(), day=day)


def program_county():
    from casework.models import Region

    return Region.objects.get(code=COUNTY)


# Each kind, requested and approved, with its effect.


@pytest.mark.django_db
def test_address_change_is_requested_and_approved(monthly, village_officer, township_reviewer):
    change = ask(village_officer, monthly, kind="address", address="东风村2组8号")
    assert change.status == ChangeStatus.REQUESTED
    assert change.before["address"] == "东风村1组3号"
    assert change.after["address"] == "东风村2组8号"
    assert change.region_id == VILLAGE

    approved = decide(township_reviewer, change)
    assert approved.status == ChangeStatus.APPROVED
    assert approved.decided_by == township_reviewer and approved.decided_at is not None
    household = Household.objects.get(pk=monthly.applicant.household_id)
    assert household.address == "东风村2组8号"
    assert [e["transition"] for e in history(approved)] == ["request", "approve"]
    assert AuditEntry.objects.filter(action="change_address", object_id=str(household.pk)).exists()


@pytest.mark.django_db
def test_household_change_moves_the_person(monthly, regions, village_officer, township_reviewer):
    other = HouseholdFactory(region=regions[VILLAGE], address="东风村5组1号")
    change = ask(village_officer, monthly, kind="household", household=other.number)
    assert change.after == {"household": other.number, "address": "东风村5组1号"}

    decide(township_reviewer, change)
    monthly.applicant.refresh_from_db()
    assert monthly.applicant.household_id == other.pk
    assert AuditEntry.objects.filter(action="change_household").count() == 1


@pytest.mark.django_db
def test_bank_account_change_pays_each_period_into_the_account_in_force(
    monthly, village_officer, township_reviewer, disburser
):
    change = ask(
        village_officer,
        monthly,
        kind="bank_account",
        bank="示范农村商业银行",
        account_number="6217 9900 0000 0000 022",
        effective_from="2026-10-01",
    )
    assert change.before["account_number"] == "6217***********0011"
    assert change.after["account_number"] == "6217990000000000022"
    decide(township_reviewer, change)

    accounts = BankAccount.objects.filter(person=monthly.applicant).order_by("id")
    old, new = accounts
    assert old.replaced_at is not None and new.replaced_at is None
    assert new.effective_from == datetime.date(2026, 10, 1)

    program = monthly.program
    september = build(disburser, program, datetime.date(2026, 9, 15)).batch
    october = build(disburser, program, datetime.date(2026, 10, 15)).batch
    november = build(disburser, program, datetime.date(2026, 11, 15)).batch
    assert september.payments.get().account_number == "6217990000000000011"
    assert october.payments.get().account_number == "6217990000000000022"
    assert november.payments.get().account_number == "6217990000000000022"


@pytest.mark.django_db
def test_a_correction_takes_the_place_of_the_account_it_corrects(
    monthly, disburser, village_officer, township_reviewer
):
    """A correction recorded today also pays the earlier periods of the account it corrects."""
    payments.record_bank_account(
        Actor(disburser), monthly.applicant, "示范农村商业银行", "6217990000000000033"
    )
    batch = build(disburser, monthly.program, datetime.date(2026, 3, 15)).batch
    assert batch.payments.get().account_number == "6217990000000000033"


@pytest.mark.parametrize(
    ("accounts", "day", "expected"),
    [
        # (effective_from, recorded_at order, id)
        ([("2026-01-01", 1, 1), ("2026-10-01", 2, 2)], "2026-09-01", 1),
        ([("2026-01-01", 1, 1), ("2026-10-01", 2, 2)], "2026-10-01", 2),
        # None in force yet: the first to take effect (a first account pays earlier periods).
        ([("2026-11-24", 1, 1)], "2026-01-01", 1),
        # The same date: the newest on record (a correction).
        ([("2026-01-01", 1, 1), ("2026-01-01", 2, 2)], "2026-05-01", 2),
        ([("2026-03-01", 1, 1), ("2026-03-01", 2, 2), ("2026-12-01", 3, 3)], "2026-01-01", 2),
    ],
)
def test_account_in_force(accounts, day, expected):
    from collections import namedtuple

    Row = namedtuple("Row", "effective_from recorded_at id")
    rows = [Row(datetime.date.fromisoformat(d), at, pk) for d, at, pk in accounts]
    chosen = payments.account_in_force(rows, datetime.date.fromisoformat(day))
    assert chosen.id == expected


@pytest.mark.django_db
def test_death_stops_later_periods_but_not_earlier(
    monthly, village_officer, township_reviewer, disburser
):
    change = ask(village_officer, monthly, kind="death", effective_from="2026-09-20")
    assert change.after["paid_until"] == "2026-09-30"
    decide(township_reviewer, change)
    monthly.refresh_from_db()
    assert monthly.status == S.TERMINATED
    assert monthly.paid_until == datetime.date(2026, 9, 30)
    terminated = AuditEntry.objects.get(action="terminate", object_id=str(monthly.pk))
    assert terminated.data["cause"] == "death" and terminated.data["change_request"] == change.pk

    program = monthly.program
    assert build(disburser, program, datetime.date(2026, 9, 15)).batch.payment_count == 1
    assert build(disburser, program, datetime.date(2026, 10, 15)).batch is None


@pytest.mark.django_db
def test_a_supporting_file_is_kept_when_recognised(monthly, village_officer):
    data = {"kind": "address", "address": "东风村2组8号", "effective_from": "2026-11-01"}
    form = changes.ChangeRequestForm({**data, "reason": "搬家"})
    assert form.is_valid()
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    change = changes.request_change(Actor(village_officer), monthly, form.cleaned_data, upload)
    assert change.content_type == "application/pdf" and len(change.sha256) == 64

    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    form = changes.ChangeRequestForm({**data, "kind": "death", "reason": "去世"})
    assert form.is_valid()
    with pytest.raises(ValidationError):
        changes.request_change(Actor(village_officer), monthly, form.cleaned_data, fake)
    assert ChangeRequest.objects.count() == 1


@pytest.mark.django_db
def test_reject_and_withdraw_change_nothing(monthly, village_officer, township_reviewer):
    change = ask(village_officer, monthly, kind="address", address="新地址1号")
    with pytest.raises(ValidationError):
        decide(township_reviewer, change, "reject", opinion="")
    rejected = decide(township_reviewer, change, "reject", opinion="地址不实")
    assert rejected.status == ChangeStatus.REJECTED and rejected.status_reason == "地址不实"
    assert Household.objects.get(pk=monthly.applicant.household_id).address == "东风村1组3号"

    again = ask(village_officer, monthly, kind="address", address="新地址2号")
    withdrawn = perform("withdraw", again, Actor(village_officer), {"opinion": "填错"})
    assert withdrawn.status == ChangeStatus.WITHDRAWN
    with pytest.raises(TransitionConflict):
        decide(township_reviewer, withdrawn)


# Refusals.


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role_and_place",
    [
        (Role.TOWNSHIP_REVIEWER, TOWNSHIP),
        (Role.COUNTY_APPROVER, COUNTY),
        (Role.VILLAGE_OFFICER, OTHER_VILLAGE),
    ],
)
def test_only_the_village_officer_of_the_recipient_requests(monthly, make_officer, role_and_place):
    officer = make_officer(*role_and_place)
    with pytest.raises(PermissionDenied):
        ask(officer, monthly, kind="address", address="新地址")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role_and_place",
    [
        (Role.VILLAGE_OFFICER, VILLAGE),
        (Role.COUNTY_APPROVER, COUNTY),
        (Role.TOWNSHIP_REVIEWER, OTHER_TOWNSHIP),
    ],
)
def test_only_the_township_reviewer_of_the_recipient_decides(
    monthly, village_officer, make_officer, role_and_place
):
    change = ask(village_officer, monthly, kind="address", address="新地址")
    officer = make_officer(*role_and_place)
    assert available_steps(officer, change) == []
    for name in ("approve", "reject"):
        with pytest.raises(PermissionDenied):
            decide(officer, change, name, opinion="x")
    change.refresh_from_db()
    assert change.status == ChangeStatus.REQUESTED


@pytest.mark.django_db
def test_nobody_decides_on_their_own_request(monthly, regions):
    from permissions.factories import OfficerFactory

    both = OfficerFactory(
        roles=[Role.VILLAGE_OFFICER], jurisdiction=regions[VILLAGE], is_superuser=True
    )
    change = ask(both, monthly, kind="address", address="新地址")
    assert [step.name for step in available_steps(both, change)] == ["withdraw"]
    with pytest.raises(PermissionDenied):
        decide(both, change)


@pytest.mark.django_db
def test_only_the_requester_withdraws(monthly, village_officer, make_officer, township_reviewer):
    change = ask(village_officer, monthly, kind="address", address="新地址")
    colleague = make_officer(Role.VILLAGE_OFFICER, VILLAGE, username="colleague")
    for officer in (colleague, township_reviewer):
        with pytest.raises(PermissionDenied):
            perform("withdraw", change, Actor(officer), {"opinion": "x"})


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.AWAITING_APPROVAL, S.APPROVED, S.TERMINATED, S.REVOKED])
def test_refused_for_an_application_not_enrolled(recipient, village_officer, status):
    application = recipient(status=status)
    with pytest.raises(ValidationError, match="已纳入或暂停发放"):
        ask(village_officer, application, kind="death", effective_from="2026-11-01")


@pytest.mark.django_db
def test_a_suspended_recipient_may_have_changes(recipient, village_officer):
    application = recipient(status=S.SUSPENDED, paid_until=datetime.date(2026, 12, 31))
    assert ask(village_officer, application, kind="death").status == ChangeStatus.REQUESTED


@pytest.mark.django_db
def test_a_second_open_request_of_the_same_kind_is_refused(monthly, village_officer):
    ask(village_officer, monthly, kind="address", address="新地址1号")
    with pytest.raises(ValidationError) as refused:
        ask(village_officer, monthly, kind="address", address="新地址2号")
    assert "kind" in refused.value.message_dict
    # Another kind may wait beside it.
    ask(village_officer, monthly, kind="death", effective_from="2026-11-20")
    assert ChangeRequest.objects.filter(status=ChangeStatus.REQUESTED).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "day", "extra"),
    [
        ("address", "2025-12-31", {"address": "新地址"}),  # before enrolment
        ("death", "2026-11-25", {}),  # after today
        ("household", "2027-01-01", {"household": "H000000001"}),  # after today
        ("bank_account", "2025-06-01", {"bank": "银行", "account_number": "6217990000000000099"}),
    ],
)
def test_bad_dates_are_refused(monthly, village_officer, kind, day, extra):
    with pytest.raises(ValidationError) as refused:
        ask(village_officer, monthly, kind=kind, effective_from=day, **extra)
    assert "effective_from" in refused.value.message_dict
    assert not ChangeRequest.objects.exists()


@pytest.mark.django_db
def test_a_bank_change_may_take_effect_later(monthly, village_officer):
    change = ask(
        village_officer,
        monthly,
        kind="bank_account",
        bank="银行",
        account_number="6217990000000000099",
        effective_from="2027-01-01",
    )
    assert change.effective_from == datetime.date(2027, 1, 1)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "bank_account", "bank": "银行", "account_number": "62179900ABC00000099"},
        {"kind": "bank_account", "bank": "银行", "account_number": "123"},
        {"kind": "bank_account", "bank": "", "account_number": "6217990000000000099"},
        {"kind": "address", "address": " "},
        {"kind": "household", "household": ""},
        {"kind": "death", "effective_from": "2026-02-30"},
        {"kind": "moved", "address": "新地址"},
        {"kind": "death", "reason": ""},
    ],
)
def test_bad_input_is_refused_by_the_form(fields):
    form = changes.ChangeRequestForm({"effective_from": "2026-11-01", "reason": "x", **fields})
    assert not form.is_valid()


@pytest.mark.django_db
def test_no_change_and_unknown_households_are_refused(monthly, regions, village_officer):
    elsewhere = HouseholdFactory(region=regions[OTHER_VILLAGE])
    far = HouseholdFactory(region=regions[OTHER_TOWNSHIP_VILLAGE])
    own = monthly.applicant.household
    cases = [
        ({"kind": "address", "address": own.address}, "address"),
        ({"kind": "household", "household": own.number}, "household"),
        ({"kind": "household", "household": elsewhere.number}, "household"),
        ({"kind": "household", "household": far.number}, "household"),
        ({"kind": "household", "household": "NOSUCH"}, "household"),
        (
            {"kind": "bank_account", "bank": "银行", "account_number": "6217990000000000011"},
            "account_number",
        ),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as refused:
            ask(village_officer, monthly, **fields)
        assert field in refused.value.message_dict, fields
    assert not ChangeRequest.objects.exists()


@pytest.mark.django_db
def test_approval_refused_once_the_recipient_left(
    monthly, village_officer, township_reviewer, county_approver
):
    change = ask(village_officer, monthly, kind="address", address="新地址")
    perform(
        "terminate", monthly, Actor(county_approver), {"cause": "ineligible", "opinion": "不符合"}
    )
    with pytest.raises(ValidationError):
        decide(township_reviewer, change)
    change.refresh_from_db()
    assert change.status == ChangeStatus.REQUESTED


@pytest.mark.django_db
def test_the_township_inbox_counts_open_requests(monthly, village_officer, township_reviewer):
    ask(village_officer, monthly, kind="address", address="新地址")
    (row,) = inbox.change_inbox(township_reviewer)
    assert (row.waiting, row.overdue) == (1, 0)
    assert inbox.change_inbox(village_officer) == []
    assert inbox.inbox_count(township_reviewer) >= 1


# Pages.


@pytest.mark.django_db
def test_request_page_only_for_the_village_officer_of_an_enrolled_recipient(
    client, monthly, village_officer, township_reviewer, recipient
):
    url = reverse("change-create", args=[monthly.pk])
    client.force_login(village_officer)
    detail = client.get(reverse("application-detail", args=[monthly.pk]))
    assert url in detail.content.decode()
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "address",
            "address": "东风村9组9号",
            "effective_from": "2026-11-01",
            "reason": "搬家",
        },
    )
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "change-detail", args=[change.pk]
    )
    # The open request shows on the application's page.
    assert (
        reverse("change-detail", args=[change.pk])
        in client.get(reverse("application-detail", args=[monthly.pk])).content.decode()
    )

    bad = client.post(
        url,
        {
            "kind": "bank_account",
            "bank": "银行",
            "account_number": "12ab",
            "effective_from": "2026-11-01",
            "reason": "x",
        },
    )
    assert bad.status_code == 200 and "account_number" in bad.context["form"].errors

    not_enrolled = recipient(status=S.AWAITING_APPROVAL)
    assert client.get(reverse("change-create", args=[not_enrolled.pk])).status_code == 403
    assert (
        reverse("change-create", args=[not_enrolled.pk])
        not in client.get(reverse("application-detail", args=[not_enrolled.pk])).content.decode()
    )

    client.force_login(township_reviewer)
    assert client.get(url).status_code == 403
    assert url not in client.get(reverse("application-detail", args=[monthly.pk])).content.decode()


@pytest.mark.django_db
def test_detail_page_shows_before_and_after_and_decides(
    client, monthly, village_officer, township_reviewer, make_officer
):
    change = ask(
        village_officer,
        monthly,
        kind="bank_account",
        bank="示范银行",
        account_number="6217990000000000022",
        effective_from="2026-12-01",
    )
    url = reverse("change-detail", args=[change.pk])
    client.force_login(township_reviewer)
    page = client.get(url)
    body = page.content.decode()
    assert "6217***********0011" in body and "6217***********0022" in body
    assert "6217990000000000022" not in body  # whole numbers only for the fund roles
    assert reverse("step", args=["changes", change.pk, "reject"]) in body
    assert "confirm(" in body

    response = client.post(
        reverse("step", args=["changes", change.pk, "approve"]), {"opinion": "同意"}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED

    stranger = make_officer(Role.TOWNSHIP_REVIEWER, OTHER_TOWNSHIP)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.post(reverse("step", args=["changes", change.pk, "reject"])).status_code == 404


@pytest.mark.django_db
def test_change_list_searches_filters_and_counts_queries(
    client, regions, recipient, village_officer, township_reviewer, django_assert_max_num_queries
):
    made = []
    for n in range(12):
        application = recipient(village=VILLAGE if n % 2 else OTHER_VILLAGE)
        kind = "death" if n % 3 == 0 else "bank_account"
        officer = village_officer
        if application.region_id == OTHER_VILLAGE:
            from permissions.factories import OfficerFactory

            officer = OfficerFactory(
                roles=[Role.VILLAGE_OFFICER], jurisdiction=regions[OTHER_VILLAGE]
            )
        made.append(
            ask(
                officer,
                application,
                kind=kind,
                bank="银行",
                account_number=f"62288800000000{n:05d}",
            )
        )
    client.force_login(township_reviewer)
    url = reverse("change-list")
    with django_assert_max_num_queries(6):
        page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 12
    assert "format=xlsx" in page.context["export_url"]

    assert len(client.get(url, {"kind": "death"}).context["page"].object_list) == 4
    assert len(client.get(url, {"region": VILLAGE}).context["page"].object_list) == 6
    name = made[0].application.applicant.name
    found = client.get(url, {"q": name}).context["page"].object_list
    assert made[0] in found
    id_number = made[1].application.applicant.id_number
    assert list(client.get(url, {"q": id_number}).context["page"].object_list) == [made[1]]
    empty = client.get(url, {"status": "approved"})
    assert not empty.context["page"].object_list
    assert 'class="empty"' in empty.content.decode()

    client.force_login(village_officer)
    assert len(client.get(url).context["page"].object_list) == 6


# API.


@pytest.mark.django_db
def test_api_lists_exports_creates_and_decides(
    login_api, monthly, village_officer, township_reviewer
):
    api = login_api(village_officer)
    created = api.post(
        "/api/v1/change-requests/",
        {
            "application": monthly.pk,
            "kind": "bank_account",
            "bank": "示范银行",
            "account_number": "6217990000000000022",
            "effective_from": "2026-12-01",
            "reason": "换卡",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["after"]["account_number"] == "6217***********0022"
    assert body["available_transitions"] == ["withdraw"]

    again = api.post(
        "/api/v1/change-requests/",
        {
            "application": monthly.pk,
            "kind": "bank_account",
            "bank": "示范银行",
            "account_number": "6217990000000000044",
            "effective_from": "2026-12-01",
            "reason": "换卡",
        },
        format="json",
    )
    assert again.status_code == 400 and "kind" in again.json()["error"]["fields"]

    api = login_api(township_reviewer)
    listed = api.get("/api/v1/change-requests/", {"status": "requested"}).json()
    assert listed["count"] == 1 and listed["results"][0]["applicant_id_number"].count("*") == 8
    workbook = api.get("/api/v1/change-requests/", {"format": "xlsx"})
    assert workbook.status_code == 200 and workbook["Content-Type"].startswith("application/vnd")

    done = api.post(
        f"/api/v1/change-requests/{body['id']}/transitions/approve/", {"opinion": "同意"}
    )
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert [h["transition"] for h in done.json()["history"]] == ["request", "approve"]
    assert Application.objects.get(pk=monthly.pk).applicant.bank_accounts.count() == 2


@pytest.mark.django_db
def test_existing_accounts_are_dated_so_the_newest_is_still_paid(
    recipient, village_officer, disburser
):
    import importlib

    from django.apps import apps

    application = recipient(account=False, paid_from=datetime.date(2026, 1, 1))
    person = application.applicant
    at = datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC)
    old = BankAccountFactory(
        person=person,
        recorded_by=village_officer,
        recorded_at=at,
        replaced_at=at + datetime.timedelta(days=200),
    )
    new = BankAccountFactory(
        person=person, recorded_by=village_officer, recorded_at=at + datetime.timedelta(days=200)
    )
    migration = importlib.import_module("casework.migrations.0014_change_requests")
    migration.date_existing_accounts(apps, None)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.effective_from == new.effective_from == datetime.date(2026, 3, 5)
    batch = build(disburser, application.program, datetime.date(2026, 11, 24)).batch
    assert batch.payments.get().account_number == new.account_number


@pytest.mark.django_db
def test_supporting_file_inbox_and_reach(
    client, login_api, monthly, village_officer, township_reviewer, make_officer
):
    url = reverse("change-create", args=[monthly.pk])
    client.force_login(village_officer)
    upload = SimpleUploadedFile("card.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    client.post(
        url,
        {"kind": "death", "effective_from": "2026-11-20", "reason": "去世", "file": upload},
    )
    change = ChangeRequest.objects.get()
    download = client.get(reverse("change-file", args=[change.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")

    client.force_login(township_reviewer)
    page = client.get(reverse("task-inbox"))
    assert page.context["change_steps"][0].waiting == 1
    assert reverse("change-list") in page.content.decode()

    outsider = make_officer(Role.VILLAGE_OFFICER, OTHER_VILLAGE)
    client.force_login(outsider)
    assert client.get(reverse("change-file", args=[change.pk])).status_code == 404
    assert client.get(reverse("change-create", args=[monthly.pk])).status_code == 404
    api = login_api(outsider)
    assert api.get(f"/api/v1/change-requests/{change.pk}/").status_code == 404
    refused = api.post(
        "/api/v1/change-requests/",
        {"application": monthly.pk, "kind": "address", "address": "x", "reason": "x"},
        format="json",
    )
    assert refused.status_code == 404
