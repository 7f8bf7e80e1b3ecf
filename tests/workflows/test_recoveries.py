"""Recoveries after a revocation for fraud (the payments since the facts became false, repaid
or written off) and supervisors' findings on payment batches."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from casework.factories import ApplicationFactory, BankAccountFactory, RegionFactory
from casework.models import (
    ApplicationStatus,
    Finding,
    Payment,
    PaymentBatch,
    Program,
    Recovery,
    RecoveryStatus,
    Repayment,
)
from casework.models.payments import BatchStatus, PaymentStatus
from permissions.audit import Actor
from permissions.factories import OfficerFactory
from permissions.models import AuditEntry
from permissions.roles import Role
from permissions.scoping import visible_to
from tests.conftest import COUNTY, VILLAGE
from workflows import recoveries
from workflows.transitions import TransitionConflict, available_steps, history, perform

S = ApplicationStatus
OTHER_COUNTY = "360922000000"
PAID_2025, PAID_2026 = 60000, 96000


@pytest.fixture
def supervisor(make_officer):
    return make_officer(Role.SUPERVISOR, COUNTY, username="supervisor")


@pytest.fixture
def program(db):
    return Program.objects.get(code="rural-reward")


def make_batch(program, region, year, officer, status=BatchStatus.CLOSED):
    return PaymentBatch.objects.create(
        program=program,
        region=region,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        status=status,
        built_by=officer,
        built_at=datetime.datetime(year, 1, 5, 9, tzinfo=datetime.UTC),
    )


def pay(batch, application, amount_fen, status=PaymentStatus.PAID):
    return Payment.objects.create(
        batch=batch,
        application=application,
        period_start=batch.period_start,
        amount_fen=amount_fen,
        bank="示范农村商业银行",
        account_number="6217990000000000001",
        reference=f"T{batch.pk:04d}{application.pk:06d}{status[:1]}",
        status=status,
        settled_at=datetime.datetime(batch.period_start.year, 1, 20, tzinfo=datetime.UTC),
    )


@pytest.fixture
def paid_recipient(regions, village_officer, disburser, program):
    """An enrolled recipient paid for 2025 and 2026 (and a failed 2026 payment before that)."""
    application = ApplicationFactory(
        applicant__region=regions[VILLAGE],
        status=S.ENROLLED,
        paid_from=datetime.date(2025, 1, 1),
        created_by=village_officer,
    )
    BankAccountFactory(person=application.applicant, recorded_by=village_officer)
    pay(make_batch(program, regions[COUNTY], 2025, disburser), application, PAID_2025)
    failed = make_batch(program, regions[COUNTY], 2026, disburser)
    pay(failed, application, PAID_2026, status=PaymentStatus.FAILED)
    again = make_batch(program, regions[COUNTY], 2026, disburser)
    again.follows = failed
    again.save(update_fields=["follows"])
    pay(again, application, PAID_2026)
    return application


def revoke(application, approver, false_since, amount="0"):
    return perform(
        "revoke",
        application,
        Actor(approver),
        {
            "opinion": "冒用他人计生档案",
            "amount_to_recover": amount,
            "false_steps": ["village"],
            "false_since": false_since,
        },
    )


def actions(obj):
    return list(
        AuditEntry.objects.filter(content_type__model=obj._meta.model_name, object_id=str(obj.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_revocation_opens_the_recovery_of_what_was_paid_since_the_false_facts(
    paid_recipient, county_approver
):
    revoked = revoke(paid_recipient, county_approver, "2026-01-01", amount="500.00")
    assert revoked.status == S.REVOKED
    # The officer's figure stays on the application; the recovery takes the payments on record.
    assert revoked.amount_to_recover_fen == 50000
    recovery = Recovery.objects.get(application=revoked)
    assert recovery.amount_due_fen == PAID_2026 and recovery.amount_due == Decimal("960.00")
    assert recovery.false_since == datetime.date(2026, 1, 1)
    assert recovery.status == RecoveryStatus.OPEN and recovery.created_by == county_approver
    assert actions(recovery) == ["open_recovery"]
    revoke_entry = AuditEntry.objects.get(action="revoke", object_id=str(revoked.pk))
    assert revoke_entry.data["false_since"] == "2026-01-01"


@pytest.mark.django_db
def test_a_period_holding_the_day_is_recovered_whole(paid_recipient, county_approver):
    revoke(paid_recipient, county_approver, "2025-06-01")
    assert Recovery.objects.get().amount_due_fen == PAID_2025 + PAID_2026


@pytest.mark.django_db
def test_without_payments_on_record_the_entered_amount_is_recovered(
    regions, village_officer, county_approver
):
    application = ApplicationFactory(
        applicant__region=regions[VILLAGE],
        status=S.ENROLLED,
        paid_from=datetime.date(2025, 1, 1),
        created_by=village_officer,
    )
    revoke(application, county_approver, "2025-01-01", amount="1200.00")
    assert Recovery.objects.get().amount_due_fen == 120000

    nothing = ApplicationFactory(
        applicant__region=regions[VILLAGE], status=S.ENROLLED, created_by=village_officer
    )
    assert revoke(nothing, county_approver, "2025-01-01").status == S.REVOKED
    assert not Recovery.objects.filter(application=nothing).exists()


@pytest.mark.django_db
def test_the_false_facts_date_is_required_and_not_in_the_future(paid_recipient, county_approver):
    for day in ("", "2026-11-25"):
        with pytest.raises(ValidationError) as refusal:
            revoke(paid_recipient, county_approver, day)
        assert "false_since" in refusal.value.message_dict
    paid_recipient.refresh_from_db()
    assert paid_recipient.status == S.ENROLLED and not Recovery.objects.exists()


@pytest.fixture
def recovery(paid_recipient, county_approver):
    revoke(paid_recipient, county_approver, "2026-01-01")
    return Recovery.objects.get()


@pytest.mark.django_db
def test_repayments_until_repaid(recovery, fund_manager, disburser, village_officer):
    day = datetime.date(2026, 11, 20)
    first = recoveries.record_repayment(
        Actor(fund_manager), recovery, Decimal("300.00"), day, "收据 No.0001"
    )
    assert first.amount_fen == 30000 and first.recorded_by == fund_manager
    assert first.recovery.status == RecoveryStatus.OPEN
    assert first.recovery.outstanding == Decimal("660.00")

    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as too_much:
        recoveries.record_repayment(Actor(disburser), recovery, Decimal("660.01"), day, "No.2")
    assert "amount" in too_much.value.message_dict
    assert "660.00" in too_much.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as future:
        recoveries.record_repayment(
            Actor(disburser), recovery, Decimal("10"), datetime.date(2026, 11, 25), "No.2"
        )
    assert "paid_on" in future.value.message_dict
    with pytest.raises(ValidationError) as nothing:
        recoveries.record_repayment(Actor(disburser), recovery, Decimal("0"), day, "")
    assert {"amount", "receipt"} <= set(nothing.value.message_dict)
    with pytest.raises(PermissionDenied):
        recoveries.record_repayment(Actor(village_officer), recovery, Decimal("10"), day, "x")
    assert Repayment.objects.count() == 1 and AuditEntry.objects.count() == entries

    last = recoveries.record_repayment(Actor(disburser), recovery, "660.00", day, "No.0002")
    assert last.recovery.status == RecoveryStatus.REPAID and last.recovery.outstanding_fen == 0
    assert Recovery.objects.get().status == RecoveryStatus.REPAID
    assert actions(recovery) == ["open_recovery", "record_repayment", "record_repayment", "settle"]
    with pytest.raises(TransitionConflict):
        recoveries.record_repayment(Actor(disburser), recovery, Decimal("1"), day, "No.3")


@pytest.mark.django_db
def test_only_the_fund_manager_writes_off(recovery, fund_manager, disburser, village_officer):
    for officer in (village_officer, disburser):
        assert available_steps(officer, recovery) == []
        with pytest.raises(PermissionDenied):
            perform("write_off", recovery, Actor(officer), {"opinion": "无力偿还"})
    assert [step.name for step in available_steps(fund_manager, recovery)] == ["write_off"]
    with pytest.raises(ValidationError):
        perform("write_off", recovery, Actor(fund_manager), {"opinion": ""})
    recoveries.record_repayment(
        Actor(fund_manager), recovery, Decimal("100"), datetime.date(2026, 11, 1), "No.1"
    )
    written_off = perform(
        "write_off", recovery, Actor(fund_manager), {"opinion": "本人已故，无遗产"}
    )
    assert written_off.status == RecoveryStatus.WRITTEN_OFF
    assert written_off.status_reason == "本人已故，无遗产"
    assert [item["transition"] for item in history(written_off)] == [
        "open_recovery",
        "record_repayment",
        "write_off",
    ]
    assert history(written_off)[-1]["opinion"] == "本人已故，无遗产"
    with pytest.raises(TransitionConflict):
        recoveries.record_repayment(
            Actor(fund_manager), written_off, Decimal("1"), datetime.date(2026, 11, 1), "No.2"
        )


@pytest.mark.django_db
def test_recoveries_are_seen_in_their_jurisdiction(
    recovery, fund_manager, disburser, supervisor, village_officer
):
    other_county = RegionFactory(code=OTHER_COUNTY, name="其他县")
    elsewhere = OfficerFactory(roles=[Role.FUND_MANAGER], jurisdiction=other_county)
    for officer in (fund_manager, disburser, supervisor):
        assert list(visible_to(officer, Recovery)) == [recovery]
    for officer in (village_officer, elsewhere):
        assert not visible_to(officer, Recovery).exists()
    with pytest.raises(PermissionDenied):
        recoveries.record_repayment(
            Actor(elsewhere), recovery, Decimal("1"), datetime.date(2026, 11, 1), "x"
        )


@pytest.mark.django_db
def test_supervisors_record_findings_on_batches_they_see(
    supervisor, fund_manager, disburser, program, regions
):
    batch = make_batch(program, regions[COUNTY], 2026, disburser, status=BatchStatus.BUILT)
    other_county = RegionFactory(code=OTHER_COUNTY, name="其他县")
    far = make_batch(program, other_county, 2026, disburser)

    finding = recoveries.record_finding(Actor(supervisor), batch, "  名单中有两人已于去年迁出  ")
    assert finding.text == "名单中有两人已于去年迁出" and finding.officer == supervisor
    assert list(visible_to(supervisor, Finding)) == [finding]
    assert list(visible_to(fund_manager, Finding)) == [finding]
    entry = AuditEntry.objects.get(action="record_finding")
    assert entry.object_id == str(batch.pk) and entry.opinion == finding.text
    # Shown on the batch's timeline, under a label of its own.
    last = history(batch)[-1]
    assert last["transition"] == "record_finding" and last["transition_display"] != "record_finding"
    # Read-only: the batch is untouched and the supervisor has no step on it.
    batch.refresh_from_db()
    assert batch.status == BatchStatus.BUILT and available_steps(supervisor, batch) == []

    with pytest.raises(ValidationError):
        recoveries.record_finding(Actor(supervisor), batch, "   ")
    with pytest.raises(PermissionDenied):
        recoveries.record_finding(Actor(fund_manager), batch, "我来记一条")
    assert far not in visible_to(supervisor, PaymentBatch)
    with pytest.raises(Http404):
        recoveries.record_finding(Actor(supervisor), far, "越界")
    assert Finding.objects.count() == 1
    assert AuditEntry.objects.filter(action="record_finding").count() == 1
