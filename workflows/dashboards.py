"""Dashboards: the figures that matter to an officer for one region of their jurisdiction and
one year, each section broken down by the regions directly below (county → townships →
villages), so a row drills down to the next level.

Every section is one grouped query over the caller's scoped rows, grouped by its category and
by the leading digits of the region code that name the row below; the section's table, its
region table and its total are sums of that one result. The number of queries therefore grows
with neither the number of regions nor the number of rows.

What each section counts, for ``year``:

- **applications** (of the application year ``year``) waiting at each step of the chain
  (``workflows.inbox.steps()``), and of those the overdue ones as the inbox flags them;
- **visits**: 入户率 (the year's applications handed in that the village visited at home),
  见面率 (visits and yearly reviews that met the person) and 取证率 (visits with photos of the
  documents seen), with the counts they are made of;
- **postings** of the year by level, open and closed, and the objections raised against their
  entries: open (under investigation) and handled (upheld or dismissed);
- **recipients**: applications enrolled now and paid from a day in or before the year, per
  program;
- **payments**: paid payments for periods starting in the year, per program and period
  (persons and amount, in fen) — what ``casework.reports.paid_totals`` sums;
- **cases** (roles that see cases by jurisdiction only): the two-illegal cases handled in the
  year (``enforcement_reports.handled_in``) or received by its end and still open, by their
  status now, and of those the overdue ones as the case inbox flags them;
- **certificates**: migrant certificates issued (or renewed) in the year, by kind, and those
  in force that expire within 30 and 90 days of today;
- **comparisons**: per half-year of the year, the findings of the data comparison with other
  departments: found, confirmed, dismissed and awaiting a decision.

A section whose model the role may not see (``rules.may_see_statistics_of``) is left out.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext as _

from casework import clock, region_codes
from casework.models import (
    AnnualReview,
    Application,
    ApplicationStatus,
    CaseStatus,
    CertificateKind,
    CertificateStatus,
    ComparisonFinding,
    EnforcementCase,
    FindingStatus,
    HouseholdVisit,
    Level,
    MigrantCertificate,
    Objection,
    ObjectionStatus,
    Payment,
    Posting,
    PostingLevel,
    PostingStatus,
    Region,
    VisitPhoto,
)
from casework.money import yuan
from casework.reports import paid_in
from casework.workbooks import sheets_bytes
from permissions import rules
from permissions.scoping import code_in_jurisdiction, visible_to
from workflows import inbox
from workflows.comparisons import half_year_label
from workflows.enforcement_reports import handled_in

# A certificate in force "expires soon" within these many days of today.
EXPIRY_WINDOWS = (30, 90)
S_DRAFT = ApplicationStatus.DRAFT
# Cases that nobody works on any more.
_ENDED_CASES = [CaseStatus.CLOSED, CaseStatus.DECLINED]


@dataclass(frozen=True)
class Measure:
    """One column of a section: a count, an amount in fen (shown as yuan), or the ratio of
    two other measures (``ratio``: numerator and denominator keys), kept in tenths of a percent
    and shown as a percentage ("—" when the denominator is nought)."""

    key: str
    label: str
    money: bool = False
    ratio: tuple[str, str] | None = None

    def show(self, value):
        """The value as people read it: yuan with two decimals for money, 97.5% for a ratio."""
        if self.ratio:
            return "—" if value is None else f"{value / 10:.1f}%"
        return yuan(value) if self.money else value

    def of(self, values: dict):
        """The measure's value among a row's ``values`` (a ratio computed from its parts)."""
        if not self.ratio:
            return values.get(self.key, 0)
        numerator, denominator = (values.get(key, 0) for key in self.ratio)
        return round(numerator * 1000 / denominator) if denominator else None


@dataclass(frozen=True)
class Row:
    """One line of a section's table: a category (a step, a program…) or a region.

    ``code`` is set on region rows; ``drill`` says whether the row leads to a dashboard of its
    own (a region below the chosen one, not the chosen region's own "本级" row).
    """

    key: str
    label: str
    values: dict
    code: str = ""
    drill: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    category: str  # the header of the first column of the category table
    measures: tuple[Measure, ...]
    rows: list[Row]
    regions: list[Row]
    total: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any(self.total.values())

    @property
    def chart(self) -> Measure:
        """The measure the section's charts draw: its first."""
        return self.measures[0]

    def cells(self, row: Row) -> list:
        """A row's values in the order of the measures, money in yuan."""
        return [measure.show(measure.of(row.values)) for measure in self.measures]

    @property
    def category_lines(self) -> list[tuple[Row, list]]:
        """The category table as the page prints it: each row with its values."""
        return [(row, self.cells(row)) for row in self.rows]

    @property
    def region_lines(self) -> list[tuple[Row, list]]:
        return [(row, self.cells(row)) for row in self.regions]

    @property
    def total_cells(self) -> list:
        return self.cells(Row("", "", self.total))

    def as_dict(self) -> dict:
        def values(data):
            return {m.key: _exported(m, m.of(data)) for m in self.measures}

        return {
            "title": self.title,
            "rows": [
                {"key": row.key, "label": row.label, **values(row.values)} for row in self.rows
            ],
            "regions": [
                {"region": row.code, "name": row.label, **values(row.values)}
                for row in self.regions
            ],
            "total": values(self.total),
        }


@dataclass(frozen=True)
class Dashboard:
    region: Region
    year: int
    today: datetime.date
    breadcrumb: list[Region]
    children: list[Region]
    sections: list[Section]

    def section(self, key: str) -> Section | None:
        return next((section for section in self.sections if section.key == key), None)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "region": self.region.code,
            "region_name": self.region.name,
            "today": self.today.isoformat(),
            "sections": {section.key: section.as_dict() for section in self.sections},
        }


