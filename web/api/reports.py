"""The shape of the API's yearly reports (``reports/…/?year=&region=``): JSON, or the report's
workbook with ``?format=xlsx``. Its own module: web/api/xlsx.py is loaded by DRF's settings
while ``rest_framework.views`` is still being imported, so it cannot hold a view."""

from urllib.parse import quote

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from web.api.inputs import CheckedInputMixin
from web.api.xlsx import ReportXLSXRenderer


class YearRegionReportView(CheckedInputMixin, APIView):
    """A report of one year over one region of the caller's reach (``?year=&region=``, both
    optional), as JSON or, with ``?format=xlsx``, as the workbook of the view's
    :class:`ReportXLSXRenderer` (which reads the report under its ``key``)."""

    def report(self, user, year, region):
        """The report asked for (the raw request parameters); raises Http404 or
        PermissionDenied as the caller's reach says."""
        raise NotImplementedError

    def download_names(self, report) -> tuple[str, str]:
        """The workbook's file name in ASCII, and as people read it ("" for the same)."""
        raise NotImplementedError

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="the year (this year by default)"),
            OpenApiParameter("region", str, description="12-digit region code"),
        ],
        responses={200: dict},
    )
    def get(self, request, format=None):
        report = self.report(
            request.user, request.query_params.get("year"), request.query_params.get("region")
        )
        renderer = request.accepted_renderer
        if not isinstance(renderer, ReportXLSXRenderer):
            return Response(report.as_dict())
        ascii_name, name = self.download_names(report)
        response = Response({renderer.key: report})
        disposition = f"attachment; filename={ascii_name}"
        if name:
            disposition += f"; filename*=UTF-8''{quote(name)}"
        response["Content-Disposition"] = disposition
        return response
