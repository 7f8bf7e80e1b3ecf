"""Named transitions, shared by pages and API: which ones a user may run now, running one with
its form, and the history of an object.

Each process declares its steps (``Step``, gathered in ``Steps``) in its own module, and
workflows/steps.py registers them all in one place; a step names the django-fsm method
that moves the status, the form of what the caller supplies, the permission rule that decides
who may run it, and the action that runs it (locking the row, moving the status, writing the
audit entry and any documents in one transaction).
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from casework import clock
from casework.chunks import chunks
from documents.kinds import DocumentKind
from permissions import audit
from permissions.audit import Actor
from permissions.models import AuditEntry
from permissions.separation import LEVEL_NAMES, SeparationOfDuties, separation_refusals


class TransitionConflict(Exception):
    """The transition is not allowed from the current status, or someone moved it first."""

    def __init__(self, message: str = ""):
        super().__init__(message or _("The case has moved on; reload it and try again."))
        self.message = str(self)


class UnknownStep(LookupError):
    """No step of that name exists for the object's model (the caller answers 404). Its own
    class, so that a KeyError raised inside a step is not taken for a missing step."""


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
class Signs:
    """What taking an action signs on an application's chain (谁签字谁负责): the ``level`` that
    separation of duties keeps apart (no officer signs two levels of one application,
    ``permissions.separation.one_level_per_officer``) and the row of the 审批表's 审批栏 it
    fills (``row``; empty: none)."""

    level: str
    row: str = ""


@dataclass(frozen=True)
class Step:
    """One named step of a process, declared once: ``name`` in URLs and the API, ``label`` for
    people, the FSM ``method`` that moves the status (its ``@transition`` holds the statuses it
    leaves from and goes to), ``run`` (the action, in one transaction), ``allowed`` (its rule
    in permissions/rules.py) and ``form`` (what the caller supplies); the fields below say how
    the inbox, the bulk forms, separation of duties and the documents treat it."""

    name: str
    label: str
    method: str
    run: Callable[[models.Model, Actor, dict], models.Model]
    allowed: Callable[[object, models.Model], bool]
    form: type[forms.Form] = OpinionForm
    confirm: str = ""
    # Steps aside from the main path (return, defer, reject…) are listed after the forward ones.
    aside: bool = False
    # ``run_many(objects, actor, cleaned_data)`` runs the step on many rows together (a bulk
    # step), returning the refusal of each row it refused by primary key; without it a bulk
    # step runs ``run`` row by row.
    run_many: Callable[[list, Actor, dict], dict[int, str]] | None = None
    # What the officer does next, as the inbox names it, for the objects waiting to take this
    # step (at the statuses its FSM method leaves from); empty: no inbox line of its own.
    inbox: str = ""
    # The level this step signs: it is refused to an officer who signed another level of the
    # same object (checked before it runs, one query for a bulk run), and fills a 审批栏 row.
    signs: Signs | None = None
    # Offered in bulk on the list of its objects (visits and rechecks are one household at a
    # time; appraisals and postings have forms of their own).
    bulk: bool = False
    # The kinds of signed document taking it may issue (documents.kinds), shown on its form.
    issues: tuple[str, ...] = ()

    def form_for(self, obj: models.Model, data=None, files=None) -> forms.Form:
        """The step's form for ``obj`` (unbound without ``data``): a form that declares
        ``for_program`` asks only what the program of ``obj`` needs (an application's visit
        asks for the facts its conditions read)."""
        if getattr(self.form, "for_program", False):
            return self.form(data, files, program=obj.program)
        return self.form(data, files)

    @property
    def issued(self) -> list[str]:
        """The names of the documents taking the step may issue, as its form says."""
        return [str(DocumentKind(kind).label) for kind in self.issues]


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
# Called as ``one(obj, before)`` after every move and ``many([(obj, before), …])`` after
# every ``move_many``, inside its transaction (the viewflow processes follow their objects'
# status this way).
_MOVE_LISTENERS: list[tuple[Callable, Callable]] = []
# How audit actions read on timelines, per model (None: any model): the steps' labels, and the
# actions that are not steps. Two models may name different things alike (an application's
# and a payment batch's ``approve``).
_ACTION_LABELS: dict[tuple[type[models.Model] | None, str], str] = {}
# The inbox lines of each model, from its steps' ``inbox`` and its declared ``waits``, by
# (status, action), so that registering a declaration again changes nothing.
_WAITING: dict[type[models.Model], dict[tuple[str, str], "Waiting"]] = {}
# What each audit action of a model signs (``Signs``), from its steps and declared ``signs``.
_SIGNING: dict[type[models.Model], dict[str, Signs]] = {}


@dataclass(frozen=True)
class Wait:
    """An inbox line for work on an object that is not one of its steps (an appraisal meeting,
    a posting to put up or close): the objects that can take FSM ``method`` wait there for
    the roles of ``rule`` (a rule of permissions.rules naming its ``permission``) to do
    ``action``. ``flagged``: whether waiting too long is flagged (a posting waits for its own
    end date, not for an officer)."""

    method: str
    action: str
    rule: Callable
    flagged: bool = True
    # The one status it waits at, when ``method`` leaves from several.
    at: str = ""


@dataclass(frozen=True)
class Waiting:
    """One line of an inbox: objects at ``status`` wait for the holders of ``permission``."""

    status: str
    action: str
    permission: str
    flagged: bool = True


@dataclass(frozen=True)
class Steps:
    """What one module declares for ``model``: its steps, in the order pages show them, how the
    model's other audit actions (such as ``apply``) read on timelines (``labels``), and the
    inbox lines of work that is not a step (``waits``), and what its signing actions that are
    not steps sign (``signs``).
    workflows/steps.py registers every module's declarations, in one place."""

    model: type[models.Model] | None  # None: labels of actions on any model
    steps: tuple[Step, ...] = ()
    labels: dict = dataclasses.field(default_factory=dict)
    waits: tuple[Wait, ...] = ()
    # What the model's other signing actions (not steps: ``apply``, a posting) sign.
    signs: dict = dataclasses.field(default_factory=dict)


