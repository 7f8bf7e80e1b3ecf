"""Pages: the programs (their conditions, documents, insurer and standards over time), and for
county approvers and administrators the pages that add a program, change one and add a
standard. Each calls ``workflows.programs``, as the API does."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from casework import clock
from casework.eligibility import conditions_of
from casework.models import Period, Program, ProgramDocument, ProgramKind, ProgramStandard
from casework.money import mask_account_number
from permissions import rules
from permissions.audit import Actor
from web.forms.programs import ProgramAddForm, ProgramEditForm, StandardForm
from web.pages import run_form_action
from workflows import programs as program_workflow

DOCUMENT_LABELS = dict(ProgramDocument.choices)
# ?active= of the list: accepting applications or not.
ACTIVE_FILTERS = {"1": True, "0": False}


@dataclass(frozen=True)
class ProgramRow:
    """A program as its card shows it."""

    program: Program
    standard: ProgramStandard | None
    conditions: list[str]
    documents: list[str]
    payee_account: str


def _listed(program: Program, today, full_accounts: bool) -> ProgramRow:
    account = program.payee_account
    return ProgramRow(
        program,
        program.standard_on(today),
        conditions_of(program),
        [DOCUMENT_LABELS[code] for code in program.documents if code in DOCUMENT_LABELS],
        account if full_accounts or not account else mask_account_number(account),
    )


def _anchor(program: Program) -> str:
    return f"{reverse('program-list')}#program-{program.code}"


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


@login_required
def program_list(request):
    """The programs, searchable by name or code and filtered by kind and by whether they
    accept applications, each with its conditions and its standards over time. The standards
    and conditions are prefetched: the page asks the same queries however many there are."""
    _require(rules.may_see_programs(request.user), _("Your role may not see the programs."))
    shown = Program.objects.prefetch_related("standards", "conditions").order_by("code")
    q = request.GET.get("q", "").strip()
    if q:
        shown = shown.filter(Q(name__icontains=q) | Q(code__icontains=q))
    kind = request.GET.get("kind", "")
    if kind in ProgramKind.values:
        shown = shown.filter(kind=kind)
    active = request.GET.get("active", "")
    if active in ACTIVE_FILTERS:
        shown = shown.filter(active=ACTIVE_FILTERS[active])
    today = clock.today()
    may_edit = rules.may_edit_programs(request.user)
    # The insurer's account in full for those who keep it and those who see accounts.
    full_accounts = may_edit or rules.may_see_account_numbers(request.user)
    return render(
        request,
        "casework/program_list.html",
        {
            "rows": [_listed(program, today, full_accounts) for program in shown],
            "kinds": ProgramKind.choices,
            "filters": {"q": q, "kind": kind, "active": active},
            "filtered": bool(q or kind in ProgramKind.values or active in ACTIVE_FILTERS),
            "may_add": rules.may_add_programs(request.user),
            "may_edit": may_edit,
            "may_add_standards": rules.may_add_standards(request.user),
        },
    )


@login_required
def program_add(request):
    """Add a program: its code and kind, its conditions, documents, insurer (a contribution)
    and its first standard (county approvers and administrators)."""
    _require(rules.may_add_programs(request.user), _("Your role may not add programs."))
    form = ProgramAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = []

        def add():
            arguments = form.service_arguments()
            actor = Actor.from_request(request)
            added.append(program_workflow.add_program(actor, **arguments))

        if run_form_action(form, add):
            program = added[0]
            messages.success(request, _("Program %(program)s added.") % {"program": program})
            return redirect(_anchor(program))
    return render(request, "casework/program_form.html", {"form": form, "program": None})


@login_required
def program_edit(request, code: str):
    """Change a program: its name, postings, documents, insurer, whether it accepts
    applications, and its conditions (its code, kind and standards stay)."""
    _require(rules.may_edit_programs(request.user), _("Your role may not change programs."))
    program = get_object_or_404(Program.objects.prefetch_related("conditions"), code=code)
    form = ProgramEditForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect(_anchor(program))

        saved = []

        def change():
            actor = Actor.from_request(request)
            saved.append(program_workflow.change_program(actor, program, **changes))

        if run_form_action(form, change):
            messages.success(request, _("Program %(program)s saved.") % {"program": saved[0]})
            return redirect(_anchor(program))
    return render(request, "casework/program_form.html", {"form": form, "program": program})


@login_required
def program_standard_add(request, code: str):
    """Add a dated standard to a program, prefilled with the cycle and ages of its latest."""
    _require(rules.may_add_standards(request.user), _("Your role may not add standards."))
    program = get_object_or_404(Program.objects.prefetch_related("standards"), code=code)
    latest = next(iter(program.standards.all()), None)  # newest first (Meta.ordering)
    initial = {}
    if latest is not None:
        initial = {
            "payment_cycle": latest.payment_cycle,
            "min_age": latest.min_age,
            "min_mother_age": latest.min_mother_age,
        }
    form = StandardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def add():
            program_workflow.add_standard(Actor.from_request(request), program, form.terms())

        if run_form_action(form, add):
            messages.success(
                request,
                _("Standard from %(day)s added to %(program)s.")
                % {"day": form.cleaned_data["effective_from"].isoformat(), "program": program},
            )
            return redirect(_anchor(program))
    return render(
        request,
        "casework/program_standard_form.html",
        {
            "form": form,
            "program": program,
            "period": Period(program.period).label,
            "standards": program.standards.all(),
        },
    )