def region_for(user, code: str | None) -> Region | None:
    """The region asked for (the officer's jurisdiction by default) if it lies in the officer's
    jurisdiction; anything else, ancestors included, is a 404. None for an officer without a
    jurisdiction who asked for nothing."""
    code = (code or "").strip() or user.jurisdiction_id
    if code is None:
        return None
    if not code_in_jurisdiction(user, code):
        raise Http404
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region


class _Grouping:
    """Counts grouped by category and by the row below the chosen region that holds them."""

    def __init__(self, region: Region, children: list[Region]):
        self.region = region
        self.low, self.high = region_codes.subtree_bounds(region.code)
        level = region_codes.LEVELS.index(region.level)
        below = region_codes.LEVELS[min(level + 1, len(region_codes.LEVELS) - 1)]
        self.digits = region_codes.SIGNIFICANT_DIGITS[below]
        self.children = children

    def count(
        self, queryset: QuerySet, region_field: str, categories: list[str], **aggregates
    ) -> dict[tuple, dict]:
        """``{(category values…, row code): {measure: value}}``: one grouped query over the
        rows of ``queryset`` in the chosen region's subtree."""
        rows = (
            queryset.filter(**{f"{region_field}__gte": self.low, f"{region_field}__lte": self.high})
            .annotate(unit=Substr(region_field, 1, self.digits))
            .values(*categories, "unit")
            .annotate(**aggregates)
            .order_by()
        )
        result = {}
        for row in rows:
            unit = row.pop("unit").ljust(region_codes.CODE_LENGTH, "0")
            key = tuple(row.pop(name) for name in categories)
            result[key + (unit,)] = {name: value or 0 for name, value in row.items()}
        return result

    def section(
        self,
        key: str,
        title: str,
        category: str,
        measures: tuple[Measure, ...],
        counts: dict[tuple, dict],
        categories: list[tuple[tuple, str]] | None = None,
    ) -> Section:
        """Sum ``counts`` by category (the listed ones in order, each even when empty, or
        those present, sorted) and by region row (every child listed; the chosen region's own
        row only when something lies at it)."""
        by_category: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
        by_unit: dict[str, dict] = defaultdict(lambda: defaultdict(int))
        total: dict = defaultdict(int)
        for (*category_key, unit), values in counts.items():
            for name, value in values.items():
                by_category[tuple(category_key)][name] += value
                by_unit[unit][name] += value
                total[name] += value

        def full(values) -> dict:
            return {measure.key: measure.of(values) for measure in measures}

        if categories is None:
            categories = [(k, " · ".join(str(part) for part in k)) for k in sorted(by_category)]
        rows = [
            Row("/".join(str(part) for part in k), str(label), full(by_category.get(k, {})))
            for k, label in categories
        ]
        regions = [
            Row(child.code, child.name, full(by_unit.get(child.code, {})), child.code, True)
            for child in self.children
        ]
        if self.region.code in by_unit and self.children:
            own = _("%(region)s itself") % {"region": self.region.name}
            regions.insert(
                0, Row(self.region.code, own, full(by_unit[self.region.code]), self.region.code)
            )
        return Section(key, title, category, measures, rows, regions, full(total))


