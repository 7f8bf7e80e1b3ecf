"""Pages: the regions of an administrator's jurisdiction and their report lines (举报电话),
which every posting prints for its levels."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.models import RegionLevel
from permissions import rules
from permissions.audit import Actor
from web import list_columns
from web.pages import (
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    run_form_action,
    wants_workbook,
)
from workflows import regions


class ReportPhoneForm(forms.Form):
    report_phone = forms.CharField(
        label=gettext_lazy("Report phone"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Leave empty when this level has no report line."),
    )


def _require_region_editor(request) -> None:
    if not request.user.has_perm(rules.may_edit_region.permission):
        raise PermissionDenied(_("Only administrators record the regions' report lines."))


@login_required
def region_list(request):
    """The regions of the administrator's jurisdiction, searchable by name or code and by
    level, with their report lines; ``?format=xlsx`` as a workbook."""
    _require_region_editor(request)
    shown = regions.editable_by(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        shown = shown.filter(Q(name__contains=q) | Q(code__startswith=q))
    level = request.GET.get("level", "")
    if level in RegionLevel.values:
        shown = shown.filter(level=level)
    if request.GET.get("missing") == "1":
        shown = shown.filter(report_phone="")
    shown = shown.order_by("code")
    if wants_workbook(request):
        return export_list(_("Report lines"), list_columns.REGIONS, shown)
    return render(
        request,
        "casework/region_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.REGIONS,
            "page": paginate(request, shown),
            "querystring": querystring_without_page(request),
            "levels": RegionLevel.choices,
            "filters": {"q": q, "level": level, "missing": request.GET.get("missing") == "1"},
        },
    )


@login_required
def region_edit(request, code: str):
    """Record one region's report line (an administrator of its jurisdiction; elsewhere 404)."""
    _require_region_editor(request)
    region = get_object_or_404(regions.editable_by(request.user), code=code)
    form = ReportPhoneForm(request.POST or None, initial={"report_phone": region.report_phone})
    if request.method == "POST" and form.is_valid():

        def record():
            regions.record_report_phone(
                Actor.from_request(request), region, form.cleaned_data["report_phone"]
            )

        if run_form_action(form, record):
            messages.success(request, _("Report line of %(region)s saved.") % {"region": region})
            return redirect("region-list")
    return render(request, "casework/region_form.html", {"form": form, "region": region})
