"""The yearly two-illegal (两非) enforcement statistics: one row per region and a total row,
computed in a few grouped queries over the caller's scoped cases, as JSON, a workbook and a
signed PDF (kind ``enforcement_report``).

What each figure counts, for ``year``:

- **cases handled** (查处案件): cases with any activity in the year — received in the year, or
  registered in the year, or with a decision executed in the year (``executed_on`` in the year).
  A case counts once, whatever happened to it;
- **cases registered** (立案): ``registered_on`` in the year;
- **persons investigated** (涉案人员): the parties (``CaseParty`` rows, persons and
  institutions) of the cases handled; a party is a person in one case, so somebody investigated
  in two cases counts twice. **Of whom medical staff**: those marked ``is_medical_staff``;
- decisions are attributed to the year **the case was registered** (a decision row has no
  decision date of its own, and a case is registered once, so every decision counts in exactly
  one year, and always among the cases handled that year). Only approved or executed decisions
  count, never a mere proposal:

  - **criminal referrals** (移送追究刑事责任): parties with a ``police_referral``; **from
    outside the county**: those of them marked ``from_outside``;
  - **discipline referrals** (党纪政纪处分): parties with a ``discipline_referral``, and those of
    them from outside the county;
  - **administrative penalties** (行政处罚, person-times): the distinct (party, measure) pairs
    among the ``ADMINISTRATIVE_PENALTIES`` kinds — a warning and a fine given to one party count
    two, the same measure recorded twice for one party counts one;
  - **fines imposed** (罚款): the sum of ``amount_fen`` of fine decisions; **fines collected**:
    of those, the executed ones (as of now).

Rows: asked for a region, one row per region directly below it (a county → its townships, a
city → its counties), every one listed even when empty, plus a "本级" row for cases recorded
at the region itself; asked for no region, one row per county. The total row is the sum of the
rows (each case lies in exactly one row), so it reconciles to the fen.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat, Substr
from django.utils.translation import gettext as _

from casework import clock, region_codes
from casework.models import (
    ADMINISTRATIVE_PENALTIES,
    CaseParty,
    Disposition,
    DispositionKind,
    DispositionStatus,
    EnforcementCase,
    Region,
)
from casework.money import yuan
from casework.replica import reporting_database
from casework.workbooks import sheet_bytes
from documents import issuing
from documents.kinds import DocumentKind
from documents.rendering import chinese_date
from permissions import rules

# The figures of a row, in the order of the table.
COUNTS = (
    "cases_handled",
    "cases_registered",
    "persons",
    "medical_staff",
    "criminal_referrals",
    "criminal_from_outside",
    "discipline_referrals",
    "discipline_from_outside",
    "penalties",
    "fines_imposed_fen",
    "fines_collected_fen",
)

# Official wording of the table (the workbook and the PDF are in Chinese whatever the UI says).
HEADERS = [
    "地区",
    "查处案件（件）",
    "其中立案（件）",
    "涉案人员（人）",
    "其中医务人员（人）",
    "移送追究刑事责任（人）",
    "其中外县人员（人）",
    "给予党纪政纪处分（人）",
    "其中外县人员（人）",
    "行政处罚（人次）",
    "罚款（元）",
    "其中已收缴（元）",
]

_DECIDED = [DispositionStatus.APPROVED, DispositionStatus.EXECUTED]


@dataclass(frozen=True)
class EnforcementRow:
    code: str
    name: str
    cases_handled: int = 0
    cases_registered: int = 0
    persons: int = 0
    medical_staff: int = 0
    criminal_referrals: int = 0
    criminal_from_outside: int = 0
    discipline_referrals: int = 0
    discipline_from_outside: int = 0
    penalties: int = 0
    fines_imposed_fen: int = 0
    fines_collected_fen: int = 0

    @property
    def fines_imposed(self):
        return yuan(self.fines_imposed_fen)

    @property
    def fines_collected(self):
        return yuan(self.fines_collected_fen)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in COUNTS)

    def cells(self) -> list:
        """The row as the table prints it: the name, the counts, the yuan as "0.00" text."""
        return [
            self.name,
            *(getattr(self, name) for name in COUNTS[:-2]),
            f"{self.fines_imposed:.2f}",
            f"{self.fines_collected:.2f}",
        ]

    def as_dict(self) -> dict:
        values = {name: getattr(self, name) for name in COUNTS[:-2]}
        return {
            "region": self.code,
            "name": self.name,
            **values,
            "fines_imposed": f"{self.fines_imposed:.2f}",
            "fines_collected": f"{self.fines_collected:.2f}",
        }


@dataclass(frozen=True)
class EnforcementReport:
    year: int
    region_code: str | None
    region_name: str
    rows: list[EnforcementRow]
    total: EnforcementRow

    @property
    def title(self) -> str:
        return f"{self.region_name}{self.year}年度两非案件查处情况统计表"

    @property
    def is_empty(self) -> bool:
        return self.total.is_empty

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "region": self.region_code,
            "region_name": self.region_name,
            "title": self.title,
            "rows": [row.as_dict() for row in self.rows],
            "total": self.total.as_dict(),
        }


def _unit_digits(region_code: str | None) -> int:
    """How many leading digits of a case's region code name its row."""
    if region_code is None:
        return region_codes.SIGNIFICANT_DIGITS[region_codes.COUNTY]
    level = region_codes.level_of(region_code)
    below = region_codes.LEVELS[min(region_codes.LEVELS.index(level) + 1, 4)]
    return region_codes.SIGNIFICANT_DIGITS[below]


