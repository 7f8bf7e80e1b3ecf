"""Pages: likely duplicate persons for supervisors (list, side-by-side comparison, decision)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import duplicates
from casework.filters import DuplicateFilter
from casework.models import DuplicateSuspect
from permissions import rules
from permissions.scoping import get_visible_or_404, visible_to
from web import list_columns
from web.pages import (
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    wants_workbook,
)
from workflows.transitions import available_steps, history

# Both persons, their villages, and each one's application with its program and spouse: the
# list and the comparison read them all, so each page is one query.
_COMPARED = (
    "person_a__region",
    "person_b__region",
    "application_a__program",
    "application_a__spouse",
    "application_a__region",
    "application_b__program",
    "application_b__spouse",
    "application_b__region",
)


def suspects(user):
    """The likely duplicates ``user`` may see, with what the pages compare; a role that may
    not see duplicates at all is refused (403) before any is looked up."""
    if not rules.may_see_duplicates(user):
        raise PermissionDenied(_("Your role may not see likely duplicates."))
    return visible_to(user, DuplicateSuspect).select_related(*_COMPARED, "resolved_by")


@login_required
def duplicate_list(request):
    found = DuplicateFilter(request.GET, queryset=suspects(request.user))
    if wants_workbook(request):
        return export_list(_("Likely duplicates"), list_columns.DUPLICATES, found.qs)
    return render(
        request,
        "casework/duplicate_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.DUPLICATES,
            "filter": found,
            "page": paginate(request, found.qs),
            "querystring": querystring_without_page(request),
            "may_search": rules.may_search_duplicates(request.user),
        },
    )


@login_required
def duplicate_detail(request, pk: int):
    suspect = get_visible_or_404(request.user, suspects(request.user), pk=pk)
    return render(
        request,
        "casework/duplicate_detail.html",
        {
            "suspect": suspect,
            "later": suspect.later_application(),
            "steps": [(step, step.form()) for step in available_steps(request.user, suspect)],
            "history": history(suspect),
        },
    )


@login_required
@require_POST
def duplicate_search(request):
    """Start a search now (it also runs daily); the job page shows when it is done."""
    if not rules.may_search_duplicates(request.user):
        raise PermissionDenied(_("Your role may not start a search for duplicates."))
    job = duplicates.start_search(request.user)
    messages.success(request, _("The search has started."))
    return redirect("job-detail", pk=job.pk)
