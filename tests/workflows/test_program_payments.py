"""Paying each kind of program: one-time payments once per recipient, half-yearly cycles,
contributions into the insurer's account, and letters only where the program issues them."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from casework.models import Job, Payment, PaymentBatch, PaymentStatus, Program
from casework.models.programs import ProgramStandard
from documents.models import Document
from permissions.audit import Actor
from tests.conftest import COUNTY
from workflows import bank_files, payments
from workflows.transitions import perform

D = datetime.date
INSURER = ("县城乡居民社会养老保险经办中心", "县农村信用合作联社", "9000000000000000001")


@pytest.fixture
def county(regions):
    return regions[COUNTY]


@pytest.fixture
def build(disburser, county):
    """Build ``code``'s batch for the period holding ``day``."""

    def run(code, day):
        program = Program.objects.get(code=code)
        return payments.build(Actor(disburser), program=program, county=county, day=day)

    return run


@pytest.fixture
def settle(disburser, fund_manager):
    """Take a built batch through approval, export and the bank's return (the references of
    ``failures`` failed); the import's summary and the bank file's rows."""

    def run(batch, failures=None):
        batch = perform("approve", batch, Actor(fund_manager), {})
        _type, _name, chunks = bank_files.export(Actor(disburser), batch, "csv")
        rows = list(csv.reader(io.StringIO("".join(chunks).removeprefix("\ufeff"))))
        batch = perform("mark_sent", PaymentBatch.objects.get(pk=batch.pk), Actor(disburser), {})
        data = bank_files.return_file_for(batch, failures)
        return bank_files.import_return(Actor(disburser), batch, data), rows

    return run


def paid_applications(batch) -> set[int]:
    return set(batch.payments.values_list("application_id", flat=True))


# One-time programs.


@pytest.mark.django_db
def test_a_one_time_recipient_is_paid_once(recipient, build, settle, disburser, offices):
    program = Program.objects.get(code="sterilisation-reward")
    assert program.pays_once
    paid, failing = (recipient(program=program, paid_from=D(2025, 1, 1)) for _ in range(2))

    first = build("sterilisation-reward", D(2025, 6, 1)).batch
    assert (first.period_start, first.period_end) == (D(2025, 1, 1), D(2025, 12, 31))
    assert paid_applications(first) == {paid.pk, failing.pk}
    assert first.total_fen == 2 * 400000
    # Still pending: the next period's batch pays neither.
    assert build("sterilisation-reward", D(2026, 3, 1)).batch is None

    reference = first.payments.get(application=failing).reference
    summary, _rows = settle(first, {reference: "账户已冻结"})
    assert (summary["paid"], summary["failed"]) == (1, 1)
    first = perform("close", PaymentBatch.objects.get(pk=first.pk), Actor(disburser), {})

    again = payments.follow_up(Actor(disburser), first).batch
    assert paid_applications(again) == {failing.pk} and again.period_start == D(2025, 1, 1)
    assert again.payments.get().amount_fen == 400000
    assert build("sterilisation-reward", D(2026, 3, 1)).batch is None
    assert payments.follow_up(Actor(disburser), first).batch is None


@pytest.mark.django_db
def test_a_failed_one_time_payment_paid_in_a_later_batch_is_not_reissued(
    recipient, build, settle, disburser, offices
):
    failing = recipient(
        program=Program.objects.get(code="sterilisation-reward"), paid_from=D(2025, 1, 1)
    )
    first = build("sterilisation-reward", D(2025, 6, 1)).batch
    settle(first, {first.payments.get().reference: "户名不符"})

    # Unpaid, the recipient is due in the next period's batch ...
    later = build("sterilisation-reward", D(2026, 3, 1)).batch
    assert paid_applications(later) == {failing.pk} and later.period_start == D(2026, 1, 1)
    # ... and, paid there, is not paid a second time by the follow-up of the first.
    assert payments.follow_up(Actor(disburser), PaymentBatch.objects.get(pk=first.pk)).batch is None
    live = Payment.objects.filter(application=failing, status=PaymentStatus.PENDING)
    assert live.count() == 1


