"""Pages: change requests for enrolled recipients (list, request from the application's page,
detail with the facts before and after side by side and the township's decision)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from casework.filters import ChangeRequestFilter
from casework.models import Application, ChangeKind, ChangeRequest
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404, visible_to
from web import list_columns
from web.pages import (
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    run_form_action,
    wants_workbook,
)
from workflows import changes
from workflows.transitions import available_steps, history


@login_required
def change_list(request):
    found = ChangeRequestFilter(
        request.GET,
        queryset=visible_to(request.user, ChangeRequest).select_related(
            "application__applicant", "application__program", "region", "requested_by"
        ),
    )
    if wants_workbook(request):
        return export_list(_("Change requests"), list_columns.CHANGE_REQUESTS, found.qs)
    return render(
        request,
        "casework/change_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.CHANGE_REQUESTS,
            "filter": found,
            "page": paginate(request, found.qs),
            "querystring": querystring_without_page(request),
        },
    )


@login_required
def change_create(request, pk: int):
    """Ask for the kind of change first (``?kind=``, a plain GET form), then show only that
    kind's fields; a refused request comes back with its kind and its errors."""
    application = get_visible_or_404(
        request.user, Application.objects.select_related("applicant", "program"), pk=pk
    )
    if not rules.may_request_change(request.user, application):
        raise PermissionDenied(
            _("Changes are requested for enrolled or suspended recipients only.")
        )
    kind = request.POST.get("kind") or request.GET.get("kind", "")
    if kind not in ChangeKind.values:
        return render(
            request,
            "casework/change_form.html",
            {
                "kind_form": changes.ChangeKindForm(request.GET if kind else None),
                "application": application,
            },
        )
    form = changes.ChangeRequestForm(request.POST or None, request.FILES or None, kind=kind)
    created = []
    if request.method == "POST" and form.is_valid():
        if run_form_action(
            form,
            lambda: created.append(
                changes.request_change(
                    Actor.from_request(request),
                    application,
                    form.cleaned_data,
                    form.cleaned_data.get("file"),
                )
            ),
        ):
            messages.success(request, _submitted(created[0]))
            return redirect("change-detail", pk=created[0].pk)
    return render(
        request,
        "casework/change_form.html",
        {"form": form, "kind": ChangeKind(kind), "application": application},
    )


def _submitted(change: ChangeRequest) -> str:
    """What was submitted and who decides next (rules.may_decide_change: the township)."""
    return _(
        "Change requested: %(kind)s for %(name)s, effective from %(day)s. Next, a township "
        "reviewer of %(township)s approves or rejects it."
    ) % {
        "kind": change.get_kind_display(),
        "name": change.application.applicant.name,
        "day": change.effective_from.isoformat(),
        "township": change.region.parent.name,
    }


@login_required
def change_detail(request, pk: int):
    change = get_visible_or_404(
        request.user,
        ChangeRequest.objects.select_related(
            "application__applicant", "application__program", "region", "requested_by", "decided_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "casework/change_detail.html",
        {
            "change": change,
            "rows": changes.comparison(change, request.user),
            "steps": [(step, step.form()) for step in available_steps(request.user, change)],
            "history": history(change),
        },
    )


@login_required
def change_file(request, pk: int):
    change = get_visible_or_404(request.user, ChangeRequest, pk=pk)
    if not change.file:
        raise Http404
    return FileResponse(
        change.file.open("rb"),
        content_type=change.content_type,
        filename=f"change-{change.pk}{change.extension}",
    )
