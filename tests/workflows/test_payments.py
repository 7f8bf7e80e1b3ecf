"""Payment batches: build from the recipients due, approve or return, export the bank file,
import the bank's return whole or not at all, close, re-issue the failed; four powers apart."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from casework.factories import BankAccountFactory
from casework.models import (
    Application,
    ApplicationStatus,
    BankAccount,
    Job,
    Payment,
    PaymentBatch,
    PaymentStatus,
    Program,
)
from documents.models import Document
from permissions import audit
from permissions.audit import Actor
from permissions.roles import Role
from permissions.separation import SeparationOfDuties
from tests.conftest import COUNTY, OTHER_TOWNSHIP_VILLAGE
from workflows import bank_files, payments
from workflows.transitions import perform

S = ApplicationStatus
YEAR_2026 = datetime.date(2026, 1, 1)


@pytest.fixture
def county(regions):
    return regions[COUNTY]


def build(officer, county, day=datetime.date(2026, 11, 24)):
    return payments.build(
        Actor(officer),
        program=Program.objects.get(code="rural-reward"),
        county=county,
        day=day,
    )


@pytest.mark.django_db
def test_build_pays_the_recipients_due_once(recipient, disburser, county):
    paid = [recipient(), recipient(village=OTHER_TOWNSHIP_VILLAGE)]
    suspended_after = recipient(S.SUSPENDED, paid_until=datetime.date(2026, 12, 31))
    suspended_before = recipient(S.SUSPENDED, paid_until=datetime.date(2025, 12, 31))
    no_account = recipient(account=False)
    recipient(S.REVOKED)
    recipient(paid_from=datetime.date(2027, 1, 1))
    recipient(S.APPROVED, paid_from=None)

    built = build(disburser, county)
    batch = built.batch
    assert (batch.period_start, batch.period_end) == (YEAR_2026, datetime.date(2026, 12, 31))
    expected = {a.pk for a in paid} | {suspended_after.pk}
    assert set(batch.payments.values_list("application_id", flat=True)) == expected
    assert batch.payment_count == 3 and batch.total_fen == 3 * 96000
    assert [pk for pk, _reason in built.skipped] == [no_account.pk]
    assert suspended_before.pk not in expected

    again = build(disburser, county)
    assert again.batch is None and PaymentBatch.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_live_payment(recipient, disburser, county):
    recipient()
    batch = build(disburser, county).batch
    payment = batch.payments.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            batch=batch,
            application=payment.application,
            period_start=payment.period_start,
            amount_fen=1,
            bank="x",
            account_number="6217990000000000001",
            reference="DUPLICATE",
        )


@pytest.mark.django_db
def test_a_build_stopped_halfway_leaves_nothing(recipient, disburser, county, monkeypatch):
    for _ in range(5):
        recipient()
    monkeypatch.setattr(payments, "CHUNK", 2)
    calls = {"n": 0}
    original = payments._pay

    def dies_on_the_second_chunk(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(payments, "_pay", dies_on_the_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        build(disburser, county)
    assert not PaymentBatch.objects.exists() and not Payment.objects.exists()
    monkeypatch.setattr(payments, "_pay", original)
    assert build(disburser, county).batch.payment_count == 5


@pytest.mark.django_db
def test_only_the_disbursement_officer_builds(
    recipient, fund_manager, village_officer, disburser, county, regions
):
    recipient()
    for officer in (fund_manager, village_officer):
        with pytest.raises(PermissionDenied):
            build(officer, county)
    with pytest.raises(ValidationError) as future:
        build(disburser, county, day=datetime.date(2027, 1, 5))
    assert "day" in future.value.message_dict
    with pytest.raises(ValidationError) as township:
        build(disburser, regions["360921100000"])
    assert "county" in township.value.message_dict


@pytest.mark.django_db
def test_separation_of_the_four_powers(recipient, disburser, fund_manager, county, make_officer):
    application = recipient()
    batch = build(disburser, county).batch
    with transaction.atomic():
        audit.record(Actor(fund_manager), "record_visit", application)
    with pytest.raises(SeparationOfDuties):
        perform("approve", batch, Actor(fund_manager), {})

    other_manager = make_officer(Role.FUND_MANAGER, COUNTY)
    batch = perform("approve", batch, Actor(other_manager), {"opinion": "同意发放"})
    assert batch.status == "approved"
    # The approver, now a disbursement officer, may not pay what they approved.
    other_manager.groups.set(disburser.groups.all())
    other_manager = type(other_manager).objects.get(pk=other_manager.pk)
    with pytest.raises(SeparationOfDuties):
        bank_files.export(Actor(other_manager), batch, "csv")
    assert PaymentBatch.objects.get().status == "approved"


@pytest.mark.django_db
def test_a_returned_batch_frees_its_recipients(recipient, disburser, fund_manager, county):
    recipient()
    batch = build(disburser, county).batch
    with pytest.raises(ValidationError):
        perform("return", batch, Actor(fund_manager), {"opinion": ""})
    returned = perform("return", batch, Actor(fund_manager), {"opinion": "人数与上期不符"})
    assert returned.status == "returned"
    assert set(returned.payments.values_list("status", flat=True)) == {"cancelled"}
    assert build(disburser, county).batch.payment_count == 1


@pytest.fixture
def approved(recipient, disburser, fund_manager, county, offices):
    for _ in range(3):
        recipient()
    batch = build(disburser, county).batch
    return perform("approve", batch, Actor(fund_manager), {})


def bank_file(disburser, batch, file_format="csv"):
    content_type, name, chunks = bank_files.export(Actor(disburser), batch, file_format)
    data = b"".join(c.encode() if isinstance(c, str) else c for c in chunks)
    return name, data


@pytest.mark.django_db
def test_the_bank_file_lists_every_payment_and_the_total(approved, disburser):
    name, data = bank_file(disburser, approved)
    assert name.endswith(".csv") and data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == bank_files.BANK_FILE_COLUMNS
    assert len(rows) == 5 and rows[-1][0] == "合计" and rows[-1][6] == "2880.00"
    first = approved.payments.select_related("application__applicant").first()
    assert rows[1][1] == first.reference and rows[1][3] == first.application.applicant.id_number
    assert PaymentBatch.objects.get().status == "exported"

    name, data = bank_file(disburser, PaymentBatch.objects.get(), "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.values)
    assert list(values[0]) == bank_files.BANK_FILE_COLUMNS and values[-1][6] == "2880.00"


@pytest.mark.django_db
def test_a_bad_return_file_is_refused_whole(approved, disburser):
    bank_file(disburser, approved)
    batch = perform("mark_sent", PaymentBatch.objects.get(), Actor(disburser), {})
    good = bank_files.return_file_for(batch).decode()
    lines = good.splitlines()

    def refused(text):
        with pytest.raises(ValidationError) as error:
            bank_files.import_return(Actor(disburser), batch, text.encode())
        assert set(Payment.objects.values_list("status", flat=True)) == {"pending"}
        return " ".join(error.value.messages)

    assert "合计" in refused("\n".join(lines[:-1]))
    assert "2880.00" in refused("\n".join(lines[:-1] + ["合计,3,2879.00,,"]))
    unknown = lines[1].replace(lines[1].split(",")[0], "CW9999999999999XXXX")
    assert "CW9999999999999XXXX" in refused("\n".join([lines[0], unknown, *lines[2:]]))
    assert lines[1].split(",")[0] in refused("\n".join([lines[0], lines[1], *lines[1:]]))
    assert refused("\n".join([lines[0], lines[1], lines[2], "合计,2,1920.00,,"]))
    assert refused("参考号,金额\n")
    assert refused(good.replace("成功", "完成", 1))


@pytest.mark.django_db
def test_return_close_and_reissue_after_a_failure(approved, disburser, village_officer):
    bank_file(disburser, approved)
    batch = perform("mark_sent", PaymentBatch.objects.get(), Actor(disburser), {})
    failing = batch.payments.order_by("id").first()
    summary = bank_files.import_return(
        Actor(disburser),
        batch,
        bank_files.return_file_for(batch, {failing.reference: "账户已销户"}),
    )
    assert summary["letters_job"]
    assert {k: summary[k] for k in ("paid", "failed", "paid_fen")} == {
        "paid": 2,
        "failed": 1,
        "paid_fen": 192000,
    }
    failing.refresh_from_db()
    assert failing.status == "failed" and failing.bank_reason == "账户已销户"
    batch = perform("close", PaymentBatch.objects.get(pk=batch.pk), Actor(disburser), {})
    assert batch.status == "closed"

    person = failing.application.applicant
    BankAccount.objects.filter(person=person).update(replaced_at=batch.built_at)
    BankAccountFactory(person=person, account_number="6217990000000000777", recorded_by=disburser)
    follow = payments.follow_up(Actor(disburser), batch).batch
    assert follow.follows == batch and follow.payment_count == 1
    assert follow.payments.get().account_number == "6217990000000000777"
    assert payments.follow_up(Actor(disburser), batch).batch is None
    assert Payment.objects.filter(status__in=["pending", "paid"]).count() == 3
    assert Application.objects.count() == 3
    assert PaymentStatus.FAILED in Payment.objects.values_list("status", flat=True)


@pytest.mark.django_db
def test_paid_recipients_get_a_signed_letter(
    approved, disburser, offices, immediate_tasks, django_capture_on_commit_callbacks
):
    bank_file(disburser, approved)
    batch = perform("mark_sent", PaymentBatch.objects.get(), Actor(disburser), {})
    failing = batch.payments.order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        summary = bank_files.import_return(
            Actor(disburser),
            batch,
            bank_files.return_file_for(batch, {failing.reference: "户名不符"}),
        )
    job = Job.objects.get(pk=summary["letters_job"])
    assert job.status == "done" and job.done == job.total == 2
    letters = Document.objects.filter(kind="payment_letter")
    assert letters.count() == 2
    assert not Document.objects.for_subject(failing).exists()
    assert letters.first().context["amount_in_words"] == "玖佰陆拾元整"


@pytest.mark.django_db
def test_recording_a_bank_account_keeps_the_old_one(client, recipient, disburser, village_officer):
    person = recipient().applicant
    client.force_login(disburser)
    url = reverse("person-detail", args=[person.pk])
    bad = client.post(url, {"bank": "示范农商行", "account_number": "6217-12"})
    assert "account_number" in bad.context["account_form"].errors
    client.post(url, {"bank": "示范农商行", "account_number": "6217 9900 0000 0000 123"})
    accounts = list(BankAccount.objects.filter(person=person).order_by("recorded_at", "id"))
    assert len(accounts) == 2 and accounts[0].replaced_at and accounts[1].replaced_at is None
    assert accounts[1].account_number == "6217990000000000123"
    assert "6217990000000000123" in client.get(url).content.decode()
    client.force_login(village_officer)
    page = client.get(url)
    assert page.context["account_form"] is None
    assert "6217990000000000123" not in page.content.decode()
    with pytest.raises(PermissionDenied):
        payments.record_bank_account(Actor(village_officer), person, "x", "6217990000000000999")


@pytest.mark.django_db
def test_an_eligibility_signer_may_not_disburse(approved, make_officer):
    signer = make_officer(Role.DISBURSEMENT_OFFICER, COUNTY)
    application = approved.payments.first().application
    with transaction.atomic():
        audit.record(Actor(signer), "approve", application)
    with pytest.raises(SeparationOfDuties):
        bank_files.export(Actor(signer), approved, "csv")
    assert PaymentBatch.objects.get().status == "approved"


@pytest.mark.parametrize(
    ("cycle", "day", "bounds"),
    [
        (
            "month",
            datetime.date(2026, 12, 15),
            (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)),
        ),
        (
            "quarter",
            datetime.date(2026, 11, 24),
            (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
        ),
        (
            "quarter",
            datetime.date(2026, 2, 28),
            (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        ),
        (
            "year",
            datetime.date(2026, 7, 1),
            (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        ),
    ],
)
def test_payment_cycles(cycle, day, bounds):
    from casework.models.programs import cycle_bounds

    assert cycle_bounds(cycle, day) == bounds


@pytest.mark.django_db
def test_a_monthly_amount_paid_by_the_quarter(recipient, disburser, county):
    program = Program.objects.get(code="special-deceased")
    standard = program.standard_on(datetime.date(2026, 11, 24))
    standard.payment_cycle = "quarter"
    standard.save()
    recipient(program=program, paid_from=datetime.date(2026, 10, 1))
    recipient(program=program, paid_from=datetime.date(2027, 1, 1))
    built = payments.build(
        Actor(disburser), program=program, county=county, day=datetime.date(2026, 11, 24)
    )
    batch = built.batch
    assert (batch.period_start, batch.period_end) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
    assert batch.payment_count == 1 and batch.total_fen == 3 * standard.amount_fen
    assert program.next_period_start(datetime.date(2026, 11, 24)) == datetime.date(2027, 1, 1)