def _applications(user, grouping: _Grouping, year: int, today: datetime.date) -> Section:
    steps = [step.status for step in inbox.steps()]
    counts = grouping.count(
        visible_to(user, Application).filter(year=year, status__in=steps),
        "region_id",
        ["status"],
        waiting=Count("pk"),
        overdue=Count("pk", filter=inbox.overdue_application_q()),
    )
    return grouping.section(
        "applications",
        _("Applications waiting"),
        _("Step"),
        (Measure("waiting", _("Waiting")), Measure("overdue", _("Overdue"))),
        counts,
        [((status,), ApplicationStatus(status).label) for status in steps],
    )


def _postings(user, grouping: _Grouping, year: int, today: datetime.date) -> Section:
    counts = grouping.count(
        visible_to(user, Posting).filter(year=year),
        "region_id",
        ["level"],
        open=Count("pk", filter=Q(status=PostingStatus.OPEN)),
        closed=Count("pk", filter=Q(status=PostingStatus.CLOSED)),
    )
    objections = grouping.count(
        visible_to(user, Objection).filter(entry__posting__year=year),
        "entry__application__region_id",
        ["entry__posting__level"],
        objections_open=Count("pk", filter=Q(status=ObjectionStatus.OPEN)),
        objections_handled=Count("pk", filter=~Q(status=ObjectionStatus.OPEN)),
    )
    for key, values in objections.items():
        counts.setdefault(key, {}).update(values)
    return grouping.section(
        "postings",
        _("Postings and objections"),
        _("Posting"),
        (
            Measure("open", _("Postings open")),
            Measure("closed", _("Postings closed")),
            Measure("objections_open", _("Objections open")),
            Measure("objections_handled", _("Objections handled")),
        ),
        counts,
        [((level,), PostingLevel(level).label) for level in PostingLevel.values],
    )


def _recipients(user, grouping: _Grouping, year: int, today: datetime.date) -> Section:
    enrolled = visible_to(user, Application).filter(
        status=ApplicationStatus.ENROLLED, paid_from__lte=datetime.date(year, 12, 31)
    )
    counts = grouping.count(enrolled, "region_id", ["program__name"], recipients=Count("pk"))
    return grouping.section(
        "recipients",
        _("Recipients"),
        _("Program"),
        (Measure("recipients", _("Recipients enrolled")),),
        counts,
    )


def _payments(user, grouping: _Grouping, year: int, today: datetime.date) -> Section:
    counts = grouping.count(
        paid_in(visible_to(user, Payment), year=year),
        "application__region_id",
        ["batch__program__name", "period_start"],
        persons=Count("pk"),
        paid=Sum("amount_fen"),
    )
    periods = sorted({key[:2] for key in counts})
    return grouping.section(
        "payments",
        _("Paid amounts"),
        _("Program and period"),
        (Measure("paid", _("Paid (yuan)"), money=True), Measure("persons", _("Persons paid"))),
        counts,
        [((name, start), f"{name} · {start:%Y-%m}") for name, start in periods],
    )


