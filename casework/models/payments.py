"""Payments to enrolled recipients by bank card (一卡通), one batch per program, county and
period, with the four powers kept apart: the disbursement officer builds and pays a batch, the
fund manager approves it, supervisors watch.

A recipient is paid at most once per program and period: the database refuses a second live
payment of one application for one period (``paid_once_per_period``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from casework.models.applications import Application
from casework.models.people import Person
from casework.models.programs import Program
from casework.models.regions import Region
from casework.money import mask_account_number, validate_account_number, yuan


class BankAccount(models.Model):
    """A recipient's account; a change is a new row (who recorded it, when), never an edit.

    ``replaced_at`` marks a row superseded on record (the newest row is the current one);
    ``effective_from`` decides which row a period is paid into
    (``workflows.payments.account_in_force``).
    """

    person = models.ForeignKey(
        Person, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="bank_accounts"
    )
    bank = models.CharField(_("bank"), max_length=60)
    account_number = models.CharField(
        _("account number"), max_length=25, validators=[validate_account_number]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    # The first day of the periods paid into it: a dated change (change request) takes effect
    # from its date; a correction takes the place of the row it corrects, from the same day.
    effective_from = models.DateField(_("effective from"))

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["person", "-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(replaced_at__isnull=True),
                name="one_current_account_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.bank} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return mask_account_number(self.account_number)


class BatchStatus(models.TextChoices):
    BUILT = "built", _("built, awaiting approval")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned by the fund manager")
    EXPORTED = "exported", _("bank file exported")
    SENT = "sent", _("sent to the bank")
    RECONCILED = "reconciled", _("bank return imported")
    CLOSED = "closed", _("closed")


# A batch in these has had its bank file exported (it may be downloaded again).
BANK_FILE_EXPORTED = (
    BatchStatus.EXPORTED,
    BatchStatus.SENT,
    BatchStatus.RECONCILED,
    BatchStatus.CLOSED,
)


class PaymentBatch(ConcurrentTransitionMixin, models.Model):
    """资金发放批次: the payments of one program in one county for one period."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="batches"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    # A follow-up batch re-issues the failed payments of an earlier one.
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows up"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    status = FSMField(
        _("status"), choices=BatchStatus.choices, default=BatchStatus.BUILT, protected=True
    )
    payment_count = models.PositiveIntegerField(_("payments"), default=0)
    total_fen = models.PositiveBigIntegerField(_("total (fen)"), default=0)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    built_at = models.DateTimeField(_("built at"))
    status_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-period_start", "-id"]
        permissions = [
            ("approve_paymentbatch", _("Can approve payment batches")),
            ("disburse_paymentbatch", _("Can build and disburse payment batches")),
        ]
        indexes = [models.Index(fields=["region", "status"], name="batch_region_status")]

    def __str__(self) -> str:
        return f"{self.program.name} {self.period_start:%Y-%m}"

    @property
    def total(self):
        return yuan(self.total_fen)

    @transition(field=status, source=BatchStatus.BUILT, target=BatchStatus.APPROVED)
    def approve(self) -> None:
        """The fund manager checked the totals and changes and approves the batch."""

    @transition(field=status, source=BatchStatus.BUILT, target=BatchStatus.RETURNED)
    def send_back(self, reason: str) -> None:
        """Returned: its payments are cancelled, so a new build can take them up."""
        self.status_reason = reason

    @transition(
        field=status,
        source=[BatchStatus.APPROVED, BatchStatus.EXPORTED],
        target=BatchStatus.EXPORTED,
    )
    def export(self) -> None:
        """The bank file was produced (again: the same rows, the same references)."""

    @transition(field=status, source=BatchStatus.EXPORTED, target=BatchStatus.SENT)
    def mark_sent(self) -> None:
        """The bank file went to the bank."""

    @transition(field=status, source=BatchStatus.SENT, target=BatchStatus.RECONCILED)
    def import_return(self) -> None:
        """The bank's return file was imported: every payment is paid or failed."""

    @transition(field=status, source=BatchStatus.RECONCILED, target=BatchStatus.CLOSED)
    def close(self) -> None:
        """Done; failed payments can be re-issued in a follow-up batch."""


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


# Payments that count: a failed or cancelled one may be made again.
LIVE_PAYMENT_STATUSES = [PaymentStatus.PENDING, PaymentStatus.PAID]


class Payment(models.Model):
    """One recipient's payment for one period, with the account it went to."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="payments")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    period_start = models.DateField(_("period from"))
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    bank = models.CharField(_("bank"), max_length=60)
    account_number = models.CharField(_("account number"), max_length=25)
    # Printed on the bank file and echoed by the bank's return file.
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    bank_reason = models.CharField(_("bank's reason"), max_length=200, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "period_start"],
                condition=models.Q(status__in=["pending", "paid"]),
                name="paid_once_per_period",
            )
        ]
        indexes = [models.Index(fields=["batch", "status"], name="payment_batch_status")]

    def __str__(self) -> str:
        return self.reference

    @property
    def amount(self):
        return yuan(self.amount_fen)

    @property
    def masked_account_number(self) -> str:
        return mask_account_number(self.account_number)
