"""Recovering what was paid on false facts (追回), and supervisors' findings on batches.

A revocation for fraud (``workflows/recipients.py``) opens the recovery in its own transaction:
the payments made since the date the facts became false are due back. Fund managers and
disbursement officers record the repayments; the recovery is repaid once they reach the amount
due, and only the fund manager may write the rest off, with a reason.

Supervisors see every batch of their jurisdiction and its audit trail, read-only; what they
find is recorded as a ``Finding`` with an audit entry on the batch, and changes nothing else.
"""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock, money
from casework.form_fields import PastDateField
from casework.models import (
    Application,
    Finding,
    Payment,
    PaymentBatch,
    PaymentStatus,
    Recovery,
    RecoveryStatus,
    Repayment,
)
from permissions import audit, rules
from permissions.audit import Actor
from permissions.scoping import visible_to
from workflows.transitions import ReasonForm, Step, Steps, TransitionConflict, move


def paid_since(application: Application, false_since: datetime.date) -> int:
    """What was paid to ``application`` for the periods from the one holding ``false_since``
    on, in fen: its paid payments of a period that ends on or after that day."""
    total = Payment.objects.filter(
        application=application,
        status=PaymentStatus.PAID,
        batch__period_end__gte=false_since,
    ).aggregate(total=models.Sum("amount_fen"))["total"]
    return total or 0


def open_recovery(
    actor: Actor, application: Application, false_since: datetime.date, entered_fen: int
) -> Recovery | None:
    """Open the recovery of a revoked application, in the revocation's transaction: the
    payments made since ``false_since`` or, when none is on record, the amount the officer
    entered. Nothing to recover opens nothing."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Open a recovery in the transaction of the revocation.")
    computed = paid_since(application, false_since)
    amount_fen = computed if computed > 0 else entered_fen
    if amount_fen <= 0:
        return None
    recovery = Recovery.objects.create(
        application=application,
        false_since=false_since,
        amount_due_fen=amount_fen,
        created_by=actor.officer,
        created_at=clock.now(),
    )
    audit.record(
        actor,
        "open_recovery",
        recovery,
        to_state=recovery.status,
        data={
            "application": application.pk,
            "false_since": false_since.isoformat(),
            "amount_due_fen": amount_fen,
            "paid_since_fen": computed,
            "entered_fen": entered_fen,
        },
    )
    return recovery


# Repayments.


class RepaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount repaid (yuan)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        error_messages={"min_value": gettext_lazy("The amount repaid must be more than zero.")},
    )
    paid_on = PastDateField(
        label=gettext_lazy("Repaid on"),
        future_message=gettext_lazy("The repayment date cannot be in the future."),
    )
    receipt = forms.CharField(
        label=gettext_lazy("Receipt"),
        max_length=200,
        error_messages={"required": gettext_lazy("Give the receipt number or a description.")},
    )


def record_repayment(
    actor: Actor, recovery: Recovery, amount, paid_on: datetime.date, receipt: str
) -> Repayment:
    """Record a repayment of ``amount`` yuan against an open recovery; the recovery is repaid
    when the repayments reach the amount due. More than is still due is refused, and nothing is
    written. Raises PermissionDenied, ValidationError or TransitionConflict (not open)."""
    if not rules.may_record_repayment(actor.officer, recovery):
        raise PermissionDenied(_("Your role may not record repayments here."))
    form = RepaymentForm({"amount": amount, "paid_on": paid_on, "receipt": receipt})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    data = form.cleaned_data
    amount_fen = money.fen(data["amount"])
    with transaction.atomic():
        current = Recovery.objects.select_for_update().get(pk=recovery.pk)
        if current.status != RecoveryStatus.OPEN:
            raise TransitionConflict(
                _("Not possible while it is %(status)s.") % {"status": current.get_status_display()}
            )
        outstanding = current.outstanding_fen
        if amount_fen > outstanding:
            raise ValidationError(
                {
                    "amount": _(
                        "The repayment of %(amount)s yuan is more than the %(due)s yuan still due."
                    )
                    % {"amount": money.yuan(amount_fen), "due": money.yuan(outstanding)}
                }
            )
        repayment = Repayment.objects.create(
            recovery=current,
            amount_fen=amount_fen,
            paid_on=data["paid_on"],
            receipt=data["receipt"],
            recorded_by=actor.officer,
            recorded_at=clock.now(),
        )
        audit.record(
            actor,
            "record_repayment",
            current,
            from_state=current.status,
            to_state=current.status,
            data={
                "repayment": repayment.pk,
                "amount_fen": amount_fen,
                "paid_on": data["paid_on"].isoformat(),
                "receipt": data["receipt"],
                "outstanding_fen": outstanding - amount_fen,
            },
        )
        if amount_fen == outstanding:
            current = move(current, "settle", actor)
        repayment.recovery = current
    return repayment


# Write-off.


def _write_off(recovery, actor, data):
    with transaction.atomic():
        return move(
            recovery,
            "write_off",
            actor,
            opinion=data["opinion"],
            data={"outstanding_fen": recovery.outstanding_fen},
            reason=data["opinion"],
        )


# Supervisors' findings.


def record_finding(actor: Actor, batch: PaymentBatch, text: str) -> Finding:
    """A supervisor records a finding on a batch of their jurisdiction; the batch is otherwise
    untouched. A batch out of reach is not found (Http404); another role is refused."""
    officer = actor.officer
    if not visible_to(officer, PaymentBatch).filter(pk=batch.pk).exists():
        raise Http404
    if not rules.may_record_finding(officer, batch):
        raise PermissionDenied(_("Only supervisors record findings."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the finding.")})
    with transaction.atomic():
        finding = Finding.objects.create(
            batch=batch, officer=officer, text=text, recorded_at=clock.now()
        )
        audit.record(
            actor,
            "record_finding",
            batch,
            from_state=batch.status,
            to_state=batch.status,
            opinion=text,
            data={"finding": finding.pk},
        )
    return finding


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        Recovery,
        (
            Step(
                "write_off",
                gettext_lazy("Write off"),
                "write_off",
                _write_off,
                rules.may_write_off_recovery,
                form=ReasonForm,
                confirm=gettext_lazy("Write off what is still due? Nothing more is recovered."),
                aside=True,
            ),
        ),
        labels={
            "open_recovery": gettext_lazy("Recovery opened"),
            "record_repayment": gettext_lazy("Repayment recorded"),
            "settle": gettext_lazy("Repaid in full"),
        },
    ),
    Steps(
        PaymentBatch,
        labels={"record_finding": gettext_lazy("Supervisor's finding")},
    ),
)
