"""Small pieces every list and form page shares."""

import tempfile
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from casework import clock
from casework.models import Application
from casework.workbooks import XLSX, write_sheet
from permissions.audit import Actor
from permissions.scoping import visible_to
from web import list_columns
from web.paginators import KeysFirstPaginator
from workflows.transitions import TransitionConflict, UnknownStep, perform
from workflows.transitions import describe_refusal as describe


def paginate(request, queryset, per_page: int | None = None, *, count: int | None = None):
    """One page of a queryset from ``?page=``; out-of-range pages show the last page. ``count``:
    the queryset's length when the caller already knows it."""
    paginator = KeysFirstPaginator(queryset, per_page or settings.CASEWORK_PAGE_SIZE, count=count)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    """The current filters as a query string, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def page_export_url(request) -> str:
    """This list page's own address with its filters and ``format=xlsx``: every row it finds,
    in the columns it shows (``export_list``)."""
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "xlsx"
    return f"{request.path}?{params.urlencode()}"


def wants_workbook(request) -> bool:
    """Whether the list page is asked for its workbook rather than its HTML."""
    return request.GET.get("format") == "xlsx"


# Rows read from the database this many at a time, so a long export never holds them all.
_EXPORT_CHUNK = 2000


def export_list(title, columns, queryset) -> FileResponse:
    """Every row of ``queryset`` (the page's filtered, scoped rows, not one page of them) as a
    workbook of ``columns``, written to a file spooled to disk and streamed from it."""
    out = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)
    rows = (list_columns.cells(columns, row) for row in queryset.iterator(_EXPORT_CHUNK))
    write_sheet(str(title), _with_header(list_columns.header(columns), rows), out)
    out.seek(0)
    name = f"{title}-{clock.today():%Y%m%d}.xlsx"
    response = FileResponse(out, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _with_header(header, rows):
    yield header
    yield from rows


def run_form_action(form, action) -> bool:
    """Call ``action()``; put its validation or permission errors on the form instead of failing."""
    try:
        action()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
        return False
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return False
    return True


def local_next(request) -> str:
    """The page a form names to come back to (``next``) when it is a path of this site, else
    empty: ``//host``, a scheme or a URL name would send the officer off-site with the site's
    own link, or fail."""
    after = request.POST.get("next", "")
    if after.startswith("/") and url_has_allowed_host_and_scheme(after, allowed_hosts=None):
        return after
    return ""


def redirect_back(request, default: str):
    """Back to the form's ``next`` page (:func:`local_next`), or to the page ``default``
    names."""
    return redirect(local_next(request) or default)


def run_step(request, name: str, obj) -> bool:
    """Run a named step from a page's POST and say how it went in a message."""
    try:
        perform(name, obj, Actor.from_request(request), request.POST, request.FILES)
    except UnknownStep:
        messages.error(request, _("No such step."))
    except (ValidationError, PermissionDenied, TransitionConflict) as error:
        messages.error(request, describe(error))
    else:
        messages.success(request, _("Done."))
        return True
    return False


# The session key of the last bulk action's rows, shown once by the application list.
BULK_RESULTS = "bulk_results"


def remember_bulk_results(request, results) -> None:
    """Keep the rows of a bulk action on applications (a step, an appraisal, a posting opened)
    for the application list that follows, each named by its application (applicant, program,
    year) when the officer may see it, so that the table names households rather than numbers:
    one query here, none on the page."""
    names = (
        visible_to(request.user, Application)
        .select_related("applicant", "program")
        .in_bulk([result.id for result in results])
    )
    request.session[BULK_RESULTS] = [
        {**result.as_dict(), "label": str(names[result.id]) if result.id in names else ""}
        for result in results
    ]
