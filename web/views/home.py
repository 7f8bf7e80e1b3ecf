"""Pages: the home page and persons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from casework.filters import PersonFilter
from casework.models import Person
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404, visible_to
from web import list_columns
from web.forms.persons import PersonForm
from web.pages import (
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    run_form_action,
    wants_workbook,
)
from workflows import inbox, payments
from workflows.people import register_person


@login_required
def home(request):
    context = {
        "inbox_count": inbox.inbox_count(request.user),
        "person_count": visible_to(request.user, Person).count(),
        "notices_waiting": None,
    }
    if rules.may_apply_for_certificate(request.user):
        waiting = inbox.notices_waiting(request.user)
        context["notices_waiting"] = waiting.count()
        context["notices_overdue"] = waiting.overdue().count()
    return render(request, "casework/home.html", context)


@login_required
def task_inbox(request):
    """待办: what waits for the officer at each of their steps, the overdue ones flagged, the
    oldest waiting first; each row links to the list of those applications."""
    overdue = request.GET.get("overdue") == "true"
    step = request.GET.get("step", "")
    waiting = inbox.waiting_applications(request.user, step=step, overdue=overdue)
    if wants_workbook(request):
        return export_list(_("Applications waiting"), list_columns.WAITING, waiting)
    steps = inbox.application_inbox(request.user)
    labels = {row.status: row.status_display for row in steps}
    page = paginate(request, waiting, count=inbox.waiting_count(steps, step=step, overdue=overdue))
    return render(
        request,
        "casework/task_inbox.html",
        {
            "steps": steps,
            "case_steps": inbox.case_inbox(request.user),
            "change_steps": inbox.change_inbox(request.user),
            "reviews": inbox.annual_reviews_due(request.user),
            "page": page,
            # The step's label from the counts' rows: the model's get_status_display would
            # translate every status label again for each row.
            "rows": [
                (application, inbox.is_overdue(application), labels[application.status])
                for application in page
            ],
            "columns": list_columns.WAITING,
            "export_url": page_export_url(request),
            "querystring": querystring_without_page(request),
        },
    )


@login_required
def person_list(request):
    persons = visible_to(request.user, Person).select_related("region", "household")
    person_filter = PersonFilter(request.GET, queryset=persons.order_by("region_id", "name", "id"))
    if wants_workbook(request):
        return export_list(_("Persons"), list_columns.PERSONS, person_filter.qs)
    return render(
        request,
        "casework/person_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.PERSONS,
            "filter": person_filter,
            "page": paginate(request, person_filter.qs),
            "querystring": querystring_without_page(request),
            "may_add": rules.may_add_person(request.user),
        },
    )


@login_required
def person_detail(request, pk: int):
    person = get_visible_or_404(
        request.user, Person.objects.select_related("region", "household"), pk=pk
    )
    may_record = rules.may_record_bank_account(request.user, person)
    form = payments.BankAccountForm(request.POST or None) if may_record else None
    if request.method == "POST" and form is not None and form.is_valid():
        if run_form_action(
            form,
            lambda: payments.record_bank_account(
                Actor.from_request(request), person, **form.cleaned_data
            ),
        ):
            messages.success(request, _("Bank account recorded."))
            return redirect("person-detail", pk=pk)
    return render(
        request,
        "casework/person_detail.html",
        {
            "person": person,
            "full_id_number": rules.may_see_full_id_number(request.user, person),
            "accounts": person.bank_accounts.select_related("recorded_by"),
            "show_accounts": rules.may_see_account_numbers(request.user),
            "account_form": form,
        },
    )


@login_required
def person_create(request):
    if not rules.may_add_person(request.user):
        raise PermissionDenied(_("You may not register persons."))
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if run_form_action(
            form, lambda: register_person(Actor.from_request(request), form.instance)
        ):
            messages.success(request, _("%(person)s registered.") % {"person": form.instance})
            return redirect("person-detail", pk=form.instance.pk)
    return render(request, "casework/person_form.html", {"form": form})
