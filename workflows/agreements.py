"""Two-way agreements between outflow and inflow townships and the feedback they schedule
(流动人口双向管理): a migrant-service officer of either township records the agreement both
signed; the inflow township reports every period on each married migrant woman of
childbearing age who came from the outflow township (contraception, pregnancy check); both
sides see each period's reports and which are overdue.

A woman is covered while she holds an issued migrant certificate, married, aged 15 to 49,
registered in the outflow township and living in the inflow township. A period's feedback is
due ``feedback_days`` after it ends; what is missing then is overdue on both sides.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, Prefetch, QuerySet, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock
from casework.chunks import chunks
from casework.models import CertificateStatus, MigrantCertificate, Sex
from casework.models.agreements import (
    AgreementStatus,
    Contraception,
    MigrantFeedback,
    MigrationAgreement,
    PregnancyCheck,
)
from casework.models.certificates import MaritalStatus
from casework.region_codes import subtree_bounds
from permissions import audit, rules
from permissions.audit import Actor
from workflows.transitions import Steps

CHILDBEARING_AGES = (15, 49)


@dataclass(frozen=True)
class Period:
    """One period of an agreement's schedule, and the day its feedback is due."""

    start: datetime.date
    end: datetime.date
    due_on: datetime.date

    def overdue_on(self, day: datetime.date) -> bool:
        return day > self.due_on


