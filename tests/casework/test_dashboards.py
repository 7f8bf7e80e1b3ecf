"""Dashboards: every figure equals a count made directly in the test over the demo county, the
rows by region add up to their parent, other regions are refused, sections follow the role,
the workbook holds the same numbers, and the page's queries do not grow with the regions.

The demo county is built once for the module (about a minute) inside a transaction that is
rolled back when the module ends; each test runs in a savepoint inside it.
"""

import datetime
import io
from collections import Counter, defaultdict

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from casework import clock
from casework.models import (
    Application,
    ApplicationStatus,
    CaseStatus,
    CertificateKind,
    CertificateStatus,
    Disposition,
    DispositionStatus,
    EnforcementCase,
    MigrantCertificate,
    Objection,
    ObjectionStatus,
    Payment,
    PaymentStatus,
    Posting,
    PostingLevel,
    PostingStatus,
    Region,
)
from casework.models.cases import add_working_days
from casework.region_codes import subtree_bounds
from demo.county import COUNTY, FIRST_TOWNSHIP, load_demo
from permissions.factories import OfficerFactory
from permissions.models import Officer
from permissions.roles import Role
from web import charts
from workflows import dashboards, inbox

TODAY = "2026-11-24"
YEAR = 2026
VILLAGE = "360921100201"  # the demo village officer's
OTHER_TOWNSHIP = "360921101000"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo county, loaded once for the module and rolled back after it."""
    keys = tmp_path_factory.mktemp("keys")
    pinned = override_settings(
        DEBUG=True,
        CASEWORK_TODAY=TODAY,
        CASEWORK_SIGNING_KEY_DIR=keys,
        CASEWORK_TRUST_ROOTS=[keys / "ca.pem"],
        CASEWORK_SIGNING_PASSPHRASE="demo",
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with pinned:
                load_demo()
            _backdate_some_tasks()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _backdate_some_tasks():
    """The demo's tasks opened just now; make every other open application task a month
    old, so some applications are overdue and some are not."""
    ids = Application.objects.order_by("pk").values_list("pk", flat=True)
    old = [pk for index, pk in enumerate(ids) if index % 2 == 0]
    Application.objects.filter(pk__in=old).update(
        status_changed_at=clock.now() - datetime.timedelta(days=30)
    )


@pytest.fixture
def officer(demo, db):
    def get(username: str) -> Officer:
        return Officer.objects.get(username=username)

    return get


def _in(code: str, field: str = "region_id") -> dict:
    low, high = subtree_bounds(code)
    return {f"{field}__gte": low, f"{field}__lte": high}


def _rows(section) -> dict:
    return {row.key: row.values for row in section.rows}


def _value(values: dict, key: str) -> int:
    return values.get(key, 0)


# The direct counts: plain ORM and Python over the region's rows, independent of the
# grouped queries of workflows.dashboards.


def _expected_applications(code: str, year: int) -> dict:
    late = clock.now() - datetime.timedelta(days=settings.CASEWORK_STEP_OVERDUE_DAYS)
    flagged = {step.status for step in inbox.steps() if step.flagged}
    expected = {}
    for step in inbox.steps():
        applications = Application.objects.filter(year=year, status=step.status, **_in(code))
        overdue = 0
        for application in applications:
            if step.status in flagged and application.status_changed_at < late:
                overdue += 1
        expected[step.status] = {"waiting": applications.count(), "overdue": overdue}
    return expected


def _expected_postings(code: str, year: int) -> dict:
    expected = {}
    for level in PostingLevel.values:
        postings = Posting.objects.filter(year=year, level=level, **_in(code))
        objections = Objection.objects.filter(
            entry__posting__year=year,
            entry__posting__level=level,
            **_in(code, "entry__application__region_id"),
        )
        expected[level] = {
            "open": postings.filter(status=PostingStatus.OPEN).count(),
            "closed": postings.filter(status=PostingStatus.CLOSED).count(),
            "objections_open": objections.filter(status=ObjectionStatus.OPEN).count(),
            "objections_handled": objections.filter(
                status__in=[ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED]
            ).count(),
        }
    return expected


def _expected_recipients(code: str, year: int) -> dict:
    enrolled = Application.objects.filter(
        status=ApplicationStatus.ENROLLED, paid_from__lte=datetime.date(year, 12, 31), **_in(code)
    )
    return dict(Counter(application.program.name for application in enrolled))


def _expected_payments(code: str, year: int) -> dict:
    expected = defaultdict(lambda: {"persons": 0, "paid": 0})
    paid = Payment.objects.filter(
        status=PaymentStatus.PAID,
        period_start__year=year,
        **_in(code, "application__region_id"),
    ).select_related("batch__program")
    for payment in paid:
        key = f"{payment.batch.program.name}/{payment.period_start}"
        expected[key]["persons"] += 1
        expected[key]["paid"] += payment.amount_fen
    return dict(expected)


def _expected_cases(code: str, year: int) -> dict:
    today = clock.today()
    clue_cutoff = add_working_days(today, -settings.CASEWORK_REGISTRATION_WORKING_DAYS)
    executed = set(
        Disposition.objects.filter(
            status=DispositionStatus.EXECUTED, executed_on__year=year
        ).values_list("case_id", flat=True)
    )
    expected = {status: {"cases": 0, "overdue": 0} for status in CaseStatus.values}
    for case in EnforcementCase.objects.filter(**_in(code)):
        handled = (
            case.received_on.year == year
            or (case.registered_on and case.registered_on.year == year)
            or case.pk in executed
        )
        still_open = case.status not in (CaseStatus.CLOSED, CaseStatus.DECLINED)
        if not (handled or (still_open and case.received_on.year <= year)):
            continue
        expected[case.status]["cases"] += 1
        if (case.status == CaseStatus.CLUE and case.received_on < clue_cutoff) or (
            case.status == CaseStatus.REGISTERED and case.decision_due < today
        ):
            expected[case.status]["overdue"] += 1
    return expected


def _expected_certificates(code: str, year: int) -> dict:
    today = clock.today()
    expected = {}
    for kind in CertificateKind.values:
        certificates = MigrantCertificate.objects.filter(kind=kind, **_in(code))
        in_force = [
            c.valid_until
            for c in certificates.filter(status=CertificateStatus.ISSUED)
            if c.valid_until >= today
        ]
        expected[kind] = {
            "issued": sum(1 for c in certificates if c.valid_from and c.valid_from.year == year),
            "expiring_30": sum(1 for day in in_force if (day - today).days <= 30),
            "expiring_90": sum(1 for day in in_force if (day - today).days <= 90),
        }
    return expected


def _check_every_figure(board, code: str) -> None:
    for section_key, expected in (
        ("applications", _expected_applications(code, board.year)),
        ("postings", _expected_postings(code, board.year)),
        ("cases", _expected_cases(code, board.year)),
        ("certificates", _expected_certificates(code, board.year)),
    ):
        rows = _rows(board.section(section_key))
        assert set(rows) == set(expected), section_key
        for key, values in expected.items():
            for measure, value in values.items():
                assert _value(rows[key], measure) == value, (section_key, key, measure)
    recipients = _rows(board.section("recipients"))
    assert {key: values["recipients"] for key, values in recipients.items()} == (
        _expected_recipients(code, board.year)
    )
    payments = _rows(board.section("payments"))
    assert {key: dict(values) for key, values in payments.items()} == _expected_payments(
        code, board.year
    )


def test_the_county_figures_equal_direct_counts(officer):
    supervisor = officer("supervisor")  # sees every section
    county = Region.objects.get(code=COUNTY)
    board = dashboards.dashboard(supervisor, county, YEAR)
    assert [section.key for section in board.sections] == [
        "applications",
        "visits",
        "postings",
        "recipients",
        "payments",
        "cases",
        "certificates",
        "comparisons",
    ]
    _check_every_figure(board, COUNTY)
    # Last year's batch is the demo's paid one.
    last_year = dashboards.dashboard(supervisor, county, YEAR - 1)
    _check_every_figure(last_year, COUNTY)
    assert last_year.section("payments").total["paid"] > 0
    # The demo has something in each section, so these checks compare real numbers.
    applications = board.section("applications").total
    assert applications["waiting"] > applications["overdue"] > 0
    assert board.section("postings").total["open"] > 0
    assert board.section("postings").total["objections_open"] > 0
    assert board.section("recipients").total["recipients"] > 0
    assert board.section("cases").total["overdue"] > 0
    assert board.section("certificates").total["issued"] > 0


def test_the_township_and_village_figures_equal_direct_counts(officer):
    supervisor = officer("supervisor")
    for code in (FIRST_TOWNSHIP, VILLAGE):
        for year in (YEAR, YEAR - 1):
            board = dashboards.dashboard(supervisor, Region.objects.get(code=code), year)
            _check_every_figure(board, code)


def test_rows_by_region_add_up_and_each_drills_down_to_the_same_figures(officer):
    supervisor = officer("supervisor")
    county = Region.objects.get(code=COUNTY)
    board = dashboards.dashboard(supervisor, county, YEAR)
    townships = list(Region.objects.filter(parent_id=COUNTY).order_by("code"))
    for section in board.sections:
        drillable = [row.code for row in section.regions if row.drill]
        assert drillable == [township.code for township in townships]
        # Counts add up; a rate (入户率…) is the ratio of two of them, computed on each row.
        for measure in (m for m in section.measures if not m.ratio):
            key = measure.key
            assert sum(_value(row.values, key) for row in section.regions) == _value(
                section.total, key
            )
            assert sum(_value(row.values, key) for row in section.rows) == _value(
                section.total, key
            )
    first = dashboards.dashboard(supervisor, Region.objects.get(code=FIRST_TOWNSHIP), YEAR)
    for section in board.sections:
        parent_row = next(row for row in section.regions if row.code == FIRST_TOWNSHIP)
        below = first.section(section.key)
        for measure in section.measures:
            assert _value(below.total, measure.key) == _value(parent_row.values, measure.key)
        assert sum(_value(row.values, section.chart.key) for row in below.regions) == _value(
            below.total, section.chart.key
        )
    village = dashboards.dashboard(supervisor, Region.objects.get(code=VILLAGE), YEAR)
    assert village.children == [] and all(not s.regions for s in village.sections)
    assert [region.code for region in village.breadcrumb] == [COUNTY, FIRST_TOWNSHIP, VILLAGE]


def test_a_region_outside_the_jurisdiction_is_refused(client, officer, login_api):
    village_officer = officer("village_officer")
    client.force_login(village_officer)
    for code in (OTHER_TOWNSHIP, FIRST_TOWNSHIP, COUNTY, "360921100202", "369999999999"):
        assert client.get(reverse("dashboard"), {"region": code}).status_code == 404, code
        response = login_api(village_officer).get("/api/v1/reports/dashboard/", {"region": code})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    township_reviewer = officer("township_reviewer")
    client.force_login(township_reviewer)
    assert client.get(reverse("dashboard"), {"region": OTHER_TOWNSHIP}).status_code == 404
    assert client.get(reverse("dashboard"), {"region": VILLAGE}).status_code == 200


def test_roles_without_case_rights_see_no_case_section(client, officer):
    for username in ("investigator", "county_approver", "village_officer"):
        user = officer(username)
        board = dashboards.dashboard(user, user.jurisdiction, YEAR)
        assert board.section("cases") is None, username
        client.force_login(user)
        html = client.get(reverse("dashboard")).content.decode()
        assert 'id="cases"' not in html and 'id="applications"' in html
    approver = officer("case_approver")
    assert dashboards.dashboard(approver, approver.jurisdiction, YEAR).section("cases")
    # Payments and certificates only for the roles that see them.
    approver_board = dashboards.dashboard(officer("county_approver"), approver.jurisdiction, YEAR)
    assert approver_board.section("payments") is None
    assert approver_board.section("certificates") is None
    assert dashboards.dashboard(officer("fund_manager"), approver.jurisdiction, YEAR).section(
        "payments"
    )


def test_the_workbook_has_the_same_numbers(officer, login_api):
    supervisor = officer("supervisor")
    board = dashboards.dashboard(supervisor, Region.objects.get(code=COUNTY), YEAR - 1)
    response = login_api(supervisor).get(
        "/api/v1/reports/dashboard/", {"year": YEAR - 1, "format": "xlsx"}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(workbook.sheetnames) == len(board.sections)
    for sheet, section in zip(workbook.worksheets, board.sections, strict=True):
        lines = [list(line) for line in sheet.iter_rows(values_only=True)]
        expected = [
            [row.label, *(_cell(m, row.values) for m in section.measures)]
            for row in [*section.rows]
        ]
        assert lines[2 : 2 + len(expected)] == expected
        total = lines[2 + len(expected)]
        assert total[1:] == [_cell(m, section.total) for m in section.measures]
        regions = [
            [row.label, *(_cell(m, row.values) for m in section.measures)]
            for row in section.regions
        ]
        assert lines[-len(regions) :] == regions
    payments = workbook.worksheets[board.sections.index(board.section("payments"))]
    paid = [line for line in payments.iter_rows(values_only=True)]
    assert any(isinstance(cell, str) and cell.endswith(".00") for line in paid for cell in line)


def _cell(measure, values):
    """A value as the workbook and the API give it: yuan text, a rate's percentage, a count."""
    value = values.get(measure.key, 0)
    if measure.money:
        return f"{measure.show(value):.2f}"
    return measure.show(value) if measure.ratio else value


