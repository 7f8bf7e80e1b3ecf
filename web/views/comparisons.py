"""Pages: the half-yearly data comparison with other departments (半年数据比对). Township and
county offices upload another department's extract (with its template); the list shows the
comparisons the officer may see, and a comparison's page its row errors and its findings, each
open one with its confirm and dismiss steps (taken through the step page, ``findings``)."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework.imports.columns import COMPARISON, TEMPLATE_TITLES
from casework.imports.files import MAX_BYTES, template_bytes
from casework.models import Comparison, ComparisonFinding
from casework.workbooks import XLSX
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404, visible_to
from web.forms.comparisons import ComparisonFilter, ComparisonUploadForm, FindingFilter
from web.list_columns import Column, local_date, local_minute
from web.pages import (
    describe,
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    wants_workbook,
)
from workflows import comparisons
from workflows.transitions import available_steps

# The row errors a comparison's page lists; the API's detail gives them all.
SHOWN_ERRORS = 500

COMPARISONS = (
    Column(gettext_lazy("File"), lambda c: c.file_name),
    Column(gettext_lazy("Department"), lambda c: c.get_source_display()),
    Column(gettext_lazy("Half-year"), lambda c: comparisons.half_year_label(c.half_year)),
    Column(gettext_lazy("Open findings"), lambda c: c.open_count),
    Column(gettext_lazy("Findings"), lambda c: c.findings_count),
    Column(gettext_lazy("Rows"), lambda c: c.rows),
    Column(gettext_lazy("Rows outside the jurisdiction"), lambda c: c.outside),
    Column(gettext_lazy("Row errors"), lambda c: len(c.errors)),
    Column(gettext_lazy("Uploaded by"), lambda c: str(c.uploaded_by)),
    Column(gettext_lazy("Uploaded at"), lambda c: local_minute(c.uploaded_at)),
)


def finding_columns(user) -> tuple[Column, ...]:
    """The columns of a comparison's findings, ID numbers whole only where ``user``'s role
    sees them whole (``rules.may_see_full_id_number``), masked elsewhere."""
    return (
        Column(gettext_lazy("Row"), lambda f: f.row),
        Column(gettext_lazy("Name"), lambda f: f.person.name),
        Column(gettext_lazy("ID number"), lambda f: rules.id_number_for(user, f.person)),
        Column(gettext_lazy("What was found"), lambda f: f.get_kind_display()),
        Column(gettext_lazy("Date"), lambda f: f.happened_on),
        Column(gettext_lazy("What the row says"), lambda f: f.message),
        Column(gettext_lazy("Status"), lambda f: f.get_status_display()),
        Column(gettext_lazy("Outcome"), lambda f: f.outcome),
        Column(gettext_lazy("Opinion"), lambda f: f.opinion),
        Column(
            gettext_lazy("Decided by"),
            lambda f: f"{f.decided_by} {local_date(f.decided_at)}" if f.decided_by_id else "",
        ),
    )


def finding_rows(user) -> QuerySet:
    """The findings whose comparison ``user`` may see, for the step page to look a finding up
    in (it narrows them to the findings the user may see): a finding is decided from its
    comparison's page, so one of a comparison out of reach is not found."""
    return ComparisonFinding.objects.filter(comparison__in=visible_to(user, Comparison))


@login_required
def comparison_list(request):
    """The comparisons the officer may see, by department and half-year (also as a workbook),
    with the upload form for the offices that compare."""
    if not rules.may_see_comparisons(request.user):
        raise PermissionDenied(_("Your role may not see data comparisons."))
    found = ComparisonFilter(
        request.GET,
        queryset=visible_to(request.user, Comparison).select_related("uploaded_by"),
    )
    rows = comparisons.with_counts(found.qs)
    if wants_workbook(request):
        return export_list(_("Data comparisons"), COMPARISONS, rows)
    page = paginate(request, rows)
    page.object_list = list(page.object_list)
    for comparison in page.object_list:
        comparison.half_year_label = comparisons.half_year_label(comparison.half_year)
    return render(
        request,
        "casework/comparison_list.html",
        {
            "export_url": page_export_url(request),
            "columns": COMPARISONS,
            "filter": found,
            "page": page,
            "querystring": querystring_without_page(request),
            "form": ComparisonUploadForm() if rules.may_compare(request.user) else None,
        },
    )


