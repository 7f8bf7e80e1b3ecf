"""Pages: imports from Excel or CSV (the office's imports and the upload, the template of each
kind, the preview with its row errors, the officer's choice, progress and the result)."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.filters import DataImportFilter
from casework.imports.columns import columns_of
from casework.models import DataImport, ImportKind, ImportStatus
from casework.workbooks import XLSX
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404, visible_to
from web import list_columns
from web.forms.imports import CommitForm, UploadForm
from web.pages import (
    describe,
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    wants_workbook,
)
from workflows import imports


def _kinds_for(user) -> list[ImportKind]:
    return [kind for kind in ImportKind if rules.may_import(user, kind)]


@login_required
def import_list(request):
    kinds = _kinds_for(request.user)
    if not kinds:
        raise PermissionDenied(_("Your role may not import records."))
    found = DataImportFilter(
        request.GET,
        queryset=visible_to(request.user, DataImport).select_related("imported_by"),
    )
    if wants_workbook(request):
        return export_list(_("Imports"), list_columns.IMPORTS, found.qs)
    return render(
        request,
        "casework/import_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.IMPORTS,
            "filter": found,
            "page": paginate(request, found.qs),
            "querystring": querystring_without_page(request),
            "form": UploadForm(user=request.user),
            "kinds": kinds,
        },
    )


@login_required
@require_POST
def import_upload(request):
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        messages.error(request, describe(ValidationError(form.errors.as_data())))
        return redirect("import-list")
    try:
        data_import = imports.upload(
            Actor.from_request(request), form.cleaned_data["kind"], form.cleaned_data["file"]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, describe(error))
        return redirect("import-list")
    return redirect("import-detail", data_import.pk)


@login_required
def import_template(request):
    kind = request.GET.get("kind", "")
    if kind not in ImportKind.values or not rules.may_import(request.user, kind):
        raise PermissionDenied(_("Your role may not import this kind of record."))
    name, data = imports.template_file(kind)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def import_detail(request, pk):
    data_import = get_visible_or_404(
        request.user, DataImport.objects.select_related("job", "imported_by"), pk=pk
    )
    errors_only = request.GET.get("errors") == "1"
    rows = imports.PreviewRows(data_import, errors_only=errors_only)
    return render(
        request,
        "casework/import_detail.html",
        {
            "data_import": data_import,
            "job": data_import.job,
            "columns": columns_of(data_import.kind),
            "page": None if data_import.busy else paginate(request, rows),
            "querystring": querystring_without_page(request),
            "errors_only": errors_only,
            "file_errors": imports.file_errors(data_import),
            "may_commit": data_import.status == ImportStatus.PREVIEWED
            and rules.may_import(request.user, data_import.kind),
        },
    )


@login_required
@require_POST
def import_commit(request, pk):
    data_import = get_visible_or_404(request.user, DataImport, pk=pk)
    form = CommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, describe(ValidationError(form.errors.as_data())))
        return redirect("import-detail", pk)
    try:
        data_import = imports.commit(
            Actor.from_request(request), data_import, form.cleaned_data["mode"]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, describe(error))
        return redirect("import-detail", pk)
    if data_import.status == ImportStatus.IMPORTED:
        messages.success(
            request,
            _("%(count)d rows imported.") % {"count": data_import.imported_rows},
        )
    return redirect("import-detail", pk)