def register(declared: Steps) -> None:
    """Register (more) steps, action labels and inbox lines of one model (workflows/steps.py
    calls it)."""
    model = declared.model
    if declared.steps:
        _STEPS.setdefault(model, {}).update((step.name, step) for step in declared.steps)
    for step in declared.steps:
        _ACTION_LABELS.setdefault((model, step.method), step.label)
    _ACTION_LABELS.update(((model, action), label) for action, label in declared.labels.items())
    waits = [Wait(step.method, step.inbox, step.allowed) for step in declared.steps if step.inbox]
    signing = _SIGNING.setdefault(model, {})
    signing.update((step.method, step.signs) for step in declared.steps if step.signs)
    signing.update(declared.signs)
    lines = _WAITING.setdefault(model, {})
    for wait in [*waits, *declared.waits]:
        for status in [wait.at] if wait.at else _sources(model, wait.method):
            line = Waiting(status, wait.action, wait.rule.permission, wait.flagged)
            lines[(status, str(wait.action))] = line


def _sources(model: type[models.Model], method: str) -> list[str]:
    """The statuses FSM ``method`` of ``model`` leaves from (its ``@transition`` sources)."""
    return [
        source
        for source in getattr(model, method)._django_fsm.transitions
        if source not in ("*", "+")
    ]


def signing_of(model: type[models.Model]) -> dict[str, Signs]:
    """What each signing action of ``model`` signs, by audit action (the steps' FSM methods and
    the declared ``signs``), in the order of the chain's levels (and, within a level, of the
    declarations)."""
    order = list(LEVEL_NAMES)
    signing = _SIGNING.get(model, {})
    return dict(sorted(signing.items(), key=lambda item: order.index(item[1].level)))


def signing_refusals(user, objects: list, level: str) -> dict[int, str]:
    """Why ``user`` may not sign ``level`` of each of ``objects`` (by primary key): they signed
    another level of it. One query for all of them."""
    if not objects:
        return {}
    levels = {action: signs.level for action, signs in signing_of(type(objects[0])).items()}
    return separation_refusals(user, "sign_application", objects, level=level, signing=levels)


