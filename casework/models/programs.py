"""Reward and assistance programs and their standards (amount, period, age limits).

Standards are rows with an effective date: a new year's standard is a new row, so what was
decided or paid under an older one never changes.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.money import yuan


class ProgramKind(models.TextChoices):
    REWARD = "reward", _("reward assistance")
    SPECIAL = "special", _("special assistance")
    ONE_TIME = "one_time", _("one-time reward")


class Eligibility(models.TextChoices):
    """Which rule set of ``casework.eligibility`` decides who qualifies."""

    RURAL_REWARD = "rural_reward", _("rural family reward (age, rural hukou, children)")
    SPECIAL_DISABLED = "special_disabled", _("only child disabled")
    SPECIAL_DECEASED = "special_deceased", _("only child deceased")
    SINGLE_CHILD_REWARD = "single_child_reward", _("voluntary single child")


class Period(models.TextChoices):
    YEAR = "year", _("per year")
    MONTH = "month", _("per month")
    ONCE = "once", _("once")


class PaymentCycle(models.TextChoices):
    """How often recipients are paid (a monthly amount may be paid by the quarter)."""

    MONTH = "month", _("monthly")
    QUARTER = "quarter", _("quarterly")
    YEAR = "year", _("yearly")


# Months in a payment cycle and in an amount's period.
_MONTHS = {"month": 1, "quarter": 3, "year": 12, "once": 12}


def cycle_bounds(cycle: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the payment cycle ``day`` falls in."""
    months = _MONTHS[cycle]
    first_month = (day.month - 1) // months * months + 1
    start = datetime.date(day.year, first_month, 1)
    following = first_month + months
    next_start = (
        datetime.date(day.year + 1, 1, 1)
        if following > 12
        else datetime.date(day.year, following, 1)
    )
    return start, next_start - datetime.timedelta(days=1)


class Program(models.Model):
    """A program officers enrol people in; administrators edit it and its standards."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=ProgramKind.choices)
    eligibility = models.CharField(
        _("eligibility rules"), max_length=24, choices=Eligibility.choices
    )
    posting_days = models.PositiveSmallIntegerField(
        _("minimum posting days"),
        default=7,
        help_text=_("How long each public posting of this program lasts at least."),
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("accepting applications"), default=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def standard_on(self, day: datetime.date) -> "ProgramStandard | None":
        """The standard in force on ``day``: the latest one that took effect by then.

        Reads ``standards.all()``, so lists that prefetch the standards ask no more queries.
        """
        in_force = [s for s in self.standards.all() if s.effective_from <= day]
        return max(in_force, key=lambda standard: standard.effective_from, default=None)

    def payment_period(self, day: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The payment period ``day`` falls in, by the cycle of the standard in force then."""
        standard = self.standard_on(day)
        return cycle_bounds(standard.cycle if standard else PaymentCycle.YEAR, day)

    def next_period_start(self, day: datetime.date) -> datetime.date:
        """The first day of the payment period after the one ``day`` falls in."""
        return self.payment_period(day)[1] + datetime.timedelta(days=1)


class ProgramStandard(models.Model):
    """What a program pays and to whom, from a date on."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="standards"
    )
    effective_from = models.DateField(_("effective from"))
    amount_fen = models.PositiveIntegerField(
        _("amount (fen)"), help_text=_("Per person per period, in fen (1 yuan = 100 fen).")
    )
    period = models.CharField(_("period"), max_length=6, choices=Period.choices)
    payment_cycle = models.CharField(
        _("payment cycle"),
        max_length=8,
        choices=PaymentCycle.choices,
        blank=True,
        help_text=_("Blank: as often as the amount's period (a one-time amount: once a year)."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age of the applicant"), null=True, blank=True
    )
    min_mother_age = models.PositiveSmallIntegerField(
        _("minimum age of the mother"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("program standard")
        verbose_name_plural = _("program standards")
        ordering = ["program", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "effective_from"], name="one_standard_per_program_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.effective_from}: {self.amount}"

    @property
    def cycle(self) -> str:
        """The payment cycle in effect."""
        if self.payment_cycle:
            return self.payment_cycle
        return PaymentCycle.MONTH if self.period == Period.MONTH else PaymentCycle.YEAR

    @property
    def payment_fen(self) -> int:
        """What one payment of a cycle pays: a monthly amount paid by the quarter is three
        months' worth."""
        if self.period == Period.ONCE:
            return self.amount_fen
        return self.amount_fen * _MONTHS[self.cycle] // _MONTHS[self.period]

    @property
    def amount(self) -> Decimal:
        """The amount in yuan, as a Decimal with two places."""
        return yuan(self.amount_fen)

    def clean(self) -> None:
        if self.amount_fen == 0:
            raise ValidationError({"amount_fen": _("The amount must be more than zero.")})
        if (
            self.payment_cycle
            and self.period
            and _MONTHS[self.payment_cycle] < _MONTHS[self.period]
        ):
            raise ValidationError(
                {"payment_cycle": _("A yearly amount cannot be paid more often than yearly.")}
            )


class ProgramExclusion(models.Model):
    """Two programs one person cannot hold (or apply for) at once; administrators keep the
    table. A program also excludes itself: one live application or entitlement per person."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="+"
    )
    excludes = models.ForeignKey(
        Program, verbose_name=_("excludes"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("program exclusion")
        verbose_name_plural = _("program exclusions")
        constraints = [
            models.UniqueConstraint(fields=["program", "excludes"], name="one_exclusion_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.program} ≠ {self.excludes}"


def excluded_programs(program_code: str) -> set[str]:
    """The codes of the programs that exclude ``program_code`` (either way round), itself
    included."""
    pairs = ProgramExclusion.objects.filter(
        models.Q(program_id=program_code) | models.Q(excludes_id=program_code)
    ).values_list("program_id", "excludes_id")
    return {program_code} | {code for pair in pairs for code in pair}
