"""Pages: proposing decisions per party on a case (the rest are steps on the case page)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.models import CaseStatus, DispositionStatus, EnforcementCase
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404
from web.pages import describe
from workflows import case_decisions


@login_required
@require_POST
def case_propose_measure(request, pk: int):
    case = get_visible_or_404(request.user, EnforcementCase, pk=pk)
    try:
        case_decisions.propose_measure(Actor.from_request(request), case, request.POST)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, describe(error))
    else:
        messages.success(request, _("Measure proposed."))
    return redirect("case-detail", pk=pk)


def decisions_context(case, investigating: bool) -> dict:
    """What the case page shows of the decisions, and the forms the case's investigators
    (``investigating``) may use."""
    dispositions = list(case.dispositions.select_related("party").order_by("id"))
    return {
        "dispositions": dispositions,
        "measure_form": case_decisions.DispositionForm(case=case)
        if investigating and case.status == CaseStatus.REGISTERED
        else None,
        "executable": [d for d in dispositions if d.status == DispositionStatus.APPROVED]
        if investigating and case.status == CaseStatus.DECIDED
        else [],
        "execution_form": case_decisions.ExecutionForm(),
        "overdue": case_decisions.is_overdue(case),
        "fine_rule": settings.CASEWORK_FINE_RULE,
    }