def handled_in(cases: QuerySet, year: int) -> QuerySet:
    """The cases of ``cases`` handled in ``year`` (see the module's docstring)."""
    executed = Disposition.objects.filter(
        case=OuterRef("pk"), status=DispositionStatus.EXECUTED, executed_on__year=year
    )
    return cases.filter(
        Q(received_on__year=year) | Q(registered_on__year=year) | Q(Exists(executed))
    )


def yearly(cases: QuerySet, year: int, region_code: str | None = None) -> EnforcementReport:
    """The statistics of ``year`` over ``cases`` (already scoped to the caller), narrowed to
    the region ``region_code`` and below: three grouped queries and one for the names, all on
    the reporting database."""
    database = reporting_database()
    cases = cases.using(database)
    if region_code is not None:
        low, high = region_codes.subtree_bounds(region_code)
        cases = cases.filter(region_id__gte=low, region_id__lte=high)
    digits = _unit_digits(region_code)
    figures: dict[str, dict] = {}

    def merge(rows):
        for row in rows:
            code = row.pop("unit").ljust(region_codes.CODE_LENGTH, "0")
            figures.setdefault(code, {}).update({name: value or 0 for name, value in row.items()})

    handled = handled_in(cases, year)
    merge(
        handled.annotate(unit=Substr("region_id", 1, digits))
        .values("unit")
        .annotate(
            cases_handled=Count("pk"),
            cases_registered=Count("pk", filter=Q(registered_on__year=year)),
        )
        .order_by("unit")
    )
    merge(
        CaseParty.objects.using(database)
        .filter(case__in=handled.values("pk"))
        .annotate(unit=Substr("case__region_id", 1, digits))
        .values("unit")
        .annotate(
            persons=Count("pk"),
            medical_staff=Count("pk", filter=Q(is_medical_staff=True)),
        )
        .order_by("unit")
    )
    police = Q(kind=DispositionKind.POLICE_REFERRAL)
    discipline = Q(kind=DispositionKind.DISCIPLINE_REFERRAL)
    outside = Q(party__from_outside=True)
    fine = Q(kind=DispositionKind.FINE)
    party_measure = Concat(Cast("party_id", CharField()), Value(":"), "kind")
    merge(
        Disposition.objects.using(database)
        .filter(case__in=cases.filter(registered_on__year=year).values("pk"), status__in=_DECIDED)
        .annotate(unit=Substr("case__region_id", 1, digits))
        .values("unit")
        .annotate(
            criminal_referrals=Count("party", filter=police, distinct=True),
            criminal_from_outside=Count("party", filter=police & outside, distinct=True),
            discipline_referrals=Count("party", filter=discipline, distinct=True),
            discipline_from_outside=Count("party", filter=discipline & outside, distinct=True),
            penalties=Count(
                party_measure, filter=Q(kind__in=ADMINISTRATIVE_PENALTIES), distinct=True
            ),
            fines_imposed_fen=Sum("amount_fen", filter=fine),
            fines_collected_fen=Sum(
                "amount_fen", filter=fine & Q(status=DispositionStatus.EXECUTED)
            ),
        )
        .order_by("unit")
    )

    names_query = Q(code__in=list(figures))
    if region_code is not None:
        names_query |= Q(code=region_code) | Q(parent_id=region_code)
    names = dict(Region.objects.using(database).filter(names_query).values_list("code", "name"))
    region_name = names.get(region_code, "") if region_code else ""
    if region_code is not None:
        for code in names:
            if code != region_code:
                figures.setdefault(code, {})
    rows = []
    for code in sorted(figures):
        name = names.get(code, code)
        if code == region_code:
            name = f"{region_name}本级"
        rows.append(EnforcementRow(code, name, **figures[code]))
    total = EnforcementRow(
        region_code or "",
        "合计",
        **{name: sum(getattr(row, name) for row in rows) for name in COUNTS},
    )
    return EnforcementReport(year, region_code, region_name, rows, total)


