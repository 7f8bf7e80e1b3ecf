"""Paying enrolled recipients (资金发放): build a batch for a program, county and period, the
fund manager approves or returns it, the disbursement officer exports the bank file, marks it
sent, imports the bank's return file, and closes the batch; failed payments are re-issued in a
follow-up batch once corrected.

四权分离: whoever signed an eligibility step of an application in a batch may neither approve
nor disburse it, and the batch's approver may not disburse it.
"""

import datetime
import secrets
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock
from casework.chunks import chunks
from casework.models import Application, ApplicationStatus, Program, Region
from casework.models.payments import (
    LIVE_PAYMENT_STATUSES,
    BankAccount,
    BatchStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
    validate_account_number,
)
from casework.money import yuan
from casework.region_codes import TOWNSHIP, region_code_at
from permissions import audit, rules
from permissions.audit import Actor
from permissions.models import AuditEntry
from permissions.separation import SeparationOfDuties
from workflows.transitions import OpinionForm, ReasonForm, Step, Steps, move, signing_of

# Rows are read and written this many at a time, so a county-sized batch streams.
CHUNK = 2000
# Applications that are paid for a period they were recipients through (a suspension or
# termination takes effect from the next period: ``paid_until``).
_PAYABLE = [ApplicationStatus.ENROLLED, ApplicationStatus.SUSPENDED, ApplicationStatus.TERMINATED]