@login_required
@require_POST
def comparison_upload(request):
    """Compare an uploaded extract; its page follows, or the list with why it was refused."""
    if not rules.may_compare(request.user):
        raise PermissionDenied(_("Your role may not compare other departments' data."))
    form = ComparisonUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, describe(ValidationError(form.errors.as_data())))
        return redirect("comparison-list")
    upload = form.cleaned_data["file"]
    try:
        comparison = comparisons.compare(
            Actor.from_request(request),
            form.cleaned_data["source"],
            # One byte more than allowed is enough to refuse a file that is too large.
            upload.read(MAX_BYTES + 1),
            upload.name or "",
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, describe(error))
        return redirect("comparison-list")
    messages.success(request, compared_message(comparison))
    return redirect("comparison-detail", comparison.pk)


def compared_message(comparison: Comparison) -> str:
    """What an upload found, in one line."""
    return _(
        "Rows compared: %(rows)d; findings to decide: %(findings)d; rows outside the "
        "jurisdiction: %(outside)d; row errors: %(errors)d."
    ) % {
        "rows": comparison.rows,
        "findings": comparison.findings.count(),
        "outside": comparison.outside,
        "errors": len(comparison.errors),
    }


@login_required
def comparison_template(request):
    """The template workbook of an extract, for the offices that compare."""
    if not rules.may_compare(request.user):
        raise PermissionDenied(_("Your role may not compare other departments' data."))
    response = HttpResponse(template_bytes(COMPARISON), content_type=XLSX)
    name = quote(f"{TEMPLATE_TITLES[COMPARISON]}.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def _row_form(step, finding):
    """The step's form, to fit in the finding's row: each field says what it asks in itself
    (the row has no room for labels), with ids of its own row."""
    form = step.form(auto_id=f"finding-{finding.pk}-{step.name}-%s")
    for field in form.fields.values():
        field.widget.attrs.update(placeholder=field.label, **{"aria-label": field.label})
    return form


@login_required
def comparison_detail(request, pk: int):
    """A comparison: its row errors, and its findings by status and kind (also as a
    workbook), each open one with the steps the officer may take."""
    comparison = get_visible_or_404(
        request.user,
        comparisons.with_counts(Comparison.objects.select_related("uploaded_by")),
        pk=pk,
    )
    found = FindingFilter(
        request.GET,
        queryset=visible_to(request.user, comparison.findings.all()).select_related(
            "person", "decided_by"
        ),
    )
    columns = finding_columns(request.user)
    if wants_workbook(request):
        title = _("Comparison findings %(n)s") % {"n": comparison.pk}
        return export_list(title, columns, found.qs)
    page = paginate(request, found.qs)
    user = request.user
    rows = [
        (
            finding,
            rules.id_number_for(user, finding.person),
            [(step, _row_form(step, finding)) for step in available_steps(user, finding)],
        )
        for finding in page.object_list
    ]
    errors = sorted(comparison.errors, key=lambda error: error["row"])
    return render(
        request,
        "casework/comparison_detail.html",
        {
            "comparison": comparison,
            "half_year": comparisons.half_year_label(comparison.half_year),
            "errors": errors[:SHOWN_ERRORS],
            "more_errors": max(len(errors) - SHOWN_ERRORS, 0),
            "export_url": page_export_url(request),
            "columns": columns,
            "filter": found,
            "page": page,
            "rows": rows,
            "querystring": querystring_without_page(request),
        },
    )