def test_the_api_gives_the_same_figures_as_json(officer, login_api):
    supervisor = officer("supervisor")
    board = dashboards.dashboard(supervisor, Region.objects.get(code=FIRST_TOWNSHIP), YEAR - 1)
    response = login_api(supervisor).get(
        "/api/v1/reports/dashboard/", {"region": FIRST_TOWNSHIP, "year": YEAR - 1}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["region"] == FIRST_TOWNSHIP and body["year"] == YEAR - 1
    assert set(body["sections"]) == {section.key for section in board.sections}
    applications = body["sections"]["applications"]
    assert applications["total"] == {
        "waiting": board.section("applications").total["waiting"],
        "overdue": board.section("applications").total["overdue"],
    }
    paid = board.section("payments").total["paid"]
    assert paid > 0
    assert body["sections"]["payments"]["total"]["paid"] == f"{paid / 100:.2f}"
    assert [row["region"] for row in applications["regions"]] == [
        region.code for region in board.children
    ]


def test_the_page_shows_charts_tables_and_drill_links(client, officer):
    supervisor = officer("supervisor")
    client.force_login(supervisor)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    board = response.context["board"]
    assert board.region.code == COUNTY and board.year == YEAR
    html = response.content.decode()
    shown = [section for section in board.sections if not section.is_empty]
    assert 0 < len(shown) < len(board.sections)  # 2026 has nothing paid yet
    assert html.count("<svg") == 2 * len(shown)
    assert html.count('class="empty"') == len(board.sections) - len(shown)
    assert f'href="?region={FIRST_TOWNSHIP}&amp;year={YEAR}"' in html
    assert "/api/v1/reports/dashboard/?region=360921000000&amp;year=2026&amp;format=xlsx" in html
    assert "<script" not in html
    home = client.get(reverse("home")).content.decode()
    assert reverse("dashboard") in home


def test_a_year_with_nothing_shows_empty_states_and_a_bad_year_is_refused(client, officer):
    client.force_login(officer("supervisor"))
    response = client.get(reverse("dashboard"), {"year": 2015})
    assert response.status_code == 200
    assert all(section.is_empty for section in response.context["board"].sections)
    assert 'class="empty"' in response.content.decode()
    bad = client.get(reverse("dashboard"), {"year": "20x6"})
    assert bad.status_code == 400 and bad.context["board"] is None


def test_an_officer_without_a_jurisdiction_sees_an_empty_state(client, officer):
    officer_without = OfficerFactory(roles=[Role.SUPERVISOR], jurisdiction=None)
    client.force_login(officer_without)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200 and response.context["board"] is None


@pytest.mark.parametrize(
    ("username", "code", "most"),
    # One grouped query per section (the visits' three: applications, visits, yearly reviews),
    # the regions below and the breadcrumb: none grows with the rows or the regions.
    [("supervisor", COUNTY, 18), ("supervisor", VILLAGE, 18), ("village_officer", VILLAGE, 13)],
)
def test_the_page_runs_a_fixed_number_of_queries(
    client, officer, django_assert_max_num_queries, username, code, most
):
    client.force_login(officer(username))
    with django_assert_max_num_queries(most):
        response = client.get(reverse("dashboard"), {"region": code, "year": YEAR})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("items", "widths"),
    [
        ([("a", 1, 1), ("b", 4, 4), ("c", 0, 0)], [90.0, 360.0, 0]),
        ([("a", 0, 0), ("b", 0, 0)], [0, 0]),
        ([], []),
    ],
)
def test_bar_widths_are_proportional_to_the_largest(items, widths):
    chart = charts.bar_chart("t", items)
    assert [bar.width for bar in chart.bars] == widths
    assert chart.height == max(len(items), 1) * charts.ROW_HEIGHT