@pytest.mark.django_db
def test_due_for_payment_of_a_one_time_program_looks_at_every_period(recipient, build, county):
    program = Program.objects.get(code="nutrition-first-birth")
    application = recipient(program=program, paid_from=D(2025, 1, 1))
    build("nutrition-first-birth", D(2025, 2, 1))
    due = payments.due_for_payment(program, county, D(2026, 1, 1), D(2026, 12, 31))
    assert not due.filter(pk=application.pk).exists()
    # A program paid every period still pays the next one.
    rural = recipient(paid_from=D(2025, 1, 1))
    build("rural-reward", D(2025, 2, 1))
    rural_program = Program.objects.get(code="rural-reward")
    due = payments.due_for_payment(rural_program, county, D(2026, 1, 1), D(2026, 12, 31))
    assert due.filter(pk=rural.pk).exists()


# Half-yearly cycles.


@pytest.mark.django_db
def test_a_half_yearly_program_pays_each_half_year(recipient, build):
    program = Program.objects.create(code="half-yearly", name="半年发放的扶助", kind="half_yearly")
    ProgramStandard.objects.create(
        program=program,
        effective_from=D(2024, 1, 1),
        amount_fen=60000,
        period="half_year",
        payment_cycle="half_year",
    )
    application = recipient(program=program)
    assert payments.period_of(program, D(2026, 3, 15)) == (D(2026, 1, 1), D(2026, 6, 30))
    assert payments.period_of(program, D(2026, 8, 1)) == (D(2026, 7, 1), D(2026, 12, 31))

    first = build("half-yearly", D(2026, 3, 15)).batch
    second = build("half-yearly", D(2026, 8, 1)).batch
    assert (first.period_start, first.period_end) == (D(2026, 1, 1), D(2026, 6, 30))
    assert (second.period_start, second.period_end) == (D(2026, 7, 1), D(2026, 12, 31))
    for batch in (first, second):
        assert paid_applications(batch) == {application.pk} and batch.total_fen == 60000
    assert build("half-yearly", D(2026, 10, 1)).batch is None


@pytest.mark.django_db
def test_a_half_year_amount_with_no_cycle_is_paid_half_yearly():
    program = Program.objects.create(code="half-yearly", name="半年发放的扶助", kind="half_yearly")
    standard = ProgramStandard.objects.create(
        program=program, effective_from=D(2024, 1, 1), amount_fen=60000, period="half_year"
    )
    assert payments.period_of(program, D(2026, 3, 15)) == (D(2026, 1, 1), D(2026, 6, 30))
    assert standard.payment_fen == 60000


@pytest.mark.django_db
def test_the_retired_worker_reward_is_gathered_yearly_then_half_yearly(recipient, build):
    program = Program.objects.get(code="retired-worker-reward")
    assert payments.period_of(program, D(2025, 5, 1)) == (D(2025, 1, 1), D(2025, 12, 31))
    assert payments.period_of(program, D(2026, 3, 15)) == (D(2026, 1, 1), D(2026, 6, 30))
    assert payments.period_of(program, D(2026, 8, 1)) == (D(2026, 7, 1), D(2026, 12, 31))
    retired_2025 = recipient(program=program, paid_from=D(2025, 1, 1))
    retired_2026 = recipient(program=program, paid_from=D(2026, 1, 1))
    retired_later = recipient(program=program, paid_from=D(2026, 7, 1))

    year = build("retired-worker-reward", D(2025, 5, 1)).batch
    assert (year.period_start, year.period_end) == (D(2025, 1, 1), D(2025, 12, 31))
    assert paid_applications(year) == {retired_2025.pk} and year.total_fen == 300000

    first_half = build("retired-worker-reward", D(2026, 3, 15)).batch
    assert (first_half.period_start, first_half.period_end) == (D(2026, 1, 1), D(2026, 6, 30))
    assert paid_applications(first_half) == {retired_2026.pk}
    assert first_half.total_fen == 300000

    second_half = build("retired-worker-reward", D(2026, 8, 1)).batch
    assert (second_half.period_start, second_half.period_end) == (D(2026, 7, 1), D(2026, 12, 31))
    assert paid_applications(second_half) == {retired_later.pk}


