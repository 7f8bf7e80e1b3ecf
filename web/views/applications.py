"""Pages: reward and assistance applications (list with bulk appraisal, apply, detail)."""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import clock
from casework.filters import ApplicationFilter
from casework.models import Application, ChangeStatus, Recovery, VisitPhoto
from documents.models import Document
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404, visible_to
from web import list_columns
from web.forms.applications import ApplicationForm, AppraisalForm, BulkStepForm
from web.pages import (
    BULK_RESULTS,
    describe,
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    redirect_back,
    remember_bulk_results,
    run_form_action,
    wants_workbook,
)
from web.views.postings import OpenPostingForm
from workflows import applications, bulk, recoveries
from workflows.transitions import available_steps, history


@login_required
def application_list(request):
    found = ApplicationFilter(
        request.GET,
        queryset=visible_to(request.user, Application).select_related(
            "program", "applicant", "region"
        ),
    )
    if wants_workbook(request):
        return export_list(_("Applications"), list_columns.APPLICATIONS, found.qs)
    return render(
        request,
        "casework/application_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.APPLICATIONS,
            "filter": found,
            "page": paginate(request, found.qs),
            "querystring": querystring_without_page(request),
            "may_apply": rules.may_apply_for_reward(request.user),
            "appraisal_form": AppraisalForm(),
            "bulk_form": BulkStepForm(user=request.user),
            "may_post": rules.may_open_postings(request.user),
            "posting_form": OpenPostingForm(
                initial={"starts_on": clock.today(), "year": clock.today().year, "days": 7}
            ),
            "results": request.session.pop(BULK_RESULTS, None),
        },
    )


@login_required
def application_create(request):
    if not rules.may_apply_for_reward(request.user):
        raise PermissionDenied(_("Your role may not record applications."))
    form = ApplicationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        application = form.application()
        if run_form_action(
            form,
            lambda: applications.apply(
                Actor.from_request(request),
                application,
                form.facts(),
                submit="draft" not in request.POST,
            ),
        ):
            messages.success(
                request,
                _("Draft saved; submit it once the family has signed.")
                if "draft" in request.POST
                else _("Application recorded; print the declaration form for signature."),
            )
            return redirect("application-detail", pk=application.pk)
    return render(request, "casework/application_form.html", {"form": form})


# Steps taken for many applications at once from the list, named on the detail page so the
# officer knows where the next step is.
_ON_THE_LIST = {
    "visited": gettext_lazy("The democratic appraisal is recorded on the application list"),
    "appraised": gettext_lazy("The village posting is recorded on the application list"),
    "township_checked": gettext_lazy("The township posting is recorded on the application list"),
    "rechecked": gettext_lazy("The county posting is recorded on the application list"),
}


@login_required
def application_detail(request, pk: int):
    application = get_visible_or_404(
        request.user,
        Application.objects.select_related(
            "program", "applicant", "spouse", "region", "filing__officer"
        ).prefetch_related("program__conditions", "program__standards"),
        pk=pk,
    )
    # Read once for the table and the assessment (in the order they were recorded).
    facts = list(application.facts.select_related("recorded_by"))
    return render(
        request,
        "casework/application_detail.html",
        {
            "application": application,
            "assessment": applications.assessment_of(application, applications.latest_facts(facts)),
            "facts": facts,
            "visits": application.visits.select_related("officer").prefetch_related("photos"),
            "reviews": application.annual_reviews.select_related("officer"),
            **_recovery_context(request.user, application),
            "steps": [
                (step, step.form_for(application))
                for step in available_steps(request.user, application)
            ],
            "history": history(application),
            "may_request_change": rules.may_request_change(request.user, application),
            "open_changes": visible_to(
                request.user, application.change_requests.filter(status=ChangeStatus.REQUESTED)
            ).select_related("requested_by"),
            "on_the_list": _ON_THE_LIST.get(application.status),
            "documents": visible_to(request.user, Document.objects.for_subject(application)),
        },
    )


def _recovery_context(user, application) -> dict:
    recovery = visible_to(user, Recovery.objects.filter(application=application)).first()
    if recovery is None:
        return {}
    return {
        "recovery": recovery,
        "repayments": recovery.repayments.select_related("recorded_by"),
        "repayment_form": recoveries.RepaymentForm(initial={"paid_on": clock.today()})
        if rules.may_record_repayment(user, recovery) and recovery.status == "open"
        else None,
        "recovery_steps": [(s, s.form()) for s in available_steps(user, recovery)],
    }


@login_required
def visit_photo(request, pk: int, photo_id: int):
    """A household visit's photo, for whoever sees the application (anyone else: 404)."""
    application = get_visible_or_404(request.user, Application, pk=pk)
    photo = get_object_or_404(VisitPhoto, pk=photo_id, visit__application=application)
    return FileResponse(
        photo.file.open("rb"),
        content_type=photo.content_type,
        filename=os.path.basename(photo.file.name),
    )


@login_required
@require_POST
def application_appraise(request):
    """The same opinion for the selected applications of one village meeting."""
    form = AppraisalForm(request.POST)
    selected = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
    if not selected:
        messages.error(request, _("Select the applications the meeting appraised."))
    elif not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        data = form.cleaned_data
        try:
            _appraisal, results = applications.record_appraisal(
                Actor.from_request(request),
                held_on=data["held_on"],
                attendees=data["attendees"],
                attendees_by_kind=form.attendees_by_kind(),
                minutes=data["minutes"],
                opinions={pk: (data["opinion"], data["note"]) for pk in selected},
            )
        except ValidationError as error:
            messages.error(request, describe(error))
        else:
            done = sum(result.done for result in results)
            messages.success(
                request,
                _("%(done)s of %(total)s appraised.") % {"done": done, "total": len(results)},
            )
            remember_bulk_results(request, results)
    return redirect_back(request, "application-list")


@login_required
@require_POST
def application_bulk(request):
    """One step for the selected applications; each row reports done or refused and why."""
    form = BulkStepForm(request.POST, user=request.user)
    selected = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
    if not selected or not form.is_valid():
        messages.error(request, _("Select the applications and choose the step."))
        return redirect_back(request, "application-list")
    run = bulk.run_bulk(
        Actor.from_request(request), form.cleaned_data["step"], selected, request.POST
    )
    done = sum(result.done for result in run.results)
    messages.success(
        request, _("%(done)s of %(total)s done.") % {"done": done, "total": len(run.results)}
    )
    if run.job:
        messages.info(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("The filed approval forms are being signed in the background."),
                reverse("job-detail", args=[run.job.pk]),
                _("Follow the progress"),
            ),
        )
    remember_bulk_results(request, run.results)
    return redirect_back(request, "application-list")
