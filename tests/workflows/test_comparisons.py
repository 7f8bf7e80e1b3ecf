"""The half-yearly comparison with other departments: an extract's rows checked, those touching
the jurisdiction's applicants, recipients and certificate holders made findings; confirming a
death ends the entitlement after the period it fell in, a move out suspends, a marriage sends a
certificate back to verification; dismissing needs an opinion; the refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.factories import PersonFactory
from casework.models import (
    ApplicationStatus,
    ChangeRequest,
    ComparisonFinding,
    FindingStatus,
    Program,
)
from permissions.audit import Actor
from permissions.models import AuditEntry
from tests.conftest import OTHER_TOWNSHIP_VILLAGE, VILLAGE
from workflows import comparisons, payments
from workflows.dashboards import dashboard
from workflows.transitions import TransitionConflict, perform

S = ApplicationStatus
HEADER = "身份证号码,姓名,事项,日期,备注\n"


def extract(*rows) -> bytes:
    """A CSV extract: rows of (person or ID number, name, 事项, date)."""
    lines = []
    for who, event, day, *note in rows:
        number, name = (who.id_number, who.name) if hasattr(who, "id_number") else who
        lines.append(f"{number},{name},{event},{day},{''.join(note)}\n")
    return (HEADER + "".join(lines)).encode("utf-8")


def compare(officer, data, source="public_security"):
    return comparisons.compare(Actor(officer), source, data, "公安比对.csv")


@pytest.fixture
def monthly(recipient):
    """A recipient of a monthly program (special assistance) since January."""
    return recipient(program=Program.objects.get(code="special-deceased"))


@pytest.mark.django_db
def test_rows_touching_the_jurisdiction_become_findings_and_the_rest_is_counted(
    monthly, recipient, regions, township_reviewer
):
    pending = recipient(status=S.SUBMITTED)
    elsewhere = recipient(village=OTHER_TOWNSHIP_VILLAGE)
    nobody = PersonFactory(region=regions[VILLAGE])
    data = extract(
        (monthly.applicant, "死亡", "2026-09-20", "死亡证明"),
        (pending.applicant, "户籍迁出", "2026-10-02"),
        (elsewhere.applicant, "死亡", "2026-09-01"),
        (nobody, "婚姻登记", "2026-08-01"),
        (("360921196001011234", "某某"), "死亡", "2026-09-01"),
        (monthly.applicant, "出国", "2026-09-01"),
        (monthly.applicant, "死亡", "2099-01-01"),
        ((monthly.applicant.id_number, "别人"), "死亡", "2026-09-01"),
    )
    comparison = compare(township_reviewer, data)

    assert comparison.rows == 8 and comparison.outside == 2
    assert comparison.half_year == datetime.date(2026, 7, 1)
    assert {error["row"] for error in comparison.errors} == {6, 7, 8, 9}
    assert all(error["message"] for error in comparison.errors)
    findings = {f.row: f for f in comparison.findings.all()}
    assert set(findings) == {2, 3}
    assert findings[2].application == monthly and findings[2].kind == "death"
    assert findings[2].happened_on == datetime.date(2026, 9, 20)
    assert "公安" in findings[2].message and findings[2].status == FindingStatus.OPEN
    assert findings[3].application == pending and findings[3].region_id == VILLAGE
    assert AuditEntry.objects.filter(action="compare").count() == 1


@pytest.mark.django_db
def test_a_confirmed_death_ends_the_entitlement_after_its_period(
    monthly, township_reviewer, disburser
):
    comparison = compare(township_reviewer, extract((monthly.applicant, "死亡", "2026-09-20")))
    finding = comparison.findings.get()

    confirmed = perform("confirm", finding, Actor(township_reviewer), {"opinion": "属实"})

    monthly.refresh_from_db()
    assert monthly.status == S.TERMINATED
    assert monthly.paid_until == datetime.date(2026, 9, 30)
    assert confirmed.status == FindingStatus.CONFIRMED and "终止" in confirmed.outcome
    # As an approved death change does: the change is on record, approved, with its cause.
    change = ChangeRequest.objects.get(application=monthly)
    assert change.kind == "death" and change.status == "approved"
    terminated = AuditEntry.objects.get(action="terminate", object_id=str(monthly.pk))
    assert terminated.data["cause"] == "death"
    build = payments.build
    county = monthly.region.parent.parent
    september = build(Actor(disburser), program=monthly.program, county=county, day=_d(9, 15))
    assert september.batch.payment_count == 1
    october = build(Actor(disburser), program=monthly.program, county=county, day=_d(10, 15))
    assert october.batch is None


def _d(month, day):
    return datetime.date(2026, month, day)


@pytest.mark.django_db
def test_a_death_withdraws_a_pending_application(recipient, township_reviewer):
    pending = recipient(status=S.VISITED)
    finding = compare(
        township_reviewer, extract((pending.applicant, "死亡", "2026-10-01"))
    ).findings.get()
    perform("confirm", finding, Actor(township_reviewer), {})
    pending.refresh_from_db()
    assert pending.status == S.WITHDRAWN and "公安" in pending.status_reason


@pytest.mark.django_db
def test_a_move_out_suspends_and_a_hukou_change_suspends_where_rural_hukou_counts(
    recipient, township_reviewer
):
    moved = recipient()
    rural = recipient()
    special = recipient(program=Program.objects.get(code="special-disabled"))
    data = extract(
        (moved.applicant, "户籍迁出", "2026-10-01"),
        (rural.applicant, "农转非", "2026-10-01"),
        (special.applicant, "户籍性质变更", "2026-10-01"),
    )
    for finding in compare(township_reviewer, data).findings.all():
        perform("confirm", finding, Actor(township_reviewer), {})
    for application in (moved, rural, special):
        application.refresh_from_db()
    assert moved.status == S.SUSPENDED and moved.paid_until == datetime.date(2026, 12, 31)
    # The rural reward asks for a rural hukou; special assistance does not.
    assert rural.status == S.SUSPENDED
    assert special.status == S.ENROLLED
    noted = AuditEntry.objects.get(action="comparison_finding", object_id=str(special.pk))
    assert noted.data["kind"] == "hukou_change"


@pytest.mark.django_db
def test_dismissing_needs_an_opinion_and_changes_nothing(monthly, township_reviewer):
    finding = compare(
        township_reviewer, extract((monthly.applicant, "死亡", "2026-09-20"))
    ).findings.get()
    with pytest.raises(ValidationError):
        perform("dismiss", finding, Actor(township_reviewer), {"opinion": ""})
    dismissed = perform(
        "dismiss", finding, Actor(township_reviewer), {"opinion": "系同名他人，已核实"}
    )
    monthly.refresh_from_db()
    assert dismissed.status == FindingStatus.DISMISSED and dismissed.opinion
    assert monthly.status == S.ENROLLED
    with pytest.raises(TransitionConflict):
        perform("confirm", dismissed, Actor(township_reviewer), {})


@pytest.mark.django_db
def test_the_same_file_twice_and_bad_files_are_refused(monthly, township_reviewer):
    data = extract((monthly.applicant, "死亡", "2026-09-20"))
    compare(township_reviewer, data)
    with pytest.raises(ValidationError, match="compared already|已比对"):
        compare(township_reviewer, data)
    with pytest.raises(ValidationError):
        compare(township_reviewer, b"")
    with pytest.raises(ValidationError):
        compare(township_reviewer, "姓名,日期\n张三,2026-01-01\n".encode())
    with pytest.raises(ValidationError):
        compare(township_reviewer, data + b"\n", source="taxation")
    assert ComparisonFinding.objects.count() == 1


@pytest.mark.django_db
def test_who_may_compare_and_decide(monthly, make_officer, village_officer, township_reviewer):
    data = extract((monthly.applicant, "死亡", "2026-09-20"))
    with pytest.raises(PermissionDenied):
        compare(village_officer, data)
    finding = compare(township_reviewer, data).findings.get()
    other_township = make_officer("township_reviewer", "360921101000")
    with pytest.raises(PermissionDenied):
        perform("confirm", finding, Actor(other_township), {})
    county = make_officer("county_approver", "360921000000")
    assert perform("confirm", finding, Actor(county), {}).status == FindingStatus.CONFIRMED


@pytest.mark.django_db
def test_the_dashboard_counts_the_half_years_findings(recipient, township_reviewer):
    first, second = recipient(), recipient()
    findings = compare(
        township_reviewer,
        extract(
            (first.applicant, "死亡", "2026-09-20"), (second.applicant, "户籍迁出", "2026-10-1")
        ),
    )
    assert findings.errors  # "2026-10-1" is no date: one finding only
    perform("confirm", findings.findings.get(), Actor(township_reviewer), {})
    board = dashboard(township_reviewer, township_reviewer.jurisdiction, 2026)
    section = board.section("comparisons")
    rows = {row.label: row.values for row in section.rows}
    assert rows["2026年下半年"] == {"found": 1, "confirmed": 1, "dismissed": 0, "open": 0}
    assert rows["2026年上半年"]["found"] == 0