def _months_after(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def periods(agreement: MigrationAgreement, today: datetime.date) -> list[Period]:
    """The periods of the agreement that have begun by ``today``, oldest first; the first
    starts on the first of the month the agreement takes effect in."""
    result, start = [], agreement.valid_from.replace(day=1)
    while start <= min(today, agreement.valid_until):
        following = _months_after(start, agreement.feedback_months)
        end = following - datetime.timedelta(days=1)
        result.append(Period(start, end, end + datetime.timedelta(days=agreement.feedback_days)))
        start = following
    return result


def period_starting(agreement: MigrationAgreement, day: datetime.date, today) -> Period | None:
    """The agreement's period that starts on ``day``, if it has begun."""
    return next((p for p in periods(agreement, today) if p.start == day), None)


def covered(agreement: MigrationAgreement, period: Period | None = None) -> QuerySet:
    """The women the agreement covers (in ``period``: certificates valid during it)."""
    outflow_low, outflow_high = subtree_bounds(agreement.outflow_region_id)
    inflow_low, inflow_high = subtree_bounds(agreement.inflow_region_id)
    day = period.start if period else clock.today().replace(day=1)
    youngest, oldest = CHILDBEARING_AGES
    certificates = MigrantCertificate.objects.filter(
        status=CertificateStatus.ISSUED,
        holder_sex=Sex.FEMALE,
        marital_status=MaritalStatus.MARRIED,
        registration_region_id__gte=outflow_low,
        registration_region_id__lte=outflow_high,
        residence_region_id__gte=inflow_low,
        residence_region_id__lte=inflow_high,
        holder_birth_date__gt=day.replace(year=day.year - oldest - 1),
        holder_birth_date__lte=day.replace(year=day.year - youngest),
    )
    if period is not None:
        certificates = certificates.filter(
            valid_from__lte=period.end, valid_until__gte=period.start
        )
    else:
        certificates = certificates.filter(valid_from__lte=day, valid_until__gte=day)
    return certificates.order_by("holder_name", "id")


@dataclass(frozen=True)
class PeriodState:
    """One period's reports: how many women are covered, reported on, and missing."""

    period: Period
    covered: int
    reported: int

    @property
    def missing(self) -> int:
        return max(self.covered - self.reported, 0)

    def overdue(self, today: datetime.date) -> int:
        return self.missing if self.period.overdue_on(today) else 0


def missing_feedback(agreement: MigrationAgreement, period: Period) -> QuerySet:
    """The covered women without a report for ``period``."""
    reported = agreement.feedback.filter(period_start=period.start).values("certificate_id")
    return covered(agreement, period).exclude(pk__in=reported)


# Counts per statement: each is one SELECT of a UNION ALL, under SQLite's limit of 500.
COUNTS_PER_STATEMENT = 200


def _count_each(querysets: list[QuerySet]) -> list[int]:
    """How many rows each queryset has, in order: one statement for up to
    ``COUNTS_PER_STATEMENT`` of them, each counted by a SELECT of a UNION ALL."""
    counts = [0] * len(querysets)
    numbered = list(enumerate(querysets))
    for chunk in chunks(numbered, COUNTS_PER_STATEMENT):
        selects = [
            queryset.order_by()
            .annotate(which=Value(number, output_field=IntegerField()))
            .values("which")
            .annotate(rows=Count("pk"))
            .values_list("which", "rows")
            for number, queryset in chunk
        ]
        for number, rows in selects[0].union(*selects[1:], all=True):
            counts[number] = rows
    return counts


def schedule(agreement: MigrationAgreement, today: datetime.date) -> list[PeriodState]:
    """Each period that has begun, newest first, with its women covered and reported, in one
    statement: a period's women reported are those covered less those missing."""
    begun = list(reversed(periods(agreement, today)))
    counted = []
    for period in begun:
        counted += [
            covered(agreement, period),
            missing_feedback(agreement, period),
        ]
    counts = _count_each(counted)
    return [
        PeriodState(period, covered, covered - missing)
        for period, covered, missing in zip(begun, counts[::2], counts[1::2], strict=True)
    ]


def with_schedule(agreement: MigrationAgreement, today: datetime.date) -> None:
    """Give ``agreement`` its schedule (``states``) and the counts the list shows."""
    agreement.states = schedule(agreement, today)
    agreement.overdue_count = sum(state.overdue(today) for state in agreement.states)
    in_force = agreement.in_force_on(today) and agreement.states
    agreement.covered_now = agreement.states[0].covered if in_force else None


def with_counts(rows: Iterable[MigrationAgreement], today: datetime.date) -> list:
    """Give each agreement the counts the list shows, for all of them in one statement:
    ``overdue_count``, the reports missing of every period past its due day (as
    ``overdue_count``), and ``covered_now``, the women covered in the period under
    way (None when the agreement is not in force today)."""
    rows = list(rows)
    counted, owners = [], []
    for agreement in rows:
        agreement.overdue_count, agreement.covered_now = 0, None
        begun = periods(agreement, today)
        for period in begun:
            if period.overdue_on(today):
                counted.append(missing_feedback(agreement, period))
                owners.append((agreement, "overdue_count"))
        if begun and agreement.in_force_on(today):
            counted.append(covered(agreement, begun[-1]))
            owners.append((agreement, "covered_now"))
    for (agreement, name), count in zip(owners, _count_each(counted), strict=True):
        setattr(agreement, name, (getattr(agreement, name) or 0) + count)
    return rows


def overdue_count(agreement: MigrationAgreement, today: datetime.date) -> int:
    """How many reports are overdue, over every period past its due day."""
    return sum(state.overdue(today) for state in schedule(agreement, today))


def report_state(certificate: MigrantCertificate, period: Period, today: datetime.date) -> str:
    """``reported``, ``overdue`` (missing past the due day) or ``missing``."""
    if certificate.reports:
        return "reported"
    return "overdue" if period.overdue_on(today) else "missing"


def women_of(agreement: MigrationAgreement, period: Period) -> QuerySet:
    """The women the agreement covers in ``period``, each with her report for it, if any
    (``reports``: a list of at most one)."""
    reports = MigrantFeedback.objects.filter(
        agreement=agreement, period_start=period.start
    ).select_related("recorded_by")
    return (
        covered(agreement, period)
        .select_related("residence_region")
        .prefetch_related(Prefetch("feedback", queryset=reports, to_attr="reports"))
    )


def chosen_state(agreement: MigrationAgreement, start: str | None):
    """The period ``start`` names (``YYYY-MM-DD``, its first day) among the agreement's
    ``states``, or the latest begun when none is named; None when no period has begun.
    Raises ValueError for a day that starts no period begun."""
    if not start:
        return agreement.states[0] if agreement.states else None
    day = datetime.date.fromisoformat(start)
    for state in agreement.states:
        if state.period.start == day:
            return state
    raise ValueError(start)


def agreement_rows() -> QuerySet:
    """Agreements with the townships and the officer their pages show, in one query."""
    return MigrationAgreement.objects.select_related(
        "outflow_region", "inflow_region", "recorded_by"
    )


def sign_agreement(actor: Actor, **fields) -> MigrationAgreement:
    """Record an agreement both townships signed; a migrant-service officer of either side
    records it. Refused when the pair already has an agreement in force over those dates."""
    officer = actor.officer
    agreement = MigrationAgreement(
        **fields, recorded_by=officer, recorded_at=clock.now(), status=AgreementStatus.IN_FORCE
    )
    sides = [agreement.outflow_region_id, agreement.inflow_region_id]
    if not any(rules.may_keep_agreement(officer, code) for code in sides if code):
        raise PermissionDenied(_("Your role may not record agreements for these townships."))
    for field in ("outflow_region", "inflow_region"):
        region = getattr(agreement, field, None) if getattr(agreement, f"{field}_id") else None
        if region is not None and region.level != "township":
            raise ValidationError({field: _("Agreements are signed between townships.")})
    agreement.full_clean(validate_unique=False)
    overlapping = MigrationAgreement.objects.filter(
        outflow_region_id=agreement.outflow_region_id,
        inflow_region_id=agreement.inflow_region_id,
        status=AgreementStatus.IN_FORCE,
        valid_from__lte=agreement.valid_until,
        valid_until__gte=agreement.valid_from,
    )
    if overlapping.exists():
        raise ValidationError(
            {"valid_from": _("These townships have an agreement in force over these dates.")}
        )
    try:
        with transaction.atomic():
            agreement.save()
            audit.record(
                actor,
                "sign_agreement",
                agreement,
                data={
                    "outflow": agreement.outflow_region_id,
                    "inflow": agreement.inflow_region_id,
                    "valid_from": agreement.valid_from.isoformat(),
                    "valid_until": agreement.valid_until.isoformat(),
                    "feedback_months": agreement.feedback_months,
                },
            )
    except IntegrityError:
        raise ValidationError({"number": _("An agreement with this number exists.")}) from None
    return agreement


def record_feedback(
    actor: Actor,
    agreement: MigrationAgreement,
    certificate: MigrantCertificate,
    period_start: datetime.date,
    *,
    contraception: str,
    pregnancy_check: str,
    checked_on: datetime.date | None = None,
    note: str = "",
) -> MigrantFeedback:
    """The inflow township's report on one covered woman for one period that has begun;
    one per woman and period."""
    officer = actor.officer
    if not rules.may_keep_agreement(officer, agreement.inflow_region_id):
        raise PermissionDenied(_("The inflow township's migrant-service officers report."))
    if agreement.status != AgreementStatus.IN_FORCE:
        raise ValidationError(_("The agreement has ended."))
    today = clock.today()
    period = period_starting(agreement, period_start, today)
    if period is None:
        raise ValidationError(
            {"period_start": _("Report for a period of the agreement that has begun.")}
        )
    if not covered(agreement, period).filter(pk=certificate.pk).exists():
        raise ValidationError({"certificate": _("The agreement does not cover this woman then.")})
    if contraception not in Contraception.values:
        raise ValidationError({"contraception": _("Choose the contraception in use.")})
    if pregnancy_check not in PregnancyCheck.values:
        raise ValidationError({"pregnancy_check": _("Choose the result of the pregnancy check.")})
    if pregnancy_check != PregnancyCheck.NOT_CHECKED and checked_on is None:
        raise ValidationError({"checked_on": _("Give the day of the pregnancy check.")})
    if checked_on is not None and checked_on > today:
        raise ValidationError({"checked_on": _("The check date cannot be in the future.")})
    if checked_on is not None and not period.start <= checked_on <= period.due_on:
        raise ValidationError(
            {
                "checked_on": _(
                    "The check was done in the period reported on (%(start)s to %(due)s)."
                )
                % {"start": period.start.isoformat(), "due": period.due_on.isoformat()}
            }
        )
    if pregnancy_check == PregnancyCheck.NOT_CHECKED and not note.strip():
        raise ValidationError({"note": _("Say why she was not checked.")})
    feedback = MigrantFeedback(
        agreement=agreement,
        certificate=certificate,
        period_start=period.start,
        contraception=contraception,
        pregnancy_check=pregnancy_check,
        checked_on=checked_on,
        note=note.strip(),
        recorded_by=officer,
        recorded_at=clock.now(),
    )
    try:
        with transaction.atomic():
            feedback.save()
            audit.record(
                actor,
                "record_feedback",
                agreement,
                data={
                    "certificate": certificate.pk,
                    "period_start": period.start.isoformat(),
                    "contraception": contraception,
                    "pregnancy_check": pregnancy_check,
                },
            )
    except IntegrityError:
        raise ValidationError(
            {"certificate": _("This woman's report for the period is in already.")}
        ) from None
    return feedback


# This module's audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        MigrationAgreement,
        labels={
            "sign_agreement": gettext_lazy("Two-way agreement recorded"),
            "record_feedback": gettext_lazy("Feedback recorded"),
        },
    ),
)
