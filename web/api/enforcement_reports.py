"""``reports/enforcement/``: the yearly two-illegal enforcement statistics
(workflows.enforcement_reports) over the caller's cases, as JSON or ``?format=xlsx``, and
``reports/enforcement/pdf/`` to issue the same table as a signed PDF.

Only officers who see cases by jurisdiction (``casework.view_enforcementcase``: case approvers
and supervisors) may ask; others get 403. A region outside the caller's reach answers 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.models import EnforcementCase, Region
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import visible_to
from web.api.inputs import CheckedInputMixin
from web.api.reports import YearRegionReportView
from web.api.xlsx import ReportXLSXRenderer
from workflows import enforcement_reports


def check_may_see(user) -> None:
    if not rules.may_see_statistics_of(user, EnforcementCase):
        raise PermissionDenied(_("Your role may not see the enforcement statistics."))


def region_for(user, code) -> str | None:
    """The region asked for (the caller's jurisdiction by default), if the caller reaches it."""
    code = (code or "").strip() or user.jurisdiction_id
    if code is None:
        return None
    if not visible_to(user, Region).filter(code=code).exists():
        raise Http404
    return code


def report_for(user, year, region) -> enforcement_reports.EnforcementReport:
    """The report of ``year`` and ``region`` (request parameters) over the caller's cases."""
    check_may_see(user)
    year = enforcement_reports.parse_year(year)
    return enforcement_reports.yearly(
        visible_to(user, EnforcementCase), year, region_for(user, region)
    )


class EnforcementXLSXRenderer(ReportXLSXRenderer):
    """The enforcement statistics as a workbook (``?format=xlsx``)."""

    key = "report"
    to_xlsx = staticmethod(enforcement_reports.to_xlsx)


class EnforcementReportView(YearRegionReportView):
    """``reports/enforcement/?year=&region=``: cases handled, persons investigated, referrals,
    penalties and fines of the year, by region below ``region`` (the caller's jurisdiction by
    default), with the total row; ``?format=xlsx`` as a workbook."""

    renderer_classes = [JSONRenderer, EnforcementXLSXRenderer]

    def report(self, user, year, region):
        return report_for(user, year, region)

    def download_names(self, report) -> tuple[str, str]:
        return f"enforcement-{report.year}.xlsx", f"{report.title}.xlsx"


class IssueSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)
    region = serializers.CharField(required=False, allow_blank=True, max_length=12)


class EnforcementReportPdfView(CheckedInputMixin, APIView):
    """``reports/enforcement/pdf/`` with ``{"year", "region"}``: issue the table as a signed
    PDF (kind ``enforcement_report``) by the office serving the region; 201 with the document."""

    @extend_schema(request=IssueSerializer, responses={201: dict})
    def post(self, request, format=None):
        check_may_see(request.user)
        incoming = IssueSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        report = report_for(request.user, data.get("year"), data.get("region"))
        document = enforcement_reports.issue_pdf(Actor.from_request(request), report)
        return Response(
            {
                "id": document.pk,
                "number": document.number,
                "code": document.code,
                "title": document.title,
                "kind": document.kind,
            },
            status=status.HTTP_201_CREATED,
        )


# Mounted under ``reports/enforcement/`` by web/api/urls.py.
urlpatterns = [
    path("", EnforcementReportView.as_view(), name="api-report-enforcement"),
    path("pdf/", EnforcementReportPdfView.as_view(), name="api-report-enforcement-pdf"),
]
