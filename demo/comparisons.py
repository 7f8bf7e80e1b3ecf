"""The demo half-year's data comparison: the township compares the 公安 extract with its
records. A recipient's death and an applicant's move out await the township's decision, a
marriage registration was looked into and dismissed, and rows of people outside the township
and a malformed row show how the rest of an extract is counted and reported."""

import datetime

from casework import clock
from casework.models import Application, ApplicationStatus, ComparisonSource, Person
from casework.region_codes import subtree_bounds
from permissions.audit import Actor
from workflows import comparisons
from workflows.transitions import perform

HEADER = "身份证号码,姓名,事项,日期,备注\n"


def load_demo_comparison(township_reviewer) -> int:
    """Compare a 公安 extract as the township reviewer; the number of findings it made."""
    today = clock.today()
    low, high = subtree_bounds(township_reviewer.jurisdiction_id)
    in_township = Application.objects.filter(
        region_id__gte=low, region_id__lte=high
    ).select_related("applicant")
    recipient = in_township.filter(status=ApplicationStatus.ENROLLED).order_by("id").first()
    applicant = in_township.filter(status=ApplicationStatus.SUBMITTED).order_by("id").first()
    married = (
        in_township.filter(status=ApplicationStatus.ENROLLED)
        .exclude(pk=getattr(recipient, "pk", None))
        .order_by("id")
        .first()
    )
    elsewhere = Person.objects.exclude(region_id__gte=low, region_id__lte=high).order_by("id")[:2]
    lines = []
    if recipient is not None:
        died = today - datetime.timedelta(days=40)
        lines.append(_line(recipient.applicant, "死亡", died, "死亡证明 公字2026第0117号"))
    if applicant is not None:
        moved = today - datetime.timedelta(days=20)
        lines.append(_line(applicant.applicant, "户籍迁出", moved, "迁往示范市城区"))
    if married is not None:
        lines.append(_line(married.applicant, "婚姻登记", today - datetime.timedelta(days=60), ""))
    lines += [
        _line(person, "户籍迁出", today - datetime.timedelta(days=30), "") for person in elsewhere
    ]
    lines.append("3609211962XXXX0000,姓名不详,死亡,2026-02-30,\n")
    comparison = comparisons.compare(
        Actor(township_reviewer),
        ComparisonSource.PUBLIC_SECURITY,
        (HEADER + "".join(lines)).encode("utf-8"),
        f"公安户籍变动比对{today.year}年.csv",
    )
    marriage = comparison.findings.filter(kind="marriage").first()
    if marriage is not None:
        perform(
            "dismiss",
            marriage,
            Actor(township_reviewer),
            {"opinion": "经入户核实，系登记信息有误，受助对象婚姻状况未变"},
        )
    return comparison.findings.count()


def _line(person: Person, event: str, day: datetime.date, note: str) -> str:
    return f"{person.id_number},{person.name},{event},{day.isoformat()},{note}\n"
