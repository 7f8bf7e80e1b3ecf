"""Statistics computed in SQL over the caller's scoped rows."""

from dataclasses import dataclass

from django.db.models import Count, Sum

from casework.models import PaymentStatus, Region
from casework.money import yuan
from casework.region_codes import TOWNSHIP, region_code_at
from casework.replica import reporting_database
from casework.workbooks import sheet_bytes


@dataclass(frozen=True)
class PaidRow:
    program: str
    period_start: object
    township: str
    village: str
    payments: int
    total_fen: int

    @property
    def total(self):
        return yuan(self.total_fen)


def paid_in(payments, *, year: int | None = None, program: str = ""):
    """The paid ones of ``payments`` (already scoped), for periods starting in ``year`` and of
    ``program`` when given: what every paid total sums."""
    paid = payments.filter(status=PaymentStatus.PAID)
    if year:
        paid = paid.filter(period_start__year=year)
    if program:
        paid = paid.filter(batch__program_id=program)
    return paid


def paid_totals(payments, *, year: int | None = None, program: str = "") -> list[PaidRow]:
    """Paid totals by program, period, township and village of ``payments`` (already scoped);
    one grouped query and one for the names, both on the reporting database."""
    database = reporting_database()
    paid = paid_in(payments.using(database), year=year, program=program)
    rows = list(
        paid.values("batch__program__name", "period_start", "application__region_id")
        .annotate(payments=Count("pk"), total=Sum("amount_fen"))
        .order_by("batch__program__name", "period_start", "application__region_id")
    )
    codes = {row["application__region_id"] for row in rows}
    townships = {code: region_code_at(code, TOWNSHIP) for code in codes}
    names = dict(
        Region.objects.using(database)
        .filter(code__in=codes | set(townships.values()))
        .values_list("code", "name")
    )
    return [
        PaidRow(
            row["batch__program__name"],
            row["period_start"],
            names.get(townships[row["application__region_id"]], ""),
            names.get(row["application__region_id"], row["application__region_id"]),
            row["payments"],
            row["total"],
        )
        for row in rows
    ]


PAID_COLUMNS = ["扶助项目", "发放周期", "乡镇", "村", "人数", "金额（元）"]


def paid_totals_xlsx(rows: list[PaidRow]) -> bytes:
    """The paid totals as a workbook, with a total row that reconciles to the fen."""
    total = sum(row.total_fen for row in rows)
    body = [
        [
            row.program,
            row.period_start.isoformat(),
            row.township,
            row.village,
            row.payments,
            f"{row.total:.2f}",
        ]
        for row in rows
    ]
    footer = ["合计", "", "", "", sum(row.payments for row in rows), f"{yuan(total):.2f}"]
    return sheet_bytes("发放统计", [PAID_COLUMNS, *body, footer])
