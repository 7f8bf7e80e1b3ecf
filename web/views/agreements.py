"""Pages: two-way agreements between an outflow and an inflow township (流动人口双向协议). The list
shows the agreements of the officer's township on either side with what is overdue; an
agreement's page its terms, its schedule of periods, and for one period the women covered with
their reports, where the inflow township's officers report on each woman still missing."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import clock
from casework.models import MigrantCertificate, MigrationAgreement
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404, visible_to
from web.forms.agreements import (
    AgreementFilter,
    AgreementForm,
    CountedRows,
    FeedbackForm,
    row_form,
)
from web.list_columns import Column, local_minute
from web.pages import (
    describe,
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    run_form_action,
    wants_workbook,
)
from workflows import agreements
from workflows.agreements import Period


def schedule_label(agreement: MigrationAgreement) -> str:
    """How often feedback is owed and by when, in a few words (按季反馈，每期结束后10日内)."""
    return _("%(every)s, within %(days)s days after each period") % {
        "every": agreement.get_feedback_months_display(),
        "days": agreement.feedback_days,
    }


AGREEMENTS = (
    Column(gettext_lazy("Agreement number"), lambda a: a.number),
    Column(gettext_lazy("Outflow township"), lambda a: a.outflow_region.name),
    Column(gettext_lazy("Inflow township"), lambda a: a.inflow_region.name),
    Column(gettext_lazy("Valid from"), lambda a: a.valid_from),
    Column(gettext_lazy("Valid until"), lambda a: a.valid_until),
    Column(gettext_lazy("Feedback"), schedule_label),
    Column(
        gettext_lazy("Women covered now"),
        lambda a: "" if a.covered_now is None else a.covered_now,
    ),
    Column(gettext_lazy("Overdue reports"), lambda a: a.overdue_count),
    Column(gettext_lazy("Status"), lambda a: a.get_status_display()),
)


STATES = {
    "reported": gettext_lazy("reported"),
    "missing": gettext_lazy("missing"),
    "overdue": gettext_lazy("overdue"),
}


def _report(certificate):
    return certificate.reports[0] if certificate.reports else None


def report_columns(period: Period, today: datetime.date) -> tuple[Column, ...]:
    """The columns of a period's women and their reports (rows of :func:`women_of`)."""

    def of_report(read):
        return lambda c: read(_report(c)) if c.reports else ""

    return (
        Column(gettext_lazy("Name"), lambda c: c.holder_name),
        Column(gettext_lazy("ID number"), lambda c: c.masked_holder_id_number),
        Column(
            gettext_lazy("Living in"),
            lambda c: c.residence_region.name if c.residence_region_id else "",
        ),
        Column(
            gettext_lazy("Report"), lambda c: str(STATES[agreements.report_state(c, period, today)])
        ),
        Column(gettext_lazy("Contraception"), of_report(lambda r: r.get_contraception_display())),
        Column(
            gettext_lazy("Pregnancy check"), of_report(lambda r: r.get_pregnancy_check_display())
        ),
        Column(gettext_lazy("Checked on"), of_report(lambda r: r.checked_on or "")),
        Column(gettext_lazy("Remarks"), of_report(lambda r: r.note)),
        Column(gettext_lazy("Reported by"), of_report(lambda r: str(r.recorded_by))),
        Column(gettext_lazy("Reported at"), of_report(lambda r: local_minute(r.recorded_at))),
    )


@login_required
def agreement_list(request):
    """The agreements of the officer's township on either side (also as a workbook), each with
    the women it covers now and the reports overdue under it."""
    if not rules.may_see_agreements(request.user):
        raise PermissionDenied(_("Your role may not see two-way agreements."))
    found = AgreementFilter(
        request.GET, queryset=visible_to(request.user, agreements.agreement_rows()), request=request
    )
    today = clock.today()
    if wants_workbook(request):
        return export_list(_("Two-way agreements"), AGREEMENTS, CountedRows(found.qs, today))
    page = paginate(request, found.qs)
    page.object_list = agreements.with_counts(page.object_list, today)
    for agreement in page.object_list:
        agreement.schedule_label = schedule_label(agreement)
    return render(
        request,
        "casework/agreement_list.html",
        {
            "export_url": page_export_url(request),
            "columns": AGREEMENTS,
            "filter": found,
            "page": page,
            "querystring": querystring_without_page(request),
            "may_record": rules.may_record_agreement(request.user),
        },
    )