def period_of(program: Program, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The payment period ``day`` falls in (month, quarter or year, by the standard)."""
    return program.payment_period(day)


def due_for_payment(program: Program, county: Region, start: datetime.date, end: datetime.date):
    """The applications of ``county`` to pay for the period: recipients through its whole
    length, not yet paid (nor pending) for it; for a one-time program, not paid (nor pending)
    for any period."""
    low, high = county.code, county.code[:6] + "999999"
    already = _live_payments(program, models.OuterRef("pk"), start)
    return (
        Application.objects.filter(
            program=program,
            status__in=_PAYABLE,
            region_id__gte=low,
            region_id__lte=high,
            paid_from__lte=start,
        )
        .filter(models.Q(paid_until__isnull=True) | models.Q(paid_until__gte=end))
        .exclude(models.Exists(already))
    )


def _live_payments(program: Program, application, start: datetime.date):
    """The live payments that stop ``application`` being paid for the period from ``start``.
    Those of the period only, for the database holds no more than one of them (the
    ``paid_once_per_period`` constraint); a one-time program's recipient is paid once in all,
    so a live payment of any period counts."""
    live = Payment.objects.filter(application=application, status__in=LIVE_PAYMENT_STATUSES)
    return live if program.pays_once else live.filter(period_start=start)


def _locked(program: Program) -> Program:
    """``program`` read again under a row lock, inside the caller's transaction, when its
    payments need it: the constraint keeps one live payment per period only, so two builds of
    different periods of a one-time program would otherwise both pay one recipient; and a
    contribution reads the insurer's account as it stands, not changed halfway
    (``change_program`` takes the same lock)."""
    if not (program.pays_once or program.pays_insurer):
        return program
    return Program.objects.select_for_update().get(pk=program.pk)


def _check_payee(program: Program) -> None:
    if program.pays_insurer and not (program.payee_bank and program.payee_account):
        raise ValidationError(
            {"program": _("The program pays an insurer but names no insurer's account.")}
        )


@dataclass(frozen=True)
class Built:
    batch: PaymentBatch | None
    # Recipients left out, with why (no bank account on record).
    skipped: list[tuple[int, str]]


def build(actor: Actor, *, program: Program, county: Region, day: datetime.date) -> Built:
    """Build the batch of ``program`` in ``county`` for the period holding ``day``, at the
    standard in force when the period starts. One transaction: a build stopped halfway leaves
    nothing, and the database refuses to pay anyone twice for a period."""
    officer = actor.officer
    if not rules.may_disburse(officer, county.code):
        raise PermissionDenied(_("Your role may not build payment batches here."))
    if county.level != "county":
        raise ValidationError({"county": _("Payment batches are built per county.")})
    start, end = period_of(program, day)
    standard = program.standard_on(start)
    if standard is None:
        raise ValidationError({"program": _("The program has no standard in force then.")})
    if start > clock.today():
        raise ValidationError({"day": _("A period is paid once it has begun.")})
    skipped = []
    with transaction.atomic():
        program = _locked(program)
        _check_payee(program)
        batch = PaymentBatch.objects.create(
            program=program,
            region=county,
            period_start=start,
            period_end=end,
            built_by=officer,
            built_at=clock.now(),
        )
        due = due_for_payment(program, county, start, end).order_by("region_id", "id")
        amount, count = standard.payment_fen, 0
        # (application id, applicant id) pairs: no model instances for a county's recipients.
        for chunk in chunks(due.values_list("id", "applicant_id").iterator(CHUNK), CHUNK):
            made, left_out = _pay(batch, chunk, amount, count)
            count += made
            skipped += left_out
        return _built(actor, batch, count, count * amount, skipped, skipped=len(skipped))


def follow_up(actor: Actor, batch: PaymentBatch) -> Built:
    """Re-issue the failed payments of a reconciled or closed batch in a new batch of the same
    period, to each recipient's account in force for it (a correction recorded after the
    failure takes the failed account's place), or for a contribution to the insurer's account.
    A recipient paid since (for the period; for a one-time program, at all) is left out."""
    if not rules.may_disburse(actor.officer, batch.region_id):
        raise PermissionDenied(_("Your role may not build payment batches here."))
    if batch.status not in (BatchStatus.RECONCILED, BatchStatus.CLOSED):
        raise ValidationError(_("Failed payments are re-issued once the bank's return is in."))
    with transaction.atomic():
        program = _locked(batch.program)
        _check_payee(program)
        already = _live_payments(program, models.OuterRef("application"), batch.period_start)
        failed = (
            batch.payments.filter(status=PaymentStatus.FAILED)
            .exclude(models.Exists(already))
            .select_related("application")
            .order_by("id")
        )
        again = PaymentBatch.objects.create(
            program=program,
            region=batch.region,
            period_start=batch.period_start,
            period_end=batch.period_end,
            follows=batch,
            built_by=actor.officer,
            built_at=clock.now(),
        )
        count, total, skipped = 0, 0, []
        for payment in failed:
            pair = (payment.application_id, payment.application.applicant_id)
            made, left_out = _pay(again, [pair], payment.amount_fen, count)
            count, total = count + made, total + made * payment.amount_fen
            skipped += left_out
        return _built(actor, again, count, total, skipped, follows=batch.pk)


def _built(actor, batch, count: int, total: int, left_out: list, **data) -> Built:
    """End a build inside its transaction: a batch that pays nobody is rolled back; any other
    keeps its count and total and the audit entry ``build`` (with ``data``)."""
    if not count:
        transaction.set_rollback(True)
        return Built(None, left_out)
    batch.payment_count, batch.total_fen = count, total
    batch.save(update_fields=["payment_count", "total_fen"])
    audit.record(
        actor,
        "build",
        batch,
        to_state=batch.status,
        data={"payments": count, "total_fen": total, **data},
    )
    return Built(batch, left_out)


def _pay(batch, pairs, amount_fen, offset) -> tuple[int, list[tuple[int, str]]]:
    """Pay each (application id, applicant id) of ``pairs`` into the applicant's account in
    force for the batch's period (``account_in_force``); those without one are skipped with
    why. A contribution is paid to the program's insurer instead, a row per insured person,
    whether or not they have an account of their own."""
    program = batch.program
    if program.pays_insurer:
        insurer = (program.payee_bank, program.payee_account)
        paid_into = {applicant: insurer for _application, applicant in pairs}
    else:
        paid_into = _accounts_in_force(
            [applicant for _application, applicant in pairs], batch.period_start
        )
    payments, skipped = [], []
    for application_id, applicant_id in pairs:
        account = paid_into.get(applicant_id)
        if account is None:
            skipped.append((application_id, _("No bank account on record.")))
            continue
        bank, account_number = account
        payments.append(
            Payment(
                batch=batch,
                application_id=application_id,
                period_start=batch.period_start,
                amount_fen=amount_fen,
                bank=bank,
                account_number=account_number,
                reference=_reference(batch, offset + len(payments) + 1),
            )
        )
    Payment.objects.bulk_create(payments)
    return len(payments), skipped


def _accounts_in_force(people, day: datetime.date) -> dict[int, tuple[str, str]]:
    """Person id → (bank, account number) in force for a period starting on ``day``, of those
    of ``people`` with an account on record."""
    by_person = {}
    for account in BankAccount.objects.filter(person_id__in=people).values_list(
        "person_id", "bank", "account_number", "effective_from", "recorded_at", "id", named=True
    ):
        by_person.setdefault(account.person_id, []).append(account)
    paid_into = {}
    for person, accounts in by_person.items():
        account = account_in_force(accounts, day)
        paid_into[person] = (account.bank, account.account_number)
    return paid_into


def account_in_force(accounts, day: datetime.date):
    """Of one holder's ``accounts`` (rows with ``effective_from``, ``recorded_at`` and ``id``),
    the one a period starting on ``day`` is paid into: the account in force at the period's
    start, that is the one that took effect last on or before ``day``, the newest on record
    among those of one date (a correction takes the place of what it corrects). When none had
    taken effect by then, the one that takes effect first: a holder's first account also pays
    the periods that began before it was recorded."""
    begun = [account for account in accounts if account.effective_from <= day]
    if not begun:
        first = min(account.effective_from for account in accounts)
        begun = [account for account in accounts if account.effective_from == first]
    return max(begun, key=lambda account: (account.effective_from, account.recorded_at, account.id))


def _reference(batch, n: int) -> str:
    return f"CW{batch.pk:06d}{n:07d}{secrets.token_hex(2).upper()}"


class BankAccountForm(forms.Form):
    bank = forms.CharField(label=gettext_lazy("Bank"), max_length=60)
    account_number = forms.CharField(label=gettext_lazy("Account number"), max_length=40)

    def clean_account_number(self):
        # Cards are printed and read out in groups of four.
        number = self.cleaned_data["account_number"].replace(" ", "")
        validate_account_number(number)
        return number


def record_bank_account(actor: Actor, person, bank: str, account_number: str) -> BankAccount:
    """Record the account a recipient is paid into; the previous one is kept, marked replaced
    (a correction after a failed payment is a new row, with who recorded it)."""
    if not rules.may_record_bank_account(actor.officer, person):
        raise PermissionDenied(_("Your role may not record bank accounts."))
    return replace_bank_account(actor, person, bank, account_number)


def replace_bank_account(
    actor: Actor,
    person,
    bank: str,
    account_number: str,
    *,
    effective_from: datetime.date | None = None,
    data: dict | None = None,
) -> BankAccount:
    """Put a new account on record for ``person``, the current one marked replaced, and audit
    it. With ``effective_from`` (an approved change request) it pays the periods from that day
    on; without, it corrects the current account and takes its place from the same day (a
    first account: from today). The caller has checked who may do this."""
    validate_account_number(account_number)
    with transaction.atomic():
        at = clock.now()
        current = (
            BankAccount.objects.select_for_update()
            .filter(person=person, replaced_at__isnull=True)
            .first()
        )
        if effective_from is None:
            effective_from = current.effective_from if current else clock.today()
        if current is not None:
            current.replaced_at = at
            current.save(update_fields=["replaced_at"])
        account = BankAccount.objects.create(
            person=person,
            bank=bank,
            account_number=account_number,
            recorded_by=actor.officer,
            recorded_at=at,
            effective_from=effective_from,
        )
        audit.record(
            actor,
            "record_bank_account",
            person,
            data={
                "bank": bank,
                "account": account.masked_number,
                "effective_from": effective_from.isoformat(),
                **(data or {}),
            },
        )
    return account


# Separation of duties.


def signed_eligibility(officer, batch) -> bool:
    """Whether ``officer`` signed any eligibility step of an application paid in ``batch``."""
    actions = list(signing_of(Application))
    ids = (
        Payment.objects.filter(batch=batch)
        .annotate(key=Cast("application_id", models.CharField()))
        .values("key")
    )
    return AuditEntry.objects.filter(
        actor=officer,
        content_type__app_label="casework",
        content_type__model="application",
        action__in=actions,
        object_id__in=ids,
    ).exists()


def check_batch_separation(officer, batch, *, disbursing: bool) -> None:
    if signed_eligibility(officer, batch):
        raise SeparationOfDuties(
            _("You signed an eligibility step of an application in this batch.")
        )
    if (
        disbursing
        and AuditEntry.objects.filter(
            actor=officer,
            action="approve",
            content_type__model="paymentbatch",
            object_id=str(batch.pk),
        ).exists()
    ):
        raise SeparationOfDuties(_("You approved this batch; another officer pays it."))


# Steps.


def _approve(batch, actor, data):
    check_batch_separation(actor.officer, batch, disbursing=False)
    with transaction.atomic():
        return move(batch, "approve", actor, opinion=data.get("opinion", ""))


def _return(batch, actor, data):
    with transaction.atomic():
        current = move(batch, "send_back", actor, opinion=data["opinion"], reason=data["opinion"])
        current.payments.update(status=PaymentStatus.CANCELLED)
    return current


def _mark_sent(batch, actor, data):
    check_batch_separation(actor.officer, batch, disbursing=True)
    with transaction.atomic():
        return move(batch, "mark_sent", actor, opinion=data.get("opinion", ""))


def _close(batch, actor, data):
    with transaction.atomic():
        return move(batch, "close", actor, opinion=data.get("opinion", ""))


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        PaymentBatch,
        (
            Step(
                "approve",
                gettext_lazy("Approve the batch"),
                "approve",
                _approve,
                rules.may_approve_batch,
                form=OpinionForm,
                confirm=gettext_lazy("Approve this batch for payment?"),
            ),
            Step(
                "return",
                gettext_lazy("Return the batch"),
                "send_back",
                _return,
                rules.may_approve_batch,
                form=ReasonForm,
                aside=True,
                confirm=gettext_lazy("Return this batch? Its payments are cancelled."),
            ),
            Step(
                "mark_sent",
                gettext_lazy("Mark the bank file sent"),
                "mark_sent",
                _mark_sent,
                rules.may_disburse_batch,
            ),
            Step(
                "close", gettext_lazy("Close the batch"), "close", _close, rules.may_disburse_batch
            ),
        ),
        labels={
            "build": gettext_lazy("Batch built"),
            "send_back": gettext_lazy("Returned"),
            "export": gettext_lazy("Bank file exported"),
            "import_return": gettext_lazy("Bank return imported"),
        },
    ),
)


# What the fund manager reviews.


@dataclass(frozen=True)
class Subtotal:
    code: str
    name: str
    township: str
    payments: int
    total_fen: int

    @property
    def total(self):
        return yuan(self.total_fen)


def breakdown(batch: PaymentBatch) -> list[Subtotal]:
    """The batch's live payments per village, villages ordered by code (so each township's
    come together); one grouped query and one for the names."""
    rows = (
        batch.payments.filter(status__in=[*LIVE_PAYMENT_STATUSES, PaymentStatus.FAILED])
        .values("application__region_id")
        .annotate(payments=models.Count("pk"), total=models.Sum("amount_fen"))
        .order_by("application__region_id")
    )
    codes = [row["application__region_id"] for row in rows]
    townships = {code: region_code_at(code, TOWNSHIP) for code in codes}
    names = dict(
        Region.objects.filter(code__in=set(codes) | set(townships.values())).values_list(
            "code", "name"
        )
    )
    return [
        Subtotal(
            code,
            names.get(code, code),
            names.get(townships[code], townships[code]),
            row["payments"],
            row["total"],
        )
        for code, row in zip(codes, rows, strict=True)
    ]


def previous_batch(batch: PaymentBatch) -> PaymentBatch | None:
    """The last batch of the same program and county for an earlier period."""
    return (
        PaymentBatch.objects.filter(
            program=batch.program_id,
            region=batch.region_id,
            period_start__lt=batch.period_start,
            follows__isnull=True,
        )
        .exclude(status=BatchStatus.RETURNED)
        .order_by("-period_start", "-id")
        .first()
    )


def changes_since_last(batch: PaymentBatch) -> dict[str, int]:
    """Recipients new in this batch, and those of the last period's batch missing from it by
    their status now (suspended, terminated, revoked, other); none are missing from a one-time
    program's batch."""
    before = previous_batch(batch)
    now = set(
        batch.payments.exclude(status=PaymentStatus.CANCELLED).values_list(
            "application_id", flat=True
        )
    )
    if before is None:
        return {
            "previous": None,
            "new": len(now),
            "suspended": 0,
            "terminated": 0,
            "revoked": 0,
            "other": 0,
        }
    then = set(
        before.payments.exclude(status=PaymentStatus.CANCELLED).values_list(
            "application_id", flat=True
        )
    )
    # A one-time payment is made once: last batch's recipients are done, not missing.
    missing = set() if batch.program.pays_once else then - now
    gone = Application.objects.filter(pk__in=missing).values_list("status", flat=True)
    counts = {"suspended": 0, "terminated": 0, "revoked": 0, "other": 0}
    for status in gone:
        counts[status if status in counts else "other"] += 1
    return {"previous": before.pk, "new": len(now - then), **counts}
