"""Named transitions, shared by pages and API: which ones a user may run now, running one with
its form, and the history of an object.

Each process declares its steps (``Step``) in its own module; a step names the django-fsm method
that moves the status, the form of what the caller supplies, the permission rule that decides
who may run it, and the action that runs it (locking the row, moving the status, writing the
audit entry and any documents in one transaction).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from casework import clock
from permissions import audit
from permissions.audit import Actor
from permissions.models import AuditEntry


class TransitionConflict(Exception):
    """The transition is not allowed from the current status, or someone moved it first."""

    def __init__(self, message: str = ""):
        super().__init__(message or _("The case has moved on; reload it and try again."))
        self.message = str(self)


class OpinionForm(forms.Form):
    """What every step may carry: the signer's opinion (意见)."""

    opinion = forms.CharField(label=gettext_lazy("Opinion"), max_length=1000, required=False)


class ReasonForm(forms.Form):
    """A step that needs its reason written down (reject, defer, revoke…)."""

    opinion = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        error_messages={"required": gettext_lazy("Give the reason.")},
    )


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    method: str
    run: Callable[[models.Model, Actor, dict], models.Model]
    allowed: Callable[[object, models.Model], bool]
    form: type[forms.Form] = OpinionForm
    confirm: str = ""
    # Steps aside from the main path (return, defer, reject…) are listed after the forward ones.
    aside: bool = False


@dataclass(frozen=True)
class RowResult:
    """One row of a bulk action: done, or refused and why."""

    id: int
    done: bool
    message: str

    def as_dict(self, key: str = "application") -> dict:
        """The row as the API and pages show it, the id under ``key`` (what the rows are)."""
        return {key: self.id, "done": self.done, "message": self.message}


_STEPS: dict[type[models.Model], dict[str, Step]] = {}
# Called as ``listener(obj, before)`` after every move, inside its transaction (the viewflow
# processes follow their objects' status this way).
_MOVE_LISTENERS: list[Callable[[models.Model, str], None]] = []
# How audit actions read on timelines, per model (None: any model): the steps' labels, and the
# actions that are not steps. Two models may name different things alike (an application's
# and a payment batch's ``approve``).
_ACTION_LABELS: dict[tuple[type[models.Model] | None, str], str] = {}


def register_steps(model: type[models.Model], *steps: Step, labels: dict | None = None) -> None:
    """Declare (more) steps of ``model``; the order is the order pages show them in.

    ``labels`` names the model's other audit actions (such as ``apply``) for its timeline.
    """
    _STEPS.setdefault(model, {}).update((step.name, step) for step in steps)
    for step in steps:
        _ACTION_LABELS.setdefault((model, step.method), step.label)
    register_action_labels(labels or {}, model)


def register_action_labels(labels: dict, model: type[models.Model] | None = None) -> None:
    """Name audit actions for timelines (actions that are not steps, e.g. ``document.issue``),
    of ``model`` or, without it, of any model."""
    _ACTION_LABELS.update(((model, action), label) for action, label in labels.items())


def on_move(listener: Callable[[models.Model, str], None]) -> None:
    """Call ``listener(obj, status_before)`` after every transition, in its transaction."""
    _MOVE_LISTENERS.append(listener)


def action_label(action: str, model: type[models.Model] | None = None) -> str:
    """How an audit action (of ``model``) reads on timelines."""
    label = _ACTION_LABELS.get((model, action)) or _ACTION_LABELS.get((None, action), action)
    return str(label)


def steps_of(model: type[models.Model]) -> dict[str, Step]:
    return _STEPS.get(model, {})


def available_steps(user, obj: models.Model) -> list[Step]:
    """The steps the user may run on ``obj`` in its current status, forward ones first."""
    steps = [
        step
        for step in steps_of(type(obj)).values()
        if can_proceed(getattr(obj, step.method)) and step.allowed(user, obj)
    ]
    return sorted(steps, key=lambda step: step.aside)


def perform(name: str, obj: models.Model, actor: Actor, data, files=None) -> models.Model:
    """Validate ``data`` (and uploaded ``files``) with the step's form and run it; raises
    ValidationError (bad input), PermissionDenied (role or place), LookupError (no such step)
    or TransitionConflict."""
    step = steps_of(type(obj)).get(name)
    if step is None:
        raise LookupError(name)
    if not step.allowed(actor.officer, obj):
        raise PermissionDenied(_("Your role may not do this here."))
    form = step.form(data, files)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    try:
        return step.run(obj, actor, form.cleaned_data)
    except (TransitionNotAllowed, ConcurrentTransition):
        raise TransitionConflict() from None


