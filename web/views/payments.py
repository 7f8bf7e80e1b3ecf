"""Pages: payment batches (list and build, the fund manager's review, the bank files)."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from casework import clock, reports
from casework.filters import PaymentBatchFilter
from casework.form_fields import DatePicker
from casework.models import Payment, PaymentBatch, Program, Recovery, Region
from casework.money import yuan
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
    wants_workbook,
)
from workflows import bank_files, payments, recoveries
from workflows.enforcement_reports import parse_year
from workflows.transitions import TransitionConflict, available_steps, history

# Steps the page offers as buttons of their own rather than as step forms.
_OWN_BUTTONS = {"export"}


class BuildForm(forms.Form):
    program = forms.ModelChoiceField(label=gettext_lazy("Program"), queryset=Program.objects.all())
    county = forms.ModelChoiceField(
        label=gettext_lazy("County"), queryset=Region.objects.filter(level="county")
    )
    day = forms.DateField(
        label=gettext_lazy("A day of the period to pay"),
        widget=DatePicker(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = visible_to(user, Region).filter(level="county")
        self.fields["day"].initial = clock.today()


@login_required
def batch_list(request):
    found = PaymentBatchFilter(
        request.GET,
        queryset=visible_to(request.user, PaymentBatch).select_related("program", "region"),
    )
    if wants_workbook(request):
        return export_list(_("Payment batches"), list_columns.PAYMENT_BATCHES, found.qs)
    may_build = rules.may_build_batches(request.user)
    return render(
        request,
        "casework/batch_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.PAYMENT_BATCHES,
            "filter": found,
            "page": paginate(request, found.qs),
            "querystring": querystring_without_page(request),
            "build_form": BuildForm(user=request.user) if may_build else None,
        },
    )


@login_required
@require_POST
def batch_build(request):
    form = BuildForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, describe(ValidationError(form.errors.as_data())))
        return redirect("batch-list")
    try:
        built = payments.build(Actor.from_request(request), **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, describe(error))
        return redirect("batch-list")
    return _after_build(request, built)


def _after_build(request, built):
    if built.skipped:
        messages.warning(
            request,
            _("%(n)s recipients left out: %(why)s")
            % {"n": len(built.skipped), "why": built.skipped[0][1]},
        )
    if built.batch is None:
        messages.error(request, _("Nobody is due for payment in that period."))
        return redirect("batch-list")
    messages.success(request, _("Batch built; the fund manager reviews it next."))
    return redirect("batch-detail", pk=built.batch.pk)


@login_required
def batch_detail(request, pk: int):
    batch = get_visible_or_404(
        request.user, PaymentBatch.objects.select_related("program", "region", "follows"), pk=pk
    )
    rows = batch.payments.select_related("application__applicant", "application__region")
    steps = [s for s in available_steps(request.user, batch) if s.name not in _OWN_BUTTONS]
    return render(
        request,
        "casework/batch_detail.html",
        {
            "batch": batch,
            "by_village": payments.breakdown(batch),
            "changes": payments.changes_since_last(batch),
            "page": paginate(request, rows.order_by("id")),
            "show_accounts": rules.may_see_account_numbers(request.user),
            "steps": [(step, step.form()) for step in steps],
            "may_export": any(s.name == "export" for s in available_steps(request.user, batch)),
            "may_download": rules.may_download_bank_file(request.user, batch),
            "may_follow_up": rules.may_disburse(request.user, batch.region_id)
            and batch.status in ("reconciled", "closed")
            and batch.payments.filter(status="failed").exists(),
            "history": history(batch),
            "findings": batch.findings.select_related("officer"),
            "finding_form": FindingForm()
            if rules.may_record_finding(request.user, batch)
            else None,
        },
    )


class FindingForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Finding"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


@login_required
@require_POST
def batch_finding(request, pk: int):
    batch = get_visible_or_404(request.user, PaymentBatch, pk=pk)
    try:
        recoveries.record_finding(Actor.from_request(request), batch, request.POST.get("text", ""))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, describe(error))
    else:
        messages.success(request, _("Finding recorded."))
    return redirect("batch-detail", pk=pk)


@login_required
@require_POST
def recovery_repay(request, pk: int):
    recovery = get_visible_or_404(
        request.user, Recovery.objects.select_related("application"), pk=pk
    )
    form = recoveries.RepaymentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        recoveries.record_repayment(Actor.from_request(request), recovery, **form.cleaned_data)
    except (ValidationError, PermissionDenied, TransitionConflict) as error:
        messages.error(request, describe(error))
    else:
        messages.success(request, _("Repayment recorded."))
    return redirect("application-detail", pk=recovery.application_id)


@login_required
@require_http_methods(["GET", "POST"])
def batch_bank_file(request, pk: int):
    """The bank file (CSV or XLSX): POST records the export on the batch and answers with the
    file; GET downloads the file of a batch already exported again and changes nothing."""
    batch = get_visible_or_404(request.user, PaymentBatch.objects.select_related("program"), pk=pk)
    params = request.POST if request.method == "POST" else request.GET
    kind = "xlsx" if params.get("kind") == "xlsx" else "csv"
    make = bank_files.export if request.method == "POST" else bank_files.download
    try:
        content_type, name, chunks = make(Actor.from_request(request), batch, kind)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, describe(error))
        return redirect("batch-detail", pk=pk)
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
def batch_follow_up(request, pk: int):
    batch = get_visible_or_404(request.user, PaymentBatch, pk=pk)
    try:
        built = payments.follow_up(Actor.from_request(request), batch)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, describe(error))
        return redirect("batch-detail", pk=pk)
    return _after_build(request, built)


@login_required
def paid_report(request):
    """Paid totals by program, period, township and village, with the XLSX of the same."""
    if not rules.may_see_statistics_of(request.user, Payment):
        raise PermissionDenied(_("Your role may not see payments."))
    year = request.GET.get("year", "")
    program = request.GET.get("program", "")
    try:
        chosen = parse_year(year, all_years=True)
    except ValidationError as error:
        messages.error(request, describe(error))
        chosen, year = None, ""
    rows = reports.paid_totals(visible_to(request.user, Payment), year=chosen, program=program)
    return render(
        request,
        "casework/paid_report.html",
        {
            "rows": rows,
            "year": year,
            "program": program,
            "programs": Program.objects.all(),
            "payments": sum(row.payments for row in rows),
            "total": yuan(sum(row.total_fen for row in rows)),
            "querystring": request.GET.urlencode(),
        },
    )