def parse_year(value, *, all_years: bool = False) -> int | None:
    """The ``year`` parameter; when absent, today's year (or None, meaning every year, with
    ``all_years``); a clear refusal otherwise."""
    if value in (None, ""):
        return None if all_years else clock.today().year
    text = str(value).strip()
    if not text.isdigit() or not 1990 <= int(text) <= 2100:
        raise ValidationError({"year": _("Year: enter a year such as 2026.")})
    return int(text)


def to_xlsx(report: EnforcementReport) -> bytes:
    """The report as a workbook: the title, the headers, one line per row and the total row
    (the yuan as text with two decimals, so nothing passes through a float)."""
    rows = [[report.title], HEADERS, *(row.cells() for row in report.rows), report.total.cells()]
    return sheet_bytes("两非案件查处", rows)


def document_data(report: EnforcementReport) -> dict:
    """What the ``enforcement_report`` template prints, as plain JSON values."""
    return {
        "year": report.year,
        "region": report.region_name,
        "headers": HEADERS,
        "rows": [row.cells() for row in report.rows],
        "total": report.total.cells(),
        "as_of": chinese_date(clock.today()),
        "notes": [
            "查处案件指本年度受理、立案或有处理决定执行的案件；涉案人员为上述案件的当事人。",
            "移送、处分、行政处罚和罚款按案件立案年度统计，只计已批准或已执行的处理决定；"
            "行政处罚按人次统计，同一当事人的同一种处罚只计一次。",
        ],
    }


def issue_pdf(actor, report: EnforcementReport):
    """Issue the report as a signed PDF by the office serving its region, for a region of the
    officer's own jurisdiction; returns the :class:`~documents.models.Document`."""
    if not report.region_code:
        raise ValidationError({"region": _("Region: choose the region the report is for.")})
    if not rules.may_issue_statistics_for(actor.officer, EnforcementCase, report.region_code):
        raise ValidationError(
            {"region": _("Region: a report is issued only for your own jurisdiction or below.")}
        )
    region = Region.objects.get(pk=report.region_code)
    signer = str(actor.officer)
    request = issuing.IssueRequest(
        kind=DocumentKind.ENFORCEMENT_REPORT,
        office=issuing.office_for(report.region_code),
        region=region,
        title=report.title,
        data=document_data(report),
        public_summary=[
            ("统计年度", f"{report.year}年"),
            ("统计范围", report.region_name),
            ("查处案件", f"{report.total.cases_handled}件"),
            ("涉案人员", f"{report.total.persons}人"),
            ("罚款", f"{report.total.fines_imposed:.2f}元"),
        ],
        signers=[issuing.Signer("制表", signer, chinese_date(clock.today()))],
    )
    return issuing.issue(request, actor)
