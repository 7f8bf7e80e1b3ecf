"""``reports/dashboard/?year=&region=``: the dashboard's figures (workflows.dashboards) for the
caller's jurisdiction as JSON, or ``&format=xlsx`` as a workbook of one sheet per section.

A region outside the caller's jurisdiction answers 404; a caller without a jurisdiction who
names no region, too.
"""

from django.http import Http404
from rest_framework.renderers import JSONRenderer

from web.api.reports import YearRegionReportView
from web.api.xlsx import ReportXLSXRenderer
from workflows import dashboards
from workflows.enforcement_reports import parse_year


def dashboard_for(user, year, region) -> dashboards.Dashboard:
    """The dashboard of ``year`` and ``region`` (request parameters, both optional)."""
    year = parse_year(year)
    chosen = dashboards.region_for(user, region)
    if chosen is None:
        raise Http404
    return dashboards.dashboard(user, chosen, year)


class DashboardXLSXRenderer(ReportXLSXRenderer):
    """The dashboard as a workbook (``?format=xlsx``)."""

    key = "dashboard"
    to_xlsx = staticmethod(dashboards.to_xlsx)


class DashboardView(YearRegionReportView):
    """``reports/dashboard/?year=&region=``: applications per step and overdue, postings and
    objections, recipients and paid amounts, cases by status and overdue (roles that see
    cases), certificates issued and expiring — each with its breakdown by the regions below."""

    renderer_classes = [JSONRenderer, DashboardXLSXRenderer]

    def report(self, user, year, region):
        return dashboard_for(user, year, region)

    def download_names(self, board) -> tuple[str, str]:
        return f"dashboard-{board.region.code}-{board.year}.xlsx", ""
