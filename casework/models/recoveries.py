"""Recovering what was paid on false facts (追回), and what supervisors find in the batches.

A revocation for fraud opens a ``Recovery`` of the payments made since the date the facts
became false; the recipient's ``Repayment`` rows are recorded against it until it is repaid in
full (``settle``), or the fund manager writes the rest off with a reason. Who may do what lives
in ``workflows/recoveries.py`` and ``permissions/rules.py``.

A supervisor's ``Finding`` on a payment batch is a signed note; it changes nothing in the batch.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from casework.models.applications import Application
from casework.models.payments import PaymentBatch
from casework.money import yuan


class RecoveryStatus(models.TextChoices):
    OPEN = "open", _("open")
    REPAID = "repaid", _("repaid in full")
    WRITTEN_OFF = "written_off", _("written off")


class Recovery(ConcurrentTransitionMixin, models.Model):
    """追回: what a recipient revoked for fraud must pay back."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="recovery",
    )
    false_since = models.DateField(_("facts false since"))
    amount_due_fen = models.PositiveBigIntegerField(_("amount due (fen)"))
    status = FSMField(
        _("status"), choices=RecoveryStatus.choices, default=RecoveryStatus.OPEN, protected=True
    )
    status_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened at"))

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_due_fen__gt=0), name="recovery_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.amount_due}"

    @property
    def amount_due(self):
        return yuan(self.amount_due_fen)

    @property
    def repaid_fen(self) -> int:
        return self.repayments.aggregate(total=models.Sum("amount_fen"))["total"] or 0

    @property
    def outstanding_fen(self) -> int:
        return max(self.amount_due_fen - self.repaid_fen, 0)

    @property
    def outstanding(self):
        return yuan(self.outstanding_fen)

    @transition(field=status, source=RecoveryStatus.OPEN, target=RecoveryStatus.REPAID)
    def settle(self) -> None:
        """The repayments reached the amount due."""

    @transition(field=status, source=RecoveryStatus.OPEN, target=RecoveryStatus.WRITTEN_OFF)
    def write_off(self, reason: str) -> None:
        """The fund manager gives up the rest (the recipient died destitute…), with why."""
        self.status_reason = reason


class Repayment(models.Model):
    """One sum paid back against a recovery; recorded once, never edited."""

    recovery = models.ForeignKey(
        Recovery,
        verbose_name=_("recovery"),
        on_delete=models.PROTECT,
        related_name="repayments",
    )
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    paid_on = models.DateField(_("paid on"))
    receipt = models.CharField(_("receipt"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["recovery", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="repayment_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"

    @property
    def amount(self):
        return yuan(self.amount_fen)


class Finding(models.Model):
    """A supervisor's finding on a payment batch (监督意见)."""

    batch = models.ForeignKey(
        PaymentBatch,
        verbose_name=_("payment batch"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("finding"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["batch", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.batch}: {self.text[:40]}"
