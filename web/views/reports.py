"""Pages: the yearly two-illegal enforcement statistics, with the workbook and the signed PDF.

Mounted under ``reports/enforcement/`` by web/urls.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework import clock
from casework.models import Region
from permissions.audit import Actor
from permissions.scoping import visible_to
from web.api.enforcement_reports import check_may_see, report_for
from workflows import enforcement_reports


def _regions(user):
    """The caller's jurisdiction and the regions directly below it, to choose from."""
    if user.jurisdiction_id is None:
        return Region.objects.none()
    code = user.jurisdiction_id
    return visible_to(user, Region).filter(Q(code=code) | Q(parent_id=code)).order_by("code")


@login_required
@require_http_methods(["GET", "POST"])
def enforcement_report(request):
    """GET shows the table of ``?year=&region=``; POST issues it as a signed PDF."""
    check_may_see(request.user)
    params = request.POST if request.method == "POST" else request.GET
    year, region = params.get("year", ""), params.get("region", "")
    report, refused = None, False
    try:
        report = report_for(request.user, year, region)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    if request.method == "POST" and report is not None:
        try:
            document = enforcement_reports.issue_pdf(Actor.from_request(request), report)
        except ValidationError as error:
            refused = True
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Issued %(number)s, signed by %(office)s.")
                % {"number": document.number, "office": document.office.name},
            )
            return redirect("document-detail", pk=document.pk)
    query = {}
    if report is not None:
        query = {"year": report.year, "region": report.region_code or ""}
    return render(
        request,
        "casework/enforcement_report.html",
        {
            "report": report,
            "year": report.year if report else clock.today().year,
            "region": (report.region_code or "") if report else region,
            "regions": _regions(request.user),
            "querystring": urlencode(query),
        },
        status=400 if report is None or refused else 200,
    )


urlpatterns = [path("", enforcement_report, name="enforcement-report")]
