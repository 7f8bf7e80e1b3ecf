"""Resolving a likely duplicate (``casework/duplicates.py`` finds them): a supervisor of either
person's jurisdiction decides the pair is one person under two ID numbers, and the later
application is held for the county, or two different persons, and the pair is closed with a
note. Each decision is audited on the pair and on both persons.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from casework import clock
from casework.models import Application, DuplicateSuspect, Person
from permissions import audit, rules
from permissions.audit import Actor, Change
from workflows.transitions import ReasonForm, Step, Steps, move, steps_of

# How the later application is held when the pair is one person, in order of preference: a
# recipient's payments are suspended (the county approver then terminates, revokes or
# reinstates); an application still waiting in the chain is deferred (疑者从无). One posted or
# already held stays where it is, flagged by the pair's decision and its audit entries.
_HOLDING_STEPS = ("suspend", "defer")


def _hold(application: Application, actor: Actor, reason: str) -> str:
    """Hold ``application`` with the first of ``_HOLDING_STEPS`` its status allows; returns the
    step's name, or "" when none applies.

    The step's own action runs (status, payments stop, audit entry, viewflow task) but not its
    permission rule: the supervisor's decision on the pair is what authorises the hold, and
    the county approver decides what follows.
    """
    for name in _HOLDING_STEPS:
        step = steps_of(Application)[name]
        if can_proceed(getattr(application, step.method)):
            step.run(application, actor, {"opinion": reason})
            return name
    return ""


def _audit_persons(actor: Actor, suspect: DuplicateSuspect, action: str, note: str, data: dict):
    """The decision in both persons' histories (each may lie in another county)."""
    audit.record_many(
        actor,
        [
            Change(action=action, obj=person, opinion=note, data={"suspect": suspect.pk, **data})
            for person in (suspect.person_a, suspect.person_b)
        ],
    )


def _same_person(suspect: DuplicateSuspect, actor: Actor, data: dict) -> DuplicateSuspect:
    note = data["opinion"]
    with transaction.atomic():
        # The pair first: its lock and status check make a second decision a conflict.
        current = move(
            suspect,
            "confirm_same_person",
            actor,
            opinion=note,
            officer=actor.officer,
            note=note,
            at=clock.now(),
        )
        later = Application.objects.get(pk=suspect.later_application().pk)
        reason = _(
            "Likely duplicate no. %(pair)s: the same person as an applicant under another ID "
            "number (supervisor's decision: %(note)s)"
        ) % {"pair": suspect.pk, "note": note}
        held_by = _hold(later, actor, reason)
        _audit_persons(
            actor,
            current,
            "duplicate_same_person",
            note,
            {"later_application": later.pk, "held_by": held_by},
        )
    return current


def _different_persons(suspect: DuplicateSuspect, actor: Actor, data: dict) -> DuplicateSuspect:
    note = data["opinion"]
    with transaction.atomic():
        current = move(
            suspect,
            "confirm_different_persons",
            actor,
            opinion=note,
            officer=actor.officer,
            note=note,
            at=clock.now(),
        )
        _audit_persons(actor, current, "duplicate_different_persons", note, {})
    return current


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        DuplicateSuspect,
        (
            Step(
                "same_person",
                gettext_lazy("The same person"),
                "confirm_same_person",
                _same_person,
                rules.may_resolve_duplicate,
                form=ReasonForm,
                confirm=gettext_lazy(
                    "Decide these are one person? The later application is suspended (a recipient) or "
                    "deferred (still in the chain) for the county to decide."
                ),
            ),
            Step(
                "different_persons",
                gettext_lazy("Different persons"),
                "confirm_different_persons",
                _different_persons,
                rules.may_resolve_duplicate,
                form=ReasonForm,
                confirm=gettext_lazy("Decide these are two different persons and close the pair?"),
            ),
        ),
    ),
    Steps(
        Person,
        labels={
            "duplicate_same_person": gettext_lazy("Found to be the same person as another record"),
            "duplicate_different_persons": gettext_lazy("Found to be a different person"),
        },
    ),
)
