"""Pages: public postings (open from the application list, objections, close)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import construct_instance
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import clock
from casework.filters import PostingFilter
from casework.form_fields import DatePicker
from casework.models import Application, Objection, ObjectionChannel, Posting, Program, Region
from casework.region_codes import region_code_at
from documents.models import Document
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
    redirect_back,
    remember_bulk_results,
    wants_workbook,
)
from workflows import postings
from workflows.transitions import available_steps, history


class OpenPostingForm(postings.PostingForm):
    program = forms.ModelChoiceField(label=gettext_lazy("Program"), queryset=Program.objects.all())
    year = forms.IntegerField(label=gettext_lazy("Year"))


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["entry", "channel", "content", "reporter_name", "reporter_contact", "received_on"]
        labels = {"entry": gettext_lazy("Objection to")}
        widgets = {
            "received_on": DatePicker(),
            "content": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, posting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = posting.entries.select_related("application__applicant")
        self.fields["entry"].label_from_instance = lambda entry: entry.application.applicant.name
        self.fields["channel"].choices = ObjectionChannel.choices

    def _post_clean(self):
        # Build the instance only; the workflow action checks it together with its posting.
        construct_instance(self, self.instance, self._meta.fields)


@login_required
def posting_list(request):
    found = PostingFilter(
        request.GET, queryset=visible_to(request.user, Posting).select_related("region", "program")
    )
    if wants_workbook(request):
        return export_list(_("Postings"), list_columns.POSTINGS, found.qs)
    return render(
        request,
        "casework/posting_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.POSTINGS,
            "filter": found,
            "page": paginate(request, found.qs),
            "querystring": querystring_without_page(request),
            "may_close": rules.may_close_postings(request.user),
            "results": request.session.pop("posting_results", None),
        },
    )


@login_required
@require_POST
def posting_close_many(request):
    """Close the selected postings whose period has ended; each reports done or why not."""
    selected = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
    if not selected:
        messages.error(request, _("Select the postings to close."))
        return redirect_back(request, "posting-list")
    results = postings.close_many(Actor.from_request(request), selected)
    done = sum(result.done for result in results)
    messages.success(
        request, _("%(done)s of %(total)s done.") % {"done": done, "total": len(results)}
    )
    request.session["posting_results"] = [r.as_dict("posting") for r in results]
    return redirect_back(request, "posting-list")


@login_required
def posting_detail(request, pk: int):
    posting = get_visible_or_404(
        request.user, Posting.objects.select_related("region", "program", "document"), pk=pk
    )
    objections = visible_to(
        request.user, Objection.objects.filter(entry__posting=posting)
    ).select_related("entry__application__applicant")
    may_handle = rules.may_post(request.user, posting.level, posting.region_id)
    return render(
        request,
        "casework/posting_detail.html",
        {
            "posting": posting,
            # A long list's notice is issued by a background job, which does not link it back.
            "notice": posting.document
            or visible_to(request.user, Document.objects.for_subject(posting)).first(),
            "entries": posting.entries.select_related("application__applicant"),
            "report_lines": postings.report_lines(posting),
            "objections": [
                (o, [(s, s.form()) for s in available_steps(request.user, o)]) for o in objections
            ],
            # Closing is offered from the day after the period; the step itself refuses earlier.
            "steps": [
                (s, s.form())
                for s in available_steps(request.user, posting)
                if s.name != "close" or clock.today() > posting.ends_on
            ],
            "runs_until": posting.ends_on
            if posting.status == "open" and clock.today() <= posting.ends_on
            else None,
            "history": history(posting),
            "objection_form": ObjectionForm(posting=posting)
            if may_handle and posting.status == "open"
            else None,
            "show_reporters": rules.may_see_objection_reporters(request.user),
        },
    )


@login_required
@require_POST
def posting_open(request):
    """Post the applications selected on the application list: the level and the region (the
    village, township or county) follow from the first selected application."""
    selected = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
    form = OpenPostingForm(request.POST)
    first = visible_to(request.user, Application).filter(pk__in=selected).first()
    level = postings.level_ready(first.status) if first else None
    if level is None or not form.is_valid():
        messages.error(request, _("Select the applications to post and fill in the posting."))
        return redirect_back(request, "application-list")
    data = form.cleaned_data
    region = Region.objects.get(
        code=region_code_at(first.region_id, postings.LEVELS[level].region_level)
    )
    try:
        opened = postings.open_posting(
            Actor.from_request(request),
            level=level,
            program=data["program"],
            year=data["year"],
            region=region,
            starts_on=data["starts_on"],
            days=data["days"],
            place=data["place"],
            contact_phone=data["contact_phone"],
            application_ids=selected,
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, describe(error))
        return redirect_back(request, "application-list")
    remember_bulk_results(request, opened.results)
    if opened.posting is None:
        messages.error(request, _("No application could be posted."))
        return redirect_back(request, "application-list")
    if opened.notice_job:
        messages.success(request, _("Posted; the notice is being issued, follow its progress."))
        return redirect("job-detail", pk=opened.notice_job.pk)
    messages.success(request, _("Posted; print the posting notice for the notice board."))
    return redirect("posting-detail", pk=opened.posting.pk)


@login_required
@require_POST
def objection_create(request, pk: int):
    posting = get_visible_or_404(request.user, Posting, pk=pk)
    form = ObjectionForm(request.POST, posting=posting)
    if form.is_valid():
        try:
            postings.record_objection(Actor.from_request(request), form.instance)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, describe(error))
        else:
            messages.success(
                request,
                _("Objection recorded; the entry stays on the posting until it is resolved."),
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("posting-detail", pk=pk)
