"""Separation of duties (四权分离, 谁签字谁负责): rules that refuse an action to an officer
because of what they already did or hold.

Later processes plug their rules in with :func:`separation_rule`; actions call
:func:`check_separation` before they change anything.
"""

from collections import defaultdict
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.chunks import chunks
from permissions.models import AuditEntry
from permissions.roles import SEPARATED_POWERS, Role


class SeparationOfDuties(PermissionDenied):
    """Refused because the officer's other duties exclude this one."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# A rule looks at (officer, object, context) and returns the reason for a refusal, or None.
Rule = Callable[..., str | None]
_RULES: dict[str, list[Rule]] = defaultdict(list)


def separation_rule(*actions: str) -> Callable[[Rule], Rule]:
    """Register a rule for the named actions."""

    def register(rule: Rule) -> Rule:
        for action in actions:
            _RULES[action].append(rule)
        return rule

    return register


def check_separation(officer, action: str, obj: Model | None = None, **context) -> None:
    """Raise :class:`SeparationOfDuties` with the first rule's reason that refuses the action."""
    for rule in _RULES.get(action, ()):
        reason = rule(officer, obj, **context)
        if reason:
            raise SeparationOfDuties(reason)


def separation_refusals(officer, action: str, objects, **context) -> dict:
    """:func:`check_separation` for many objects at once: the first refusing rule's reason for
    each object refused, by primary key. A rule with a ``many`` attribute answers for all the
    objects in one go (one query rather than one per object)."""
    refused = {}
    for rule in _RULES.get(action, ()):
        remaining = [obj for obj in objects if obj.pk not in refused]
        many = getattr(rule, "many", None)
        if many is not None:
            reasons = many(officer, remaining, **context)
        else:
            reasons = {obj.pk: rule(officer, obj, **context) for obj in remaining}
        refused.update((pk, reason) for pk, reason in reasons.items() if reason)
    return refused


def conflicting_powers(roles: set[Role]) -> bool:
    """True if the roles belong to more than one of the four separated powers."""
    return sum(1 for power in SEPARATED_POWERS if power & roles) > 1


@separation_rule("change_officer", "grant_access")
def no_acting_on_oneself(officer, obj, *, target=None, **context) -> str | None:
    if target is not None and officer is not None and target.pk == officer.pk:
        return _("You cannot change your own roles or access; ask another administrator.")
    return None


@separation_rule("change_officer")
def four_powers_apart(officer, obj, *, roles=frozenset(), **context) -> str | None:
    if conflicting_powers(set(roles)):
        return _(
            "Eligibility, fund management, disbursement and supervision must be held by "
            "different officers."
        )
    return None


# The levels of an application's chain that no officer signs two of, in the chain's order. The county has two: the
# inspector who rechecked a household may not also approve it. Which action signs which level
# is declared by the processes (``workflows.transitions.Signs``) and given to the rule.
LEVEL_NAMES = {
    "village": gettext_lazy("the village level"),
    "township": gettext_lazy("the township check"),
    "county_recheck": gettext_lazy("the county recheck"),
    "county_approval": gettext_lazy("the county approval"),
    "city": gettext_lazy("the city filing"),
}


def levels_signed_elsewhere(
    officer, applications, *, level: str, signing: dict[str, str], **context
) -> dict:
    """For each application among ``applications`` that ``officer`` signed at another level
    than ``level``, the refusal naming that level; ``signing`` maps each signing action to the
    level it signs. One query per thousand applications."""
    other_levels = {action: name for action, name in signing.items() if name != level}
    signed = {}
    for chunk in chunks([str(application.pk) for application in applications]):
        rows = (
            AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(applications[0]),
                object_id__in=chunk,
                actor=officer,
                action__in=list(other_levels),
            )
            .values_list("object_id", "action")
            .order_by("seq")
        )
        for object_id, action in rows:
            signed.setdefault(int(object_id), action)
    return {
        pk: _("You signed this application at %(level)s; another officer must sign here.")
        % {"level": LEVEL_NAMES[other_levels[action]]}
        for pk, action in signed.items()
    }


@separation_rule("sign_application")
def one_level_per_officer(officer, obj, *, level: str, signing: dict, **context) -> str | None:
    """No officer signs two different levels of one application (谁签字谁负责)."""
    return levels_signed_elsewhere(officer, [obj], level=level, signing=signing).get(obj.pk)


one_level_per_officer.many = levels_signed_elsewhere