def check_signing(user, obj: models.Model, level: str) -> None:
    """Refuse (``SeparationOfDuties``) ``user`` signing ``level`` of ``obj`` if they signed
    another level of it."""
    refused = signing_refusals(user, [obj], level)
    if refused:
        raise SeparationOfDuties(refused[obj.pk])


def waiting_at(model: type[models.Model]) -> list[Waiting]:
    """The inbox lines of ``model``, in the order of its statuses (the order of the chain)."""
    order = [value for value, _label in model._meta.get_field("status").choices]
    lines = _WAITING.get(model, {}).values()
    return sorted(lines, key=lambda line: order.index(line.status))


def on_move(one: Callable[[models.Model, str], None], many: Callable | None = None) -> None:
    """Call ``one(obj, status_before)`` after every transition, in its transaction, and
    ``many([(obj, status_before), …])`` after a :func:`move_many` (by default ``one`` for
    each)."""
    _MOVE_LISTENERS.append((one, many or (lambda moves: [one(*pair) for pair in moves])))


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
    ValidationError (bad input), PermissionDenied (role or place), UnknownStep or
    TransitionConflict."""
    step = steps_of(type(obj)).get(name)
    if step is None:
        raise UnknownStep(name)
    if not step.allowed(actor.officer, obj):
        raise PermissionDenied(_("Your role may not do this here."))
    form = step.form_for(obj, data, files)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    if step.signs is not None:
        check_signing(actor.officer, obj, step.signs.level)
    try:
        return step.run(obj, actor, form.cleaned_data)
    except (TransitionNotAllowed, ConcurrentTransition):
        raise TransitionConflict() from None


def perform_many(
    name: str, objects: dict, ids: list[int], actor: Actor, data, done_message: str = ""
) -> list[RowResult]:
    """Run step ``name`` on each of ``ids`` with the same ``data``; ``objects`` maps the ids the
    actor may see to their objects. Every row answers done, or refused and why; a refused row
    never undoes the others.

    A step with ``run_many`` runs on all the rows that may take it together; any other runs row
    by row, each in a savepoint.
    """
    step = steps_of_name(name, objects)
    # One transaction for the run and the audit entries appended together at the end: a
    # thousand rows no longer commit, lock the chain and insert their entry one by one. The
    # rows stay locked until the run ends.
    with transaction.atomic(), audit.deferred():
        if step is not None and step.run_many is not None:
            return _perform_together(step, objects, ids, actor, data, done_message)
        return [
            _perform_row(step, name, objects.get(pk), pk, actor, data, done_message) for pk in ids
        ]


def _refusal(step, obj, user) -> str:
    """Why ``obj`` cannot take ``step`` now, before trying (empty when it may)."""
    if obj is None:
        return _("Not found, or outside your jurisdiction.")
    if step is None or not can_proceed(getattr(obj, step.method)):
        return _("Not possible while it is %(status)s.") % {"status": obj.get_status_display()}
    if not step.allowed(user, obj):
        return _("Your role may not do this here.")
    return ""


def _perform_together(step, objects, ids, actor, data, done_message) -> list[RowResult]:
    """:func:`perform_many` for a step with ``run_many``: the same checks as :func:`perform`
    on each row, then one run for every row that passed them."""
    refused, ready, seen = {}, [], set()
    form = step.form(data)
    invalid = "" if form.is_valid() else describe_refusal(ValidationError(form.errors.as_data()))
    for pk in ids:
        if pk in seen:
            continue
        seen.add(pk)
        obj = objects.get(pk)
        refused[pk] = invalid or _refusal(step, obj, actor.officer)
        if not refused[pk]:
            ready.append(obj)
    if step.signs is not None:
        refused.update(signing_refusals(actor.officer, ready, step.signs.level))
        ready = [obj for obj in ready if not refused.get(obj.pk)]
    if ready:
        refused.update(step.run_many(ready, actor, form.cleaned_data))
    done = done_message or str(step.label)
    results, answered = [], set()
    for pk in ids:
        if pk in answered:  # the same row twice: it moved on with the first
            results.append(RowResult(pk, False, str(TransitionConflict())))
            continue
        answered.add(pk)
        results.append(RowResult(pk, not refused.get(pk), refused.get(pk) or done))
    return results


def _perform_row(step, name, obj, pk, actor, data, done_message) -> RowResult:
    """One row of :func:`perform_many`: run, or say why not."""
    refusal = _refusal(step, obj, actor.officer)
    if refusal:
        return RowResult(pk, False, refusal)
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
    _require_transaction()
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    _keep_related(obj, current)
    before = current.status
    if not _run_transition(current, method, arguments, clock.now()):
        raise TransitionConflict()
    current.save()
    for one, _many in _MOVE_LISTENERS:
        one(current, before)
    _record_move(actor, method, current, before, opinion, data)
    return current


def move_many(
    objects, method: str, actor: Actor, *, opinion: str = "", data=None, **arguments
) -> tuple[list[models.Model], dict[int, str]]:
    """:func:`move` for many objects of one model at once, with the same ``arguments``:
    the rows locked with one query, each transition run, the changed columns written with one
    UPDATE per distinct set of new values (usually one), the listeners and the audit log told
    once for all. Call inside the step's transaction.

    Returns the moved (locked, saved) instances, in the order given, and a refusal per object
    whose status no longer allows ``method``; those are left untouched.
    """
    _require_transaction()
    objects = list(objects)
    if not objects:
        return [], {}
    model = type(objects[0])
    locked = model._default_manager.select_for_update().in_bulk([obj.pk for obj in objects])
    now = clock.now()
    moved, befores, refused, updates = [], [], {}, {}
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for obj in objects:
        current = locked.get(obj.pk)
        if current is None:
            refused[obj.pk] = _("Not found, or outside your jurisdiction.")
            continue
        _keep_related(obj, current)
        before = current.status
        values = {f.attname: f.value_from_object(current) for f in fields}
        if not _run_transition(current, method, arguments, now):
            refused[obj.pk] = str(TransitionConflict())
            continue
        for field in fields:
            if getattr(field, "auto_now", False):
                setattr(current, field.attname, now)
        changed = {
            f.attname: f.value_from_object(current)
            for f in fields
            if f.value_from_object(current) != values[f.attname]
        }
        # Rows given the same new values are written together (values may be unhashable).
        group = updates.setdefault((before, repr(sorted(changed.items()))), (changed, []))
        group[1].append(current.pk)
        moved.append(current)
        befores.append(before)
    for (before, _key), (changed, pks) in updates.items():
        # The rows are locked, so each still has the status it was read with; filtering on it
        # as well keeps ``ConcurrentTransitionMixin``'s promise (no lost update) in bulk.
        for chunk in chunks(pks):
            rows = model._default_manager.filter(pk__in=chunk, status=before)
            if rows.update(**changed) != len(chunk):
                raise TransitionConflict()
    for current in moved:
        if hasattr(current, "_update_initial_state"):
            current._update_initial_state()  # saved: a later save() starts from the new status
    pairs = list(zip(moved, befores, strict=True))
    for _one, many in _MOVE_LISTENERS:
        many(pairs)
    with audit.deferred():
        for current, before in pairs:
            _record_move(actor, method, current, before, opinion, data)
    return moved, refused


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Run transitions inside the transaction of the step.")


def _run_transition(current: models.Model, method: str, arguments: dict, now) -> bool:
    """Run FSM ``method`` on the locked ``current`` if its status allows it; note when the
    status changed. False (and nothing done) when it does not."""
    transition = getattr(current, method)
    if not can_proceed(transition):
        return False
    before = current.status
    transition(**arguments)
    if current.status != before and hasattr(current, "status_changed_at"):
        current.status_changed_at = now
    return True


def _record_move(actor, method, current, before, opinion, data) -> None:
    audit.record(
        actor,
        method,
        current,
        from_state=before,
        to_state=current.status,
        opinion=opinion,
        data=data or {},
    )


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