def perform_many(
    name: str, objects: dict, ids: list[int], actor: Actor, data, done_message: str = ""
) -> list[RowResult]:
    """Run step ``name`` on each of ``ids`` with the same ``data``; ``objects`` maps the ids the
    actor may see to their objects. Each row runs in its own savepoint, so a refused row is
    reported with why and never undoes the others."""
    step = steps_of_name(name, objects)
    results = []
    # One transaction for the run, a savepoint per row, and the audit entries appended
    # together at the end: a thousand rows no longer commit, lock the chain and insert their
    # entry one by one. The rows stay locked until the run ends.
    with transaction.atomic(), audit.deferred():
        for pk in ids:
            results.append(_perform_row(step, name, objects.get(pk), pk, actor, data, done_message))
    return results


def _perform_row(step, name, obj, pk, actor, data, done_message) -> RowResult:
    """One row of :func:`perform_many`: run, or say why not."""
    if obj is None:
        return RowResult(pk, False, _("Not found, or outside your jurisdiction."))
    if step is None or not can_proceed(getattr(obj, step.method)):
        return RowResult(
            pk,
            False,
            _("Not possible while it is %(status)s.") % {"status": obj.get_status_display()},
        )
    mark = audit.held_since()
    try:
        with transaction.atomic():
            perform(name, obj, actor, data)
    except (TransitionConflict, ValidationError, PermissionDenied) as error:
        audit.drop_since(mark)
        return RowResult(pk, False, describe_refusal(error))
    return RowResult(pk, True, done_message or str(step.label))


def steps_of_name(name: str, objects: dict) -> Step | None:
    """The step ``name`` of the objects' model (None when there are no objects or no step)."""
    sample = next(iter(objects.values()), None)
    return steps_of(type(sample)).get(name) if sample is not None else None


def describe_refusal(error) -> str:
    """A refusal (bad input, permission, conflict) as one line for a message or a row result."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def move(
    obj: models.Model, method: str, actor: Actor, *, opinion: str = "", data=None, **arguments
):
    """Lock ``obj``, run its FSM ``method`` and audit it; call inside the step's transaction.

    Returns the locked, saved instance. Raises TransitionConflict if the status no longer
    allows the method (someone else moved it first).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Run transitions inside the transaction of the step.")
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    _keep_related(obj, current)
    transition = getattr(current, method)
    if not can_proceed(transition):
        raise TransitionConflict()
    before = current.status
    transition(**arguments)
    if current.status != before and hasattr(current, "status_changed_at"):
        current.status_changed_at = clock.now()
    current.save()
    for listener in _MOVE_LISTENERS:
        listener(current, before)
    audit.record(
        actor,
        method,
        current,
        from_state=before,
        to_state=current.status,
        opinion=opinion,
        data=data or {},
    )
    return current


def _keep_related(loaded: models.Model, current: models.Model) -> None:
    """Give the locked copy the related objects already read with ``loaded`` (the applicant,
    the program) where they are still the ones it points to, so that describing it for the
    audit log reads nothing again: a bulk step would read them once more on every row."""
    for field in current._meta.concrete_fields:
        if field.is_relation and field.is_cached(loaded):
            related = field.get_cached_value(loaded)
            if related is not None and related.pk == getattr(current, field.attname):
                field.set_cached_value(current, related)


def history(obj: models.Model) -> list[dict]:
    """The audit entries of ``obj`` as the API's history items, oldest first."""
    entries = AuditEntry.objects.filter(
        content_type__app_label=obj._meta.app_label,
        content_type__model=obj._meta.model_name,
        object_id=str(obj.pk),
    ).order_by("seq")
    statuses = dict(obj._meta.get_field("status").choices)
    return [
        {
            "transition": entry.action,
            "transition_display": action_label(entry.action, type(obj)),
            "from": entry.from_state,
            "to": entry.to_state,
            "to_display": str(statuses.get(entry.to_state, entry.to_state)),
            "actor": entry.actor_name,
            "role": entry.role,
            "opinion": entry.opinion,
            "at": entry.at,
        }
        for entry in entries
    ]
