"""Two-way agreements (流动人口双向协议书) between the township migrants come from (流出地, their
household registration) and the township they live in (流入地): the inflow side reports on each
married migrant woman of childbearing age every period of the agreement's schedule
(contraception, pregnancy check), the outflow side reads the feedback, and both see what is
overdue.

What the schedule is and who is covered is worked out in ``workflows/agreements.py``.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models.certificates import MigrantCertificate
from casework.models.regions import Region


class AgreementStatus(models.TextChoices):
    IN_FORCE = "in_force", _("in force")
    ENDED = "ended", _("ended")


class MigrationAgreement(models.Model):
    """One agreement between an outflow and an inflow township, with its feedback schedule."""

    number = models.CharField(_("agreement number"), max_length=40, unique=True)
    outflow_region = models.ForeignKey(
        Region, verbose_name=_("outflow township"), on_delete=models.PROTECT, related_name="+"
    )
    inflow_region = models.ForeignKey(
        Region, verbose_name=_("inflow township"), on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    # Feedback is due for every period of this many months, this many days after it ends.
    feedback_months = models.PositiveSmallIntegerField(
        _("feedback every (months)"),
        choices=[(1, _("monthly")), (3, _("quarterly")), (6, _("half-yearly"))],
    )
    feedback_days = models.PositiveSmallIntegerField(
        _("days allowed after each period"), default=10
    )
    outflow_signatory = models.CharField(_("signed for the outflow township by"), max_length=50)
    inflow_signatory = models.CharField(_("signed for the inflow township by"), max_length=50)
    note = models.TextField(_("terms"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AgreementStatus.choices,
        default=AgreementStatus.IN_FORCE,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("two-way agreement")
        verbose_name_plural = _("two-way agreements")
        ordering = ["-valid_from", "-id"]
        indexes = [
            models.Index(fields=["outflow_region", "valid_from"], name="agreement_outflow"),
            models.Index(fields=["inflow_region", "valid_from"], name="agreement_inflow"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.outflow_region.name}—{self.inflow_region.name}"

    def clean(self) -> None:
        if self.outflow_region_id and self.outflow_region_id == self.inflow_region_id:
            raise ValidationError(
                {"inflow_region": _("The inflow township is another township than the outflow.")}
            )
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": _("The agreement ends after it begins.")})
        if self.signed_on and self.valid_from and self.signed_on > self.valid_from:
            raise ValidationError(
                {"signed_on": _("An agreement is signed before it takes effect.")}
            )

    def in_force_on(self, day: datetime.date) -> bool:
        return (
            self.status == AgreementStatus.IN_FORCE and self.valid_from <= day <= self.valid_until
        )


class Contraception(models.TextChoices):
    IUD = "iud", _("intrauterine device (上环)")
    IMPLANT = "implant", _("implant (皮埋)")
    STERILISATION = "sterilisation", _("sterilisation (结扎)")
    PILLS_OR_CONDOMS = "pills_or_condoms", _("pills or condoms (药具)")
    NONE = "none", _("none")
    OTHER = "other", _("other")


class PregnancyCheck(models.TextChoices):
    NOT_PREGNANT = "not_pregnant", _("not pregnant")
    PREGNANT = "pregnant", _("pregnant")
    NOT_CHECKED = "not_checked", _("not checked")


class MigrantFeedback(models.Model):
    """The inflow township's report on one woman for one period of an agreement."""

    agreement = models.ForeignKey(
        MigrationAgreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    certificate = models.ForeignKey(
        MigrantCertificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    period_start = models.DateField(_("period from"))
    contraception = models.CharField(
        _("contraception"), max_length=16, choices=Contraception.choices
    )
    pregnancy_check = models.CharField(
        _("pregnancy check"), max_length=14, choices=PregnancyCheck.choices
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("migrant feedback")
        verbose_name_plural = _("migrant feedback")
        ordering = ["agreement", "-period_start", "certificate"]
        constraints = [
            # One report per woman and period: a double submission is refused by the database.
            models.UniqueConstraint(
                fields=["agreement", "certificate", "period_start"],
                name="one_feedback_per_woman_and_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate.holder_name} {self.period_start:%Y-%m}"
