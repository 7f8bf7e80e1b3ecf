"""Actions on officers: create, change roles and jurisdiction, activate and deactivate.

Each action checks the rules, changes the officer and writes the audit entries in one
transaction; pages and commands call these, never the model directly.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casework.models import Region, RegionLevel
from permissions import audit, grants, rules
from permissions.models import Officer
from permissions.roles import ROLE_LEVELS, Role
from permissions.scoping import in_jurisdiction
from permissions.separation import check_separation


def validate_assignment(roles: Iterable[Role], jurisdiction: Region | None) -> None:
    """Each role answers for a region of a given level; refuse a mismatch, naming the field."""
    roles = list(roles)
    if not roles:
        raise ValidationError({"roles": _("Roles: choose at least one role.")})
    if jurisdiction is None:
        raise ValidationError({"jurisdiction": _("Jurisdiction: this field is required.")})
    for role in roles:
        if jurisdiction.level not in ROLE_LEVELS[role]:
            raise ValidationError(
                {
                    "jurisdiction": _(
                        "Jurisdiction: a %(role)s works for a region of level %(levels)s, "
                        "not %(name)s."
                    )
                    % {
                        "role": role.label,
                        "levels": "、".join(
                            str(RegionLevel(level).label) for level in ROLE_LEVELS[role]
                        ),
                        "name": jurisdiction.name,
                    }
                }
            )


def _check_may_manage(actor: audit.Actor, jurisdiction: Region | None) -> None:
    if not rules.may_manage_officers(actor.officer):
        raise PermissionDenied(_("Only administrators manage officers."))
    if jurisdiction is not None and not in_jurisdiction(actor.officer, jurisdiction):
        raise ValidationError({"jurisdiction": _("Jurisdiction: outside your own jurisdiction.")})


def _set_roles(officer: Officer, roles: Iterable[Role]) -> None:
    officer.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    # Read roles and permissions again from the groups just set.
    for cached in ("roles", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        officer.__dict__.pop(cached, None)


def create_officer(
    actor: audit.Actor,
    *,
    username: str,
    full_name: str,
    password: str,
    jurisdiction: Region,
    roles: Iterable[Role],
) -> Officer:
    """Create an officer with roles and a jurisdiction; the audit names who did it."""
    roles = sorted(set(roles))
    _check_may_manage(actor, jurisdiction)
    validate_assignment(roles, jurisdiction)
    check_separation(actor.officer, "change_officer", None, roles=roles)
    if Officer.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Username: this username is already taken.")})
    try:
        validate_password(password)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    with transaction.atomic():
        officer = Officer(
            username=username,
            full_name=full_name,
            jurisdiction=jurisdiction,
            is_staff=Role.ADMINISTRATOR in roles,
        )
        officer.set_password(password)
        officer.save()
        _set_roles(officer, roles)
        audit.record(
            actor,
            "create_officer",
            officer,
            to_state="active",
            data={"roles": [role.value for role in roles], "jurisdiction": jurisdiction.code},
        )
    return officer


def update_officer(
    actor: audit.Actor,
    officer: Officer,
    *,
    full_name: str,
    jurisdiction: Region,
    roles: Iterable[Role],
    is_active: bool,
    reason: str = "",
) -> Officer:
    """Change an officer's name, jurisdiction, roles or activity, auditing each change."""
    roles = sorted(set(roles))
    _check_may_manage(actor, jurisdiction)
    validate_assignment(roles, jurisdiction)
    check_separation(actor.officer, "change_officer", officer, target=officer, roles=roles)
    before_roles = sorted(officer.roles)
    changes = []
    if before_roles != roles:
        changes.append(
            audit.Change(
                "change_officer_roles",
                officer,
                from_state=",".join(role.value for role in before_roles),
                to_state=",".join(role.value for role in roles),
                opinion=reason,
            )
        )
    moved = officer.jurisdiction_id != jurisdiction.code
    if moved:
        changes.append(
            audit.Change(
                "change_officer_jurisdiction",
                officer,
                from_state=officer.jurisdiction_id or "",
                to_state=jurisdiction.code,
                opinion=reason,
            )
        )
    if officer.is_active != is_active:
        changes.append(
            audit.Change(
                "activate_officer" if is_active else "deactivate_officer",
                officer,
                from_state="active" if officer.is_active else "inactive",
                to_state="active" if is_active else "inactive",
                opinion=reason,
            )
        )
    with transaction.atomic():
        officer.full_name = full_name
        officer.jurisdiction = jurisdiction
        officer.is_active = is_active
        officer.is_staff = Role.ADMINISTRATOR in roles
        officer.save()
        _set_roles(officer, roles)
        audit.record_many(actor, changes)
        grants.end_grants_of_ended_posts(actor, officer, moved=moved)
    return officer