def _cases(user, grouping: _Grouping, year: int, today: datetime.date) -> Section:
    cases = visible_to(user, EnforcementCase)
    of_the_year = cases.filter(
        Q(pk__in=handled_in(cases, year).values("pk"))
        | (Q(received_on__lte=datetime.date(year, 12, 31)) & ~Q(status__in=_ENDED_CASES))
    )
    counts = grouping.count(
        of_the_year,
        "region_id",
        ["status"],
        cases=Count("pk"),
        overdue=Count("pk", filter=inbox.overdue_case_q()),
    )
    return grouping.section(
        "cases",
        _("Two-illegal cases"),
        _("Status"),
        (Measure("cases", _("Cases")), Measure("overdue", _("Overdue"))),
        counts,
        [((status,), label) for status, label in CaseStatus.choices],
    )


def _certificates(user, grouping: _Grouping, year: int, today: datetime.date) -> Section:
    in_force = Q(status=CertificateStatus.ISSUED, valid_until__gte=today)

    def expiring(days):
        return in_force & Q(valid_until__lte=today + datetime.timedelta(days=days))

    counts = grouping.count(
        visible_to(user, MigrantCertificate).filter(
            Q(valid_from__year=year) | expiring(max(EXPIRY_WINDOWS))
        ),
        "region_id",
        ["kind"],
        issued=Count("pk", filter=Q(valid_from__year=year)),
        **{f"expiring_{days}": Count("pk", filter=expiring(days)) for days in EXPIRY_WINDOWS},
    )
    return grouping.section(
        "certificates",
        _("Migrant certificates"),
        _("Kind"),
        (
            Measure("issued", _("Issued in the year")),
            *(
                Measure(f"expiring_{days}", _("Expiring within %(days)s days") % {"days": days})
                for days in EXPIRY_WINDOWS
            ),
        ),
        counts,
        [((kind,), label) for kind, label in CertificateKind.choices],
    )


def _visits(user, grouping: _Grouping, year: int, today: datetime.date) -> Section:
    """入户率, 见面率, 取证率: of the year's applications handed in, those visited at home by
    the village; of the visits and the yearly reviews, those that met the person; of the
    visits, those that took photos of the documents seen."""
    applications = visible_to(user, Application).filter(year=year).exclude(status=S_DRAFT)
    village_visit = HouseholdVisit.objects.filter(application=OuterRef("pk"), level=Level.VILLAGE)
    counts = grouping.count(
        applications.annotate(visited=Exists(village_visit)),
        "region_id",
        [],
        applications=Count("pk"),
        households_visited=Count("pk", filter=Q(visited=True)),
    )
    visits = grouping.count(
        HouseholdVisit.objects.filter(application__in=applications).annotate(
            evidenced=Exists(VisitPhoto.objects.filter(visit=OuterRef("pk")))
        ),
        "application__region_id",
        [],
        visits=Count("pk"),
        visits_met=Count("pk", filter=Q(met_in_person=True)),
        visits_evidenced=Count("pk", filter=Q(evidenced=True)),
    )
    reviews = grouping.count(
        AnnualReview.objects.filter(year=year, application__in=visible_to(user, Application)),
        "application__region_id",
        [],
        reviews=Count("pk"),
        reviews_met=Count("pk", filter=Q(met_in_person=True)),
    )
    for extra in (visits, reviews):
        for key, values in extra.items():
            counts.setdefault(key, {}).update(values)
    for values in counts.values():
        values["contacts"] = values.get("visits", 0) + values.get("reviews", 0)
        values["met"] = values.get("visits_met", 0) + values.get("reviews_met", 0)
    return grouping.section(
        "visits",
        _("Household visits"),
        _("Year"),
        (
            Measure("applications", _("Applications handed in")),
            Measure("households_visited", _("Households visited")),
            Measure(
                "visit_rate", _("Home visit rate"), ratio=("households_visited", "applications")
            ),
            Measure("contacts", _("Visits and yearly reviews")),
            Measure("met", _("Met in person")),
            Measure("meet_rate", _("Meeting rate"), ratio=("met", "contacts")),
            Measure("visits", _("Visits")),
            Measure("visits_evidenced", _("Visits with photos of the documents")),
            Measure("evidence_rate", _("Evidence rate"), ratio=("visits_evidenced", "visits")),
        ),
        counts,
        [((), str(year))],
    )