@pytest.mark.django_db
def test_a_monthly_amount_paid_half_yearly_pays_six_months(recipient, build):
    program = Program.objects.get(code="special-deceased")
    standard = program.standard_on(D(2026, 7, 1))
    standard.payment_cycle = "half_year"
    standard.save()
    assert standard.payment_fen == 6 * standard.amount_fen
    application = recipient(program=program, paid_from=D(2026, 7, 1))
    recipient(program=program, paid_from=D(2026, 8, 1))

    batch = build("special-deceased", D(2026, 8, 1)).batch
    assert (batch.period_start, batch.period_end) == (D(2026, 7, 1), D(2026, 12, 31))
    assert paid_applications(batch) == {application.pk}
    assert batch.total_fen == 6 * standard.amount_fen


def test_half_year_letters_and_memos_name_the_half():
    def label(start, end):
        return bank_files.period_label(PaymentBatch(period_start=start, period_end=end))

    assert label(D(2026, 1, 1), D(2026, 6, 30)) == "2026年上半年"
    assert label(D(2026, 7, 1), D(2026, 12, 31)) == "2026年下半年"
    assert label(D(2026, 1, 1), D(2026, 12, 31)) == "2026年度"
    assert label(D(2026, 3, 1), D(2026, 3, 31)) == "2026年03月"
    assert label(D(2026, 10, 1), D(2026, 12, 31)) == "2026年10月至12月"


# Contributions.