@login_required
def agreement_create(request):
    """Record an agreement both townships signed; the officer's township is one of them."""
    if not rules.may_record_agreement(request.user):
        raise PermissionDenied(_("Your role may not record two-way agreements."))
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signed = []
        if run_form_action(
            form,
            lambda: signed.append(
                agreements.sign_agreement(Actor.from_request(request), **form.cleaned_data)
            ),
        ):
            messages.success(request, _("The agreement was recorded."))
            return redirect("agreement-detail", pk=signed[0].pk)
    return render(request, "casework/agreement_form.html", {"form": form})


@login_required
def agreement_detail(request, pk: int):
    """An agreement: its terms, its schedule, and the women covered in the chosen period
    (``?period=``, the latest begun by default) with their reports (also as a workbook); the
    inflow township's officers report on each woman still missing."""
    user = request.user
    agreement = get_visible_or_404(user, agreements.agreement_rows(), pk=pk)
    today = clock.today()
    agreements.with_schedule(agreement, today)
    try:
        state = agreements.chosen_state(agreement, request.GET.get("period"))
    except ValueError:
        raise Http404(_("The agreement has no such period.")) from None
    women = (
        agreements.women_of(agreement, state.period) if state else MigrantCertificate.objects.none()
    )
    if state and wants_workbook(request):
        title = _("Agreement %(n)s feedback %(month)s") % {
            "n": agreement.pk,
            "month": f"{state.period.start:%Y-%m}",
        }
        return export_list(title, report_columns(state.period, today), women)
    page = paginate(request, women)
    may_report = rules.may_keep_agreement(user, agreement.inflow_region_id)
    rows = []
    if state:
        shown = [certificate.pk for certificate in page.object_list]
        reachable = set(
            visible_to(user, MigrantCertificate).filter(pk__in=shown).values_list("pk", flat=True)
        )
        for certificate in page.object_list:
            report = _report(certificate)
            form = row_form(certificate, state.period) if may_report and not report else None
            rows.append(
                (
                    certificate,
                    report,
                    agreements.report_state(certificate, state.period, today),
                    form,
                    certificate.pk in reachable,
                )
            )
    return render(
        request,
        "casework/agreement_detail.html",
        {
            "agreement": agreement,
            "schedule_label": schedule_label(agreement),
            "states": [(s, s.overdue(today), s.period.overdue_on(today)) for s in agreement.states],
            "state": state,
            "rows": rows,
            "page": page,
            "querystring": querystring_without_page(request),
            "export_url": page_export_url(request) if state else "",
            "may_report": may_report,
            "side": _side(user, agreement),
        },
    )


def _side(user, agreement: MigrationAgreement) -> str:
    """The officer's side of the agreement: ``inflow``, ``outflow`` or "" (above both)."""
    if rules.may_keep_agreement(user, agreement.inflow_region_id):
        return "inflow"
    if rules.may_keep_agreement(user, agreement.outflow_region_id):
        return "outflow"
    return ""


@login_required
@require_POST
def agreement_feedback(request, pk: int):
    """Record the inflow township's report on one woman for one period, and go back to the
    period's women with what was done or why not."""
    agreement = get_visible_or_404(request.user, MigrationAgreement, pk=pk)
    if not rules.may_keep_agreement(request.user, agreement.inflow_region_id):
        raise PermissionDenied(_("The inflow township's migrant-service officers report."))
    form = FeedbackForm(request.POST)
    valid = form.is_valid()
    data = form.cleaned_data
    back = reverse("agreement-detail", args=[agreement.pk])
    # Back to the period reported on, when it is one the page shows.
    day = data.get("period_start")
    if day and agreements.period_starting(agreement, day, clock.today()):
        back = f"{back}?period={day:%Y-%m-%d}"
    if not valid:
        messages.error(request, describe(ValidationError(form.errors.as_data())))
        return redirect(back)
    try:
        feedback = agreements.record_feedback(
            Actor.from_request(request),
            agreement,
            data["certificate"],
            data["period_start"],
            contraception=data["contraception"],
            pregnancy_check=data["pregnancy_check"],
            checked_on=data["checked_on"],
            note=data["note"],
        )
    except ValidationError as error:
        messages.error(request, describe(error))
    else:
        messages.success(
            request,
            _("The report on %(name)s for the period from %(start)s was recorded.")
            % {"name": feedback.certificate.holder_name, "start": f"{feedback.period_start}"},
        )
    return redirect(back)
