"""入户率, 见面率, 取证率 on the dashboard, per township: of the year's applications handed in,
those visited at home; of the visits and yearly reviews, those that met the person; of the
visits, those with photos of the documents seen."""

import datetime

import pytest
from django.utils import timezone

from casework.models import AnnualReview, ApplicationStatus, HouseholdVisit, Level, VisitPhoto
from tests.conftest import OTHER_TOWNSHIP_VILLAGE
from workflows.dashboards import dashboard, to_xlsx

S = ApplicationStatus


def visit(application, officer, *, met=True, photo=False, level=Level.VILLAGE):
    made = HouseholdVisit.objects.create(
        application=application,
        level=level,
        visited_on=datetime.date(2026, 10, 1),
        met_in_person=met,
        opinion="入户核实",
        officer=officer,
        signed_at=timezone.now(),
    )
    if photo:
        VisitPhoto.objects.create(
            visit=made,
            file="visit-photos/x.jpg",
            sha256="0" * 64,
            content_type="image/jpeg",
            size=1,
        )
    return made


@pytest.mark.django_db
def test_the_rates_per_township_and_for_the_county(
    recipient, village_officer, make_officer, django_assert_max_num_queries
):
    visited = [recipient(status=S.VISITED, year=2026) for _ in range(3)]
    recipient(status=S.SUBMITTED, year=2026)  # handed in, not visited yet
    recipient(status=S.DRAFT, year=2026)  # not handed in: not counted
    away = recipient(status=S.VISITED, year=2026, village=OTHER_TOWNSHIP_VILLAGE)
    visit(visited[0], village_officer, photo=True)
    visit(visited[1], village_officer, photo=True)
    visit(visited[2], village_officer, met=False)
    visit(away, village_officer, photo=True)
    # A county recheck is a visit too, but not the village's home visit.
    visit(visited[0], village_officer, level=Level.COUNTY)
    enrolled = recipient(year=2025)
    AnnualReview.objects.create(
        application=enrolled,
        year=2026,
        reviewed_on=datetime.date(2026, 3, 1),
        met_in_person=True,
        alive=True,
        still_eligible=True,
        officer=village_officer,
        signed_at=timezone.now(),
    )

    county = make_officer("county_approver", "360921000000")
    with django_assert_max_num_queries(14):
        board = dashboard(county, county.jurisdiction, 2026)
    section = board.section("visits")
    total = dict(zip([m.key for m in section.measures], section.total_cells, strict=True))
    assert total["applications"] == 5 and total["households_visited"] == 4
    assert total["visit_rate"] == "80.0%"
    # Five visits (one missed the applicant) and one yearly review that met the recipient.
    assert total["contacts"] == 6 and total["met"] == 5 and total["meet_rate"] == "83.3%"
    assert total["visits_evidenced"] == 3 and total["evidence_rate"] == "60.0%"
    by_region = {
        row.code: dict(zip([m.key for m in section.measures], cells, strict=True))
        for row, cells in section.region_lines
    }
    assert by_region["360921100000"]["visit_rate"] == "75.0%"
    assert by_region["360921101000"]["visit_rate"] == "100.0%"
    assert board.as_dict()["sections"]["visits"]["total"]["evidence_rate"] == "60.0%"
    assert to_xlsx(board)


@pytest.mark.django_db
def test_a_rate_over_nothing_is_a_dash(make_officer):
    county = make_officer("county_approver", "360921000000")
    section = dashboard(county, county.jurisdiction, 2026).section("visits")
    cells = dict(zip([m.key for m in section.measures], section.total_cells, strict=True))
    assert cells["visit_rate"] == "—" and cells["applications"] == 0
