"""Separation of duties (四权分离, 谁签字谁负责): rules that refuse an action to an officer
because of what they already did or hold.

Later processes plug their rules in with :func:`separation_rule`; actions call
:func:`check_separation` before they change anything.
"""

from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext as _

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


# The actions that sign an application at the village level.
VILLAGE_LEVEL_ACTIONS = ("apply", "submit", "record_visit", "appraise", "post_in_village")


@separation_rule("township_check")
def one_level_per_officer(officer, obj, **context) -> str | None:
    """Whoever signed an application at the village cannot also sign it at the township."""
    signed_below = AuditEntry.objects.filter(
        content_type__app_label=obj._meta.app_label,
        content_type__model=obj._meta.model_name,
        object_id=str(obj.pk),
        actor=officer,
        action__in=VILLAGE_LEVEL_ACTIONS,
    )
    if signed_below.exists():
        return _("You signed this application at the village level; another officer must check it.")
    return None
