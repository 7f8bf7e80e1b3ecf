"""The yearly two-illegal enforcement statistics (workflows.enforcement_reports): what each
figure counts, the DESIGN.md §5 table reproduced exactly, the workbook reconciling to the fen,
the signed PDF, and who may see it (investigators 403, another county nothing)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from casework import clock
from casework.factories import RegionFactory
from casework.models import (
    ADMINISTRATIVE_PENALTIES,
    CaseParty,
    CaseStatus,
    Disposition,
    DispositionKind,
    DispositionStatus,
    EnforcementCase,
)
from documents import verification
from documents.models import Document
from permissions.factories import OfficerFactory
from permissions.roles import Role
from permissions.scoping import visible_to
from tests.conftest import COUNTY, OTHER_TOWNSHIP, TOWNSHIP, VILLAGE
from workflows import enforcement_reports

YEAR = 2026
OTHER_COUNTY = "360922000000"
OTHER_COUNTY_TOWNSHIP = "360922100000"
FINE = DispositionKind.FINE
WARNING = DispositionKind.WARNING
POLICE = DispositionKind.POLICE_REFERRAL
DISCIPLINE = DispositionKind.DISCIPLINE_REFERRAL
APPROVED, EXECUTED, PROPOSED = (
    DispositionStatus.APPROVED,
    DispositionStatus.EXECUTED,
    DispositionStatus.PROPOSED,
)


@pytest.fixture
def other_county(regions):
    return {
        code: RegionFactory(code=code, name=name)
        for code, name in [(OTHER_COUNTY, "宁远县"), (OTHER_COUNTY_TOWNSHIP, "宁远镇")]
    }


@pytest.fixture
def case_approver(make_officer):
    return make_officer(Role.CASE_APPROVER, COUNTY, username="case_approver")


@pytest.fixture
def supervisor(make_officer):
    return make_officer(Role.SUPERVISOR, COUNTY, username="supervisor")


@pytest.fixture
def investigator(make_officer):
    return make_officer(Role.INVESTIGATOR, COUNTY, username="investigator")


@pytest.fixture
def other_supervisor(other_county):
    return OfficerFactory(
        username="other_supervisor",
        roles=[Role.SUPERVISOR],
        jurisdiction=other_county[OTHER_COUNTY],
    )


class Builder:
    """Cases, parties and decisions written straight to the tables."""

    def __init__(self, officer):
        self.officer = officer
        self.at = clock.now()

    def case(self, region, received_on, registered_on=None, status=None):
        return EnforcementCase.objects.create(
            region_id=region,
            source="public_tip",
            received_on=received_on,
            registered_on=registered_on,
            status=status or (CaseStatus.REGISTERED if registered_on else CaseStatus.CLUE),
            subject="某诊所",
            summary="群众举报",
            recorded_by=self.officer,
            recorded_at=self.at,
        )

    def party(self, case, *, medical=False, outside=False, name="当事人"):
        return CaseParty.objects.create(
            case=case,
            name=name,
            role="medical_staff" if medical else "suspect",
            is_medical_staff=medical,
            from_outside=outside,
            recorded_by=self.officer,
            recorded_at=self.at,
        )

    def decide(self, party, kind, status=APPROVED, amount_fen=None, executed_on=None):
        return Disposition.objects.create(
            case=party.case,
            party=party,
            kind=kind,
            amount_fen=amount_fen,
            grounds="事实清楚",
            status=status,
            executed_on=executed_on,
            proposed_by=self.officer,
            proposed_at=self.at,
        )


@pytest.fixture
def small_county(case_approver, other_county):
    """A small county year: every rule of counting shows once."""
    build = Builder(case_approver)
    day = datetime.date
    # Chengguan: received and registered this year; both parties from outside.
    a = build.case(TOWNSHIP, day(2026, 3, 2), day(2026, 3, 5), CaseStatus.DECIDED)
    doctor = build.party(a, medical=True, outside=True, name="医生甲")
    clerk = build.party(a, outside=True, name="职员乙")
    build.decide(doctor, POLICE)
    build.decide(doctor, FINE, EXECUTED, 3_000_000, day(2026, 5, 6))
    build.decide(doctor, WARNING, EXECUTED, executed_on=day(2026, 5, 6))
    build.decide(doctor, WARNING)  # the same measure twice for one party counts once
    build.decide(clerk, DISCIPLINE, EXECUTED, executed_on=day(2026, 6, 1))
    build.decide(clerk, FINE, PROPOSED, 5_000_000)  # a proposal is no decision
    # A village of Chengguan: registered this year, a fine not yet paid (1 fen to reconcile).
    b = build.case(VILLAGE, day(2026, 8, 1), day(2026, 8, 3), CaseStatus.DECIDED)
    intermediary = build.party(b, name="中介丙")
    build.decide(intermediary, FINE, APPROVED, 1_000_001)
    build.decide(intermediary, POLICE, EXECUTED, executed_on=day(2026, 9, 1))
    # Shiqiao: registered last year, its fine paid this year: handled this year, but its
    # decisions belong to last year's figures.
    c = build.case(OTHER_TOWNSHIP, day(2025, 11, 20), day(2025, 12, 1), CaseStatus.CLOSING_PROPOSED)
    nurse = build.party(c, medical=True, name="护士丁")
    build.decide(nurse, FINE, EXECUTED, 2_000_000, day(2026, 1, 15))
    # Shiqiao: a clue received this year, not registered.
    build.case(OTHER_TOWNSHIP, day(2026, 10, 9))
    # The county itself: registered this year, a discipline referral of a local official.
    d = build.case(COUNTY, day(2026, 4, 1), day(2026, 4, 8), CaseStatus.DECIDED)
    official = build.party(d, name="干部戊")
    build.decide(official, DISCIPLINE, APPROVED)
    # Not this year at all.
    old = build.case(VILLAGE, day(2024, 5, 1), day(2024, 5, 2), CaseStatus.CLOSED)
    build.decide(build.party(old, medical=True), FINE, EXECUTED, 9_900_000, day(2024, 7, 1))
    # Another county's case: never in ours.
    e = build.case(OTHER_COUNTY_TOWNSHIP, day(2026, 2, 2), day(2026, 2, 3), CaseStatus.DECIDED)
    build.decide(build.party(e, medical=True, outside=True), POLICE)
    build.decide(build.party(e), FINE, EXECUTED, 7_700_000, day(2026, 3, 3))


def direct_counts(cases, year):
    """The figures counted one row at a time in Python, from the definitions."""
    handled = [
        case
        for case in cases
        if case.received_on.year == year
        or (case.registered_on and case.registered_on.year == year)
        or any(
            d.status == EXECUTED and d.executed_on and d.executed_on.year == year
            for d in case.dispositions.all()
        )
    ]
    parties = [party for case in handled for party in case.parties.all()]
    decided = [
        d
        for case in cases
        if case.registered_on and case.registered_on.year == year
        for d in case.dispositions.all()
        if d.status in (APPROVED, EXECUTED)
    ]

    def referred(kind, outside=False):
        return len(
            {
                d.party_id
                for d in decided
                if d.kind == kind and (d.party.from_outside or not outside)
            }
        )

    fines = [d for d in decided if d.kind == FINE]
    return {
        "cases_handled": len(handled),
        "cases_registered": sum(
            1 for case in handled if case.registered_on and case.registered_on.year == year
        ),
        "persons": len(parties),
        "medical_staff": sum(1 for party in parties if party.is_medical_staff),
        "criminal_referrals": referred(POLICE),
        "criminal_from_outside": referred(POLICE, outside=True),
        "discipline_referrals": referred(DISCIPLINE),
        "discipline_from_outside": referred(DISCIPLINE, outside=True),
        "penalties": len(
            {(d.party_id, d.kind) for d in decided if d.kind in ADMINISTRATIVE_PENALTIES}
        ),
        "fines_imposed_fen": sum(d.amount_fen for d in fines),
        "fines_collected_fen": sum(d.amount_fen for d in fines if d.status == EXECUTED),
    }


def figures(row):
    return {name: getattr(row, name) for name in enforcement_reports.COUNTS}


@pytest.mark.django_db
def test_each_figure_counts_what_its_definition_says(small_county, case_approver):
    report = enforcement_reports.yearly(visible_to(case_approver, EnforcementCase), YEAR, COUNTY)

    assert report.title == "安和县2026年度两非案件查处情况统计表"
    assert figures(report.total) == {
        "cases_handled": 5,
        "cases_registered": 3,
        "persons": 5,
        "medical_staff": 2,
        "criminal_referrals": 2,
        "criminal_from_outside": 1,
        "discipline_referrals": 2,
        "discipline_from_outside": 1,
        "penalties": 3,
        "fines_imposed_fen": 4_000_001,
        "fines_collected_fen": 3_000_000,
    }
    assert report.total.fines_imposed == Decimal("40000.01")
    rows = {row.name: row for row in report.rows}
    assert list(rows) == ["安和县本级", "城关镇", "石桥乡"]
    assert (rows["城关镇"].cases_handled, rows["城关镇"].persons, rows["城关镇"].penalties) == (
        2,
        3,
        3,
    )
    assert (rows["石桥乡"].cases_handled, rows["石桥乡"].cases_registered) == (2, 0)
    assert (rows["石桥乡"].persons, rows["石桥乡"].fines_imposed_fen) == (1, 0)
    assert rows["安和县本级"].discipline_referrals == 1
    for name in enforcement_reports.COUNTS:
        assert getattr(report.total, name) == sum(getattr(row, name) for row in report.rows)

    cases = list(
        visible_to(case_approver, EnforcementCase).filter(region__code__startswith="360921")
    )
    assert figures(report.total) == direct_counts(cases, YEAR)
    last_year = enforcement_reports.yearly(EnforcementCase.objects.all(), 2025, COUNTY)
    assert last_year.total.fines_imposed_fen == 2_000_000
    assert last_year.total.fines_collected_fen == 2_000_000


@pytest.mark.django_db
def test_a_township_and_the_whole_tree(small_county, case_approver):
    scoped = visible_to(case_approver, EnforcementCase)
    township = enforcement_reports.yearly(scoped, YEAR, TOWNSHIP)
    assert [row.name for row in township.rows] == ["城关镇本级", "东风村", "红星村"]
    assert township.total.cases_handled == 2
    everything = enforcement_reports.yearly(EnforcementCase.objects.all(), YEAR)
    assert [row.name for row in everything.rows] == ["安和县", "宁远县"]
    assert everything.total.cases_handled == 6
    assert everything.rows[1].fines_collected_fen == 7_700_000


# DESIGN.md §5: one county in one year.
DESIGN_TABLE = {
    "cases_handled": 49,
    "persons": 98,
    "medical_staff": 51,
    "criminal_referrals": 4,
    "criminal_from_outside": 3,
    "discipline_referrals": 11,
    "discipline_from_outside": 7,
    "penalties": 76,
    "fines_imposed_fen": 15_000_000,
}


@pytest.fixture
def design_county(case_approver):
    """49 cases (30 in Chengguan, 19 in Shiqiao), two parties each, written in bulk."""
    at = clock.now()
    cases = EnforcementCase.objects.bulk_create(
        EnforcementCase(
            region_id=TOWNSHIP if n < 30 else OTHER_TOWNSHIP,
            source="inspection",
            received_on=datetime.date(2026, 1 + n % 12, 1 + n % 28),
            registered_on=datetime.date(2026, 1 + n % 12, 1 + n % 28),
            status=CaseStatus.CLOSED,
            subject=f"案件{n}",
            summary="专项检查发现",
            recorded_by=case_approver,
            recorded_at=at,
        )
        for n in range(49)
    )
    parties = CaseParty.objects.bulk_create(
        CaseParty(
            case=cases[n // 2],
            name=f"当事人{n}",
            role="medical_staff" if n < 51 else "suspect",
            is_medical_staff=n < 51,
            # 3 of the 4 referred to the police and 7 of the 11 disciplined come from outside.
            from_outside=n < 3 or 4 <= n < 11,
            public_employee=4 <= n < 15,
            recorded_by=case_approver,
            recorded_at=at,
        )
        for n in range(98)
    )

    def decision(n, kind, status=EXECUTED, amount_fen=None):
        return Disposition(
            case_id=parties[n].case_id,
            party=parties[n],
            kind=kind,
            amount_fen=amount_fen,
            grounds="事实清楚",
            status=status,
            executed_on=datetime.date(2026, 10, 1) if status == EXECUTED else None,
            proposed_by=case_approver,
            proposed_at=at,
        )

    decisions = (
        [decision(n, POLICE) for n in range(4)]
        + [decision(n, DISCIPLINE, APPROVED) for n in range(4, 15)]
        # 76 person-times: 30 fines of 5,000 yuan, 46 warnings.
        + [decision(n, FINE, amount_fen=500_000) for n in range(22, 52)]
        + [decision(n, WARNING) for n in range(52, 98)]
        # Neither counts: a warning repeated, a fine only proposed.
        + [decision(60, WARNING), decision(20, FINE, PROPOSED, 300_000)]
    )
    Disposition.objects.bulk_create(decisions)
    return cases


@pytest.mark.django_db
def test_the_design_table_exactly(design_county, case_approver, django_assert_num_queries):
    scoped = visible_to(case_approver, EnforcementCase)
    with django_assert_num_queries(4):
        report = enforcement_reports.yearly(scoped, YEAR, COUNTY)

    assert {name: getattr(report.total, name) for name in DESIGN_TABLE} == DESIGN_TABLE
    assert report.total.fines_imposed == Decimal("150000.00")
    assert figures(report.total) == direct_counts(list(scoped), YEAR)
    assert [(row.name, row.cases_handled, row.persons) for row in report.rows] == [
        ("城关镇", 30, 60),
        ("石桥乡", 19, 38),
    ]


@pytest.mark.django_db
def test_the_api_shows_the_table_and_its_workbook_reconciles(
    design_county, case_approver, supervisor, login_api
):
    for officer in (case_approver, supervisor):
        body = login_api(officer).get(f"/api/v1/reports/enforcement/?year={YEAR}").json()
        assert body["region"] == COUNTY and body["title"].startswith("安和县2026年度")
        total = body["total"]
        assert total["cases_handled"] == 49 and total["persons"] == 98
        assert total["medical_staff"] == 51 and total["penalties"] == 76
        assert (total["criminal_referrals"], total["criminal_from_outside"]) == (4, 3)
        assert (total["discipline_referrals"], total["discipline_from_outside"]) == (11, 7)
        assert total["fines_imposed"] == "150000.00"

    response = login_api(case_approver).get(
        f"/api/v1/reports/enforcement/?year={YEAR}&region={COUNTY}&format=xlsx"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = [list(line) for line in sheet.iter_rows(values_only=True)]
    assert lines[0][0] == "安和县2026年度两非案件查处情况统计表"
    assert lines[1] == enforcement_reports.HEADERS
    body, total = lines[2:-1], lines[-1]
    assert [line[0] for line in body] == ["城关镇", "石桥乡"]
    assert total[:10] == ["合计", 49, 49, 98, 51, 4, 3, 11, 7, 76]
    assert total[10] == "150000.00"
    assert sum(Decimal(line[10]) for line in body) == Decimal(total[10])
    assert sum(Decimal(line[11]) for line in body) == Decimal(total[11])
    for column in range(1, 10):
        assert sum(line[column] for line in body) == total[column]


@pytest.mark.django_db
def test_the_signed_pdf_issues_and_verifies(design_county, case_approver, login_api, offices):
    response = login_api(case_approver).post(
        "/api/v1/reports/enforcement/pdf/", {"year": YEAR, "region": COUNTY}, format="json"
    )
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])
    assert response.json()["number"] == document.number == "安和县卫健〔2026〕两非统字第0001号"
    assert document.kind == "enforcement_report"
    assert document.title == "安和县2026年度两非案件查处情况统计表"
    assert document.context["total"][:10] == ["合计", 49, 49, 98, 51, 4, 3, 11, 7, 76]
    with document.file.open("rb") as handle:
        data = handle.read()
    verdict = verification.verify_pdf(data)
    assert verdict.valid and verdict.document == document
    text = "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )
    assert "两非案件查处情况统计表" in text and "150000.00" in text


@pytest.mark.django_db
def test_an_investigator_may_not_see_the_statistics(design_county, investigator, login_api, client):
    api = login_api(investigator)
    assert api.get("/api/v1/reports/enforcement/").status_code == 403
    assert api.get("/api/v1/reports/enforcement/?format=xlsx").status_code == 403
    response = api.post("/api/v1/reports/enforcement/pdf/", {"year": YEAR}, format="json")
    assert response.status_code == 403
    client.force_login(investigator)
    assert client.get(reverse("enforcement-report")).status_code == 403
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_another_county_sees_nothing_of_ours(design_county, other_supervisor, login_api, client):
    api = login_api(other_supervisor)
    body = api.get(f"/api/v1/reports/enforcement/?year={YEAR}").json()
    assert body["region"] == OTHER_COUNTY
    assert all(
        value in (0, "0.00")
        for key, value in body["total"].items()
        if key not in ("region", "name")
    )
    assert [row["name"] for row in body["rows"]] == ["宁远镇"]
    assert api.get(f"/api/v1/reports/enforcement/?region={COUNTY}").status_code == 404
    response = api.post("/api/v1/reports/enforcement/pdf/", {"region": COUNTY}, format="json")
    assert response.status_code == 404
    client.force_login(other_supervisor)
    assert client.get(reverse("enforcement-report"), {"region": COUNTY}).status_code == 404


@pytest.mark.django_db
def test_a_bad_year_is_refused_naming_the_field(case_approver, login_api):
    response = login_api(case_approver).get("/api/v1/reports/enforcement/?year=abc")
    assert response.status_code == 400
    assert "year" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_the_page_shows_the_table_and_issues_the_pdf(design_county, case_approver, client, offices):
    client.force_login(case_approver)
    page = client.get(reverse("enforcement-report"), {"year": YEAR})
    assert page.status_code == 200
    content = page.content.decode()
    assert "安和县2026年度两非案件查处情况统计表" in content
    assert "150000.00" in content and "format=xlsx" in content
    empty = client.get(reverse("enforcement-report"), {"year": 2019})
    assert empty.status_code == 200 and "150000.00" not in empty.content.decode()
    assert 'class="empty"' in empty.content.decode()

    issued = client.post(reverse("enforcement-report"), {"year": YEAR, "region": COUNTY})
    document = Document.objects.get(kind="enforcement_report")
    assert issued.status_code == 302
    assert issued["Location"] == reverse("document-detail", args=[document.pk])
    assert document.context["total"][-2] == "150000.00"