@pytest.mark.django_db
def test_a_contribution_is_paid_to_the_insurer(
    recipient,
    build,
    settle,
    disburser,
    offices,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    program = Program.objects.get(code="pension-daughters")
    assert program.pays_insurer
    assert (program.payee_name, program.payee_bank, program.payee_account) == INSURER
    with_card = recipient(program=program)
    without_card = recipient(program=program, account=False)

    built = build("pension-daughters", D(2026, 11, 24))
    batch = built.batch
    assert built.skipped == []
    assert paid_applications(batch) == {with_card.pk, without_card.pk}
    assert set(batch.payments.values_list("bank", "account_number")) == {INSURER[1:]}
    assert batch.total_fen == 2 * 10000

    with django_capture_on_commit_callbacks(execute=True):
        summary, rows = settle(batch)
    assert rows[0] == bank_files.BANK_FILE_COLUMNS
    assert rows[-1][:2] == ["合计", "2"] and rows[-1][6] == "200.00"
    by_reference = {row[1]: row for row in rows[1:-1]}
    for payment in batch.payments.select_related("application__applicant"):
        person = payment.application.applicant
        row = by_reference[payment.reference]
        assert row[2] == INSURER[0] and row[4:7] == [INSURER[1], INSURER[2], "100.00"]
        assert row[7] == f"养老保险代缴 {person.name} {person.id_number} 2026年度"

    assert (summary["paid"], summary["failed"]) == (2, 0)
    job = Job.objects.get(pk=summary["letters_job"])
    assert job.status == "done" and job.done == 2
    letters = Document.objects.filter(kind="payment_letter")
    assert letters.count() == 2
    letter = letters.first()
    assert letter.title == f"{program.name}告知书"
    assert letter.context["payee"] == INSURER[0] and letter.context["bank"] == INSURER[1]
    assert letter.context["period"] == "2026年度"
    assert [label for label, _value in letter.public_summary][0] == "参保人"

    body = render_to_string("documents/payment_letter.html", {"data": letter.context, "doc": {}})
    assert f"直接缴入{INSURER[0]}账户" in body and "收款单位" in body
    assert "存入你本人账户" not in body


@pytest.mark.django_db
def test_a_failed_contribution_is_reissued_to_the_insurer(recipient, build, settle, disburser):
    program = Program.objects.get(code="pension-daughters")
    application = recipient(program=program, account=False)
    batch = build("pension-daughters", D(2026, 11, 24)).batch
    settle(batch, {batch.payments.get().reference: "户名与账号不符"})

    again = payments.follow_up(Actor(disburser), PaymentBatch.objects.get(pk=batch.pk)).batch
    payment = again.payments.get()
    assert payment.application == application
    assert (payment.bank, payment.account_number) == INSURER[1:]


@pytest.mark.django_db
def test_a_contribution_without_the_insurers_account_is_refused(recipient, build):
    program = Program.objects.get(code="pension-daughters")
    Program.objects.filter(pk=program.pk).update(payee_account="")
    recipient(program=program)
    with pytest.raises(ValidationError) as refused:
        build("pension-daughters", D(2026, 11, 24))
    assert "program" in refused.value.message_dict
    assert not PaymentBatch.objects.exists()


def test_an_ordinary_letter_reads_as_before():
    data = {
        "recipient": "周桂兰",
        "program": "农村部分计划生育家庭奖励扶助",
        "period": "2026年度",
        "amount": "960.00",
        "amount_in_words": "玖佰陆拾元整",
        "bank": "安和农村商业银行城关支行",
        "account": "6217***********1234",
        "paid_on": "2026年12月10日",
        "phone": "0797-5210001",
    }
    body = render_to_string("documents/payment_letter.html", {"data": data, "doc": {}})
    assert "现将你2026年度奖励扶助金发放情况告知如下" in body
    assert "<th>银行卡（账）号</th><td>6217***********1234</td>" in body
    assert "直接存入你本人账户" in body
    assert "收款单位" not in body and "代缴" not in body


# Documents a program issues.


@pytest.mark.django_db
def test_a_program_without_payment_letters_closes_its_batch_without_them(
    recipient,
    build,
    settle,
    disburser,
    offices,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    Program.objects.filter(code="rural-reward").update(documents=["application_form"])
    recipient()
    recipient()
    batch = build("rural-reward", D(2026, 11, 24)).batch
    with django_capture_on_commit_callbacks(execute=True):
        summary, _rows = settle(batch)
    assert summary["paid"] == 2 and summary["letters_job"] is None
    closed = perform("close", PaymentBatch.objects.get(pk=batch.pk), Actor(disburser), {})
    assert closed.status == "closed"
    assert not Document.objects.filter(kind="payment_letter").exists()
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_program_issuing_payment_letters_still_issues_them(
    recipient, build, settle, offices, immediate_tasks, django_capture_on_commit_callbacks
):
    recipient()
    batch = build("rural-reward", D(2026, 11, 24)).batch
    with django_capture_on_commit_callbacks(execute=True):
        summary, rows = settle(batch)
    assert summary["letters_job"]
    letter = Document.objects.get(kind="payment_letter")
    assert "payee" not in letter.context
    assert letter.title == f"{batch.program.name}发放告知书"
    person = batch.payments.get().application.applicant
    assert rows[1][2:4] == [person.name, person.id_number]


@pytest.mark.django_db
def test_a_one_time_programs_next_batch_misses_nobody(recipient, build, settle, offices):
    program = Program.objects.get(code="sterilisation-reward")
    recipient(program=program, paid_from=D(2025, 1, 1))
    settle(build("sterilisation-reward", D(2025, 6, 1)).batch, {})
    newcomer = recipient(program=program, paid_from=D(2026, 1, 1))
    later = build("sterilisation-reward", D(2026, 3, 1)).batch
    assert paid_applications(later) == {newcomer.pk}
    changes = payments.changes_since_last(later)
    assert changes["new"] == 1
    assert (changes["suspended"], changes["terminated"], changes["revoked"]) == (0, 0, 0)
    assert changes["other"] == 0
