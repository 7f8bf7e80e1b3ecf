"""Reward and assistance programs and their standards (amount, period, age limits).

Standards are rows with an effective date: a new year's standard is a new row, so what was
decided or paid under an older one never changes.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.money import validate_account_number, yuan


class ProgramKind(models.TextChoices):
    """How a program pays: the period its amount is stated for, and to whom."""

    MONTHLY = "monthly", _("monthly allowance")
    HALF_YEARLY = "half_yearly", _("half-yearly allowance")
    YEARLY = "yearly", _("yearly allowance")
    ONE_TIME = "one_time", _("one-time payment")
    CONTRIBUTION = "contribution", _("contribution paid to an insurer")


class Period(models.TextChoices):
    YEAR = "year", _("per year")
    HALF_YEAR = "half_year", _("per half-year")
    MONTH = "month", _("per month")
    ONCE = "once", _("once")


# The period a kind's amounts are stated for: a contribution is a yearly premium.
PERIOD_OF_KIND = {
    ProgramKind.MONTHLY: Period.MONTH,
    ProgramKind.HALF_YEARLY: Period.HALF_YEAR,
    ProgramKind.YEARLY: Period.YEAR,
    ProgramKind.ONE_TIME: Period.ONCE,
    ProgramKind.CONTRIBUTION: Period.YEAR,
}


class PaymentCycle(models.TextChoices):
    """How often recipients are paid (a monthly amount may be paid by the quarter, one-time
    payments gathered into a batch a year or a half-year)."""

    MONTH = "month", _("monthly")
    QUARTER = "quarter", _("quarterly")
    HALF_YEAR = "half_year", _("half-yearly")
    YEAR = "year", _("yearly")


class ProgramDocument(models.TextChoices):
    """The documents of an application a program may issue (codes of documents.kinds)."""

    APPLICATION_FORM = "application_form", _("application and approval form")
    NOT_CONFIRMED_NOTICE = "not_confirmed_notice", _("not-confirmed notice")
    PAYMENT_LETTER = "payment_letter", _("payment notification letter")


# Months in a payment cycle and in an amount's period.
_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12, "once": 12}


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


def default_documents() -> list[str]:
    return [document.value for document in ProgramDocument]


class Program(models.Model):
    """A program officers enrol people in, kept as data: its kind, its conditions (chosen
    from the catalogue of ``casework.eligibility``), its dated standards and the documents it
    issues. County approvers and administrators add and edit programs on their page."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ProgramKind.choices)
    documents = models.JSONField(
        _("documents issued"),
        default=default_documents,
        help_text=_("Codes of the documents an application of the program issues."),
    )
    # A contribution is paid to the insurer's account, each insured person a row of the file.
    payee_name = models.CharField(_("insurer"), max_length=80, blank=True)
    payee_bank = models.CharField(_("insurer's bank"), max_length=60, blank=True)
    payee_account = models.CharField(
        _("insurer's account number"),
        max_length=25,
        blank=True,
        validators=[validate_account_number],
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

    @property
    def period(self) -> str:
        """The period its amounts are stated for."""
        return PERIOD_OF_KIND[self.kind]

    @property
    def pays_once(self) -> bool:
        """Whether each recipient is paid once only."""
        return self.kind == ProgramKind.ONE_TIME

    @property
    def pays_insurer(self) -> bool:
        """Whether payments go to the insurer's account rather than the recipient's."""
        return self.kind == ProgramKind.CONTRIBUTION

    def issues(self, document: str) -> bool:
        """Whether an application of the program issues documents of kind ``document``."""
        return document in self.documents

    def clean(self) -> None:
        if ProgramDocument.APPLICATION_FORM not in (self.documents or []):
            raise ValidationError(
                {"documents": _("Every program issues the application and approval form.")}
            )
        unknown = set(self.documents or []) - set(ProgramDocument.values)
        if unknown:
            raise ValidationError({"documents": _("Unknown document: %s") % ", ".join(unknown)})
        if self.kind == ProgramKind.CONTRIBUTION and not (
            self.payee_name and self.payee_bank and self.payee_account
        ):
            raise ValidationError(
                {"payee_account": _("A contribution names the insurer, its bank and account.")}
            )

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
    period = models.CharField(_("period"), max_length=9, choices=Period.choices)
    payment_cycle = models.CharField(
        _("payment cycle"),
        max_length=9,
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
        # Blank: as often as the amount's period; a one-time amount is gathered yearly.
        return {Period.MONTH: PaymentCycle.MONTH, Period.HALF_YEAR: PaymentCycle.HALF_YEAR}.get(
            self.period, PaymentCycle.YEAR
        )

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
        if self.program_id and self.period != self.program.period:
            raise ValidationError(
                {
                    "period": _("This program's amounts are stated %(period)s.")
                    % {"period": Period(self.program.period).label}
                }
            )
        if (
            self.payment_cycle
            and self.period
            and self.period != Period.ONCE
            and _MONTHS[self.payment_cycle] < _MONTHS[self.period]
        ):
            raise ValidationError(
                {"payment_cycle": _("An amount cannot be paid more often than its period.")}
            )


class ProgramCondition(models.Model):
    """One eligibility condition of a program, chosen from the catalogue of
    ``casework.eligibility`` (which checks the code), with its parameter where the condition
    takes one: a day (``since``: "sterilised on or after") or a number ("grade 3 or worse",
    "within 3 months")."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="conditions"
    )
    condition = models.CharField(_("condition"), max_length=40)
    since = models.DateField(_("on or after"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("program condition")
        verbose_name_plural = _("program conditions")
        ordering = ["program", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "condition"], name="one_condition_per_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id}: {self.condition}"


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