def _comparisons(user, grouping: _Grouping, year: int, today: datetime.date) -> Section:
    counts = grouping.count(
        visible_to(user, ComparisonFinding).filter(comparison__half_year__year=year),
        "region_id",
        ["comparison__half_year"],
        found=Count("pk"),
        confirmed=Count("pk", filter=Q(status=FindingStatus.CONFIRMED)),
        dismissed=Count("pk", filter=Q(status=FindingStatus.DISMISSED)),
        open=Count("pk", filter=Q(status=FindingStatus.OPEN)),
    )
    halves = [datetime.date(year, 1, 1), datetime.date(year, 7, 1)]
    return grouping.section(
        "comparisons",
        _("Data comparison with other departments"),
        _("Half-year"),
        (
            Measure("found", _("Found")),
            Measure("confirmed", _("Confirmed")),
            Measure("dismissed", _("Dismissed")),
            Measure("open", _("Awaiting a decision")),
        ),
        counts,
        [((half,), half_year_label(half)) for half in halves],
    )


# The sections in the order of the page, each with the model whose statistics it shows.
_SECTIONS: tuple[tuple[type, Callable], ...] = (
    (Application, _applications),
    (Application, _visits),
    (Posting, _postings),
    (Application, _recipients),
    (Payment, _payments),
    (EnforcementCase, _cases),
    (MigrantCertificate, _certificates),
    (ComparisonFinding, _comparisons),
)


def dashboard(user, region: Region, year: int) -> Dashboard:
    """The figures of ``year`` in ``region`` (which the caller must reach: see
    :func:`region_for`) over the rows the caller may see: one grouped query per section shown,
    one for the regions below and one for the breadcrumb."""
    today = clock.today()
    children = list(Region.objects.filter(parent_id=region.code).order_by("code"))
    grouping = _Grouping(region, children)
    sections = []
    for model, build in _SECTIONS:
        if not rules.may_see_statistics_of(user, model):
            continue
        sections.append(build(user, grouping, year, today))
    return Dashboard(region, year, today, _breadcrumb(user, region), children, sections)


def _breadcrumb(user, region: Region) -> list[Region]:
    """The regions from the top of the caller's jurisdiction down to ``region``."""
    codes = [
        code
        for code in [*region_codes.ancestor_codes(region.code), region.code]
        if code_in_jurisdiction(user, code)
    ]
    found = Region.objects.in_bulk(codes[:-1])
    return [found[code] for code in codes[:-1] if code in found] + [region]


def year_choices(today: datetime.date, chosen: int) -> list[int]:
    """The years offered by the selector: this year and the five before, and the chosen one."""
    years = set(range(today.year - 5, today.year + 1)) | {chosen}
    return sorted(years, reverse=True)


def _exported(measure: Measure, value):
    """A value as the API and the workbook give it: money as yuan text with two decimals, a
    ratio as its percentage text, a count as the number."""
    if measure.money:
        return f"{measure.show(value):.2f}"
    return measure.show(value) if measure.ratio else value


def to_xlsx(board: Dashboard) -> bytes:
    """The same figures as a workbook, one sheet per section: the category table with its
    total row, then the table by region (money as yuan text with two decimals, never a float)."""

    def line(section, label, values):
        return [label, *(_exported(m, m.of(values)) for m in section.measures)]

    title = _("%(region)s, %(year)s") % {"region": board.region.name, "year": board.year}
    sheets = []
    for section in board.sections:
        headers = [str(m.label) for m in section.measures]
        rows = [[f"{section.title}: {title}"], [str(section.category), *headers]]
        rows += [line(section, row.label, row.values) for row in section.rows]
        rows.append(line(section, str(_("Total")), section.total))
        if section.regions:
            rows += [[], [str(_("Region")), *headers]]
            rows += [line(section, row.label, row.values) for row in section.regions]
        sheets.append((str(section.title)[:31], rows))
    return sheets_bytes(sheets)
