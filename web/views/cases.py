"""Pages: two-illegal enforcement cases (list, clue, detail, the informant for approvers)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import clock
from casework.filters import CaseFilter
from casework.form_fields import DatePicker
from casework.models import EnforcementCase, Region
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404, visible_to
from web import list_columns
from web.pages import (
    describe,
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    run_form_action,
    wants_workbook,
)
from web.views.case_decisions import decisions_context
from workflows import case_files, cases
from workflows.transitions import TransitionConflict, available_steps, history


class ClueForm(forms.ModelForm):
    informant_name = forms.CharField(
        label=gettext_lazy("Informant's name"), max_length=50, required=False
    )
    informant_contact = forms.CharField(
        label=gettext_lazy("Informant's contact"), max_length=100, required=False
    )

    class Meta:
        model = EnforcementCase
        fields = ["region", "source", "received_on", "subject", "summary"]
        widgets = {
            "received_on": DatePicker(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = visible_to(user, Region).filter(
            level__in=["county", "township", "village"]
        )
        self.fields["received_on"].initial = clock.today()

    def _post_clean(self):
        # The workflow validates the case with its recorder; build the instance only.
        forms.models.construct_instance(self, self.instance, self._meta.fields)


@login_required
def case_list(request):
    found = CaseFilter(
        request.GET, queryset=visible_to(request.user, EnforcementCase).select_related("region")
    )
    if wants_workbook(request):
        return export_list(_("Two-illegal cases"), list_columns.CASES, found.qs)
    return render(
        request,
        "casework/case_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.CASES,
            "filter": found,
            "page": paginate(request, found.qs),
            "querystring": querystring_without_page(request),
            "may_record": rules.may_record_clues(request.user),
        },
    )


@login_required
def case_create(request):
    if not rules.may_record_clues(request.user):
        raise PermissionDenied(_("Your role may not record clues here."))
    form = ClueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        informant = {
            "name": form.cleaned_data["informant_name"],
            "contact": form.cleaned_data["informant_contact"],
        }
        if run_form_action(
            form, lambda: cases.record_clue(Actor.from_request(request), form.instance, informant)
        ):
            messages.success(request, _("Clue recorded."))
            return redirect("case-detail", pk=form.instance.pk)
    return render(request, "casework/case_form.html", {"form": form})


@login_required
def case_detail(request, pk: int):
    case = get_visible_or_404(request.user, EnforcementCase.objects.select_related("region"), pk=pk)
    investigating = rules.may_investigate(request.user, case)
    return render(
        request,
        "casework/case_detail.html",
        {
            "case": case,
            "investigators": [g.user for g in case.grants.select_related("user")],
            "steps": [
                (step, step.form())
                for step in available_steps(request.user, case)
                if step.name != "record_execution"  # a form per decision, in the table
            ],
            **decisions_context(case, investigating),
            **case_files.case_file_context(case, investigating),
            "history": history(case),
            "may_see_informant": rules.may_see_informant(request.user, case),
        },
    )


@login_required
def case_informant(request, pk: int):
    """Who reported the clue: approvers and supervisors only, each showing audited."""
    case = get_visible_or_404(request.user, EnforcementCase, pk=pk)
    informant = cases.informant_of(Actor.from_request(request), case)
    return render(request, "casework/case_informant.html", {"case": case, "informant": informant})


def _add_to_case_file(request, pk: int, add, done: str):
    """Run one addition to a case's file from a page's POST; say how it went and go back."""
    case = get_visible_or_404(request.user, EnforcementCase, pk=pk)
    try:
        add(Actor.from_request(request), case)
    except (ValidationError, PermissionDenied, TransitionConflict) as error:
        messages.error(request, describe(error))
    else:
        messages.success(request, done)
    return redirect("case-detail", pk=pk)


@login_required
@require_POST
def case_add_party(request, pk: int):
    return _add_to_case_file(
        request,
        pk,
        lambda actor, case: case_files.add_party(actor, case, request.POST),
        _("Party recorded."),
    )


@login_required
@require_POST
def case_add_evidence(request, pk: int):
    return _add_to_case_file(
        request,
        pk,
        lambda actor, case: case_files.add_evidence(
            actor,
            case,
            request.FILES.get("file"),
            request.POST.get("kind", ""),
            request.POST.get("description", ""),
            request.POST.get("collected_on", ""),
        ),
        _("Evidence recorded."),
    )


@login_required
@require_POST
def case_add_action(request, pk: int):
    return _add_to_case_file(
        request,
        pk,
        lambda actor, case: case_files.add_action(
            actor, case, request.POST.get("happened_on", ""), request.POST.get("description", "")
        ),
        _("Chronology entry recorded."),
    )


@login_required
def case_evidence_download(request, pk: int, evidence_id: int):
    """An evidence file, for whoever sees the case (anyone else: 404)."""
    case = get_visible_or_404(request.user, EnforcementCase, pk=pk)
    evidence = case_files.evidence_of(case, evidence_id)
    return FileResponse(
        evidence.file.open("rb"),
        content_type=case_files.content_type_of(evidence),
        as_attachment=True,
        filename=case_files.download_name(evidence),
    )
