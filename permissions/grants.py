"""Explicit object grants: assignment and delegation beyond an officer's jurisdiction.

A grant is a django-guardian object permission (a row of the model's grant table) plus who
granted it, why and until when. Scoping ignores expired grants at once; :func:`expire_grants`
removes them and records that it did.
"""

import datetime

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from casework import clock
from permissions import audit, rules
from permissions.models import ObjectGrant, Officer
from permissions.scoping import granted_scopes, grants_count, scope_of
from permissions.separation import check_separation

SYSTEM = audit.Actor(officer=None, role="system")


def _grant_model(obj: Model) -> type[ObjectGrant]:
    grant_model = scope_of(type(obj)).grant_model
    if grant_model is None:
        raise ValueError(f"{type(obj).__name__} objects cannot be granted.")
    return grant_model


def _view_permission(obj: Model) -> Permission:
    content_type = ContentType.objects.get_for_model(obj)
    return Permission.objects.get(content_type=content_type, codename=f"view_{content_type.model}")


def grant_access(
    actor: audit.Actor,
    *,
    user: Officer,
    obj: Model,
    reason: str,
    expires_at: datetime.datetime | None = None,
) -> ObjectGrant:
    """Let ``user`` see ``obj`` although it lies outside their jurisdiction."""
    if not rules.may_grant_access(actor.officer, obj):
        raise PermissionDenied(_("You may not grant access to this record."))
    check_separation(actor.officer, "grant_access", obj, target=user)
    if not reason.strip():
        raise ValidationError({"reason": _("Reason: please say why access is granted.")})
    if expires_at is not None and expires_at <= clock.now():
        raise ValidationError({"expires_at": _("Expires at: must be in the future.")})
    return put_grant(actor, user=user, obj=obj, reason=reason, expires_at=expires_at)


def put_grant(
    actor: audit.Actor,
    *,
    user: Officer,
    obj: Model,
    reason: str,
    expires_at: datetime.datetime | None = None,
) -> ObjectGrant:
    """Write the grant and its audit entry; the caller has decided the actor may (an
    administrator's grant, a case approver's assignment)."""
    grant_model = _grant_model(obj)
    with transaction.atomic():
        grant, _created = grant_model.objects.update_or_create(
            user=user,
            permission=_view_permission(obj),
            content_object=obj,
            defaults={
                "granted_by": actor.officer,
                "granted_at": clock.now(),
                "expires_at": expires_at,
                "reason": reason.strip(),
            },
        )
        audit.record(
            actor,
            "grant_access",
            obj,
            opinion=grant.reason,
            data={
                "grantee": user.username,
                "permission": grant.permission.codename,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return grant


def revoke_access(actor: audit.Actor, grant: ObjectGrant, *, reason: str) -> None:
    """Withdraw a grant; the object disappears from the grantee's lists at once."""
    if not rules.may_grant_access(actor.officer, grant.content_object):
        raise PermissionDenied(_("You may not revoke access to this record."))
    remove_grant(actor, grant, reason=reason)


def remove_grant(actor: audit.Actor, grant: ObjectGrant, *, reason: str) -> None:
    """Delete the grant with its audit entry; the caller has decided the actor may."""
    with transaction.atomic():
        _delete_with_entry(actor, grant, "revoke_access", reason)


def end_grants_of_ended_posts(actor: audit.Actor, officer: Officer, *, moved: bool) -> int:
    """Remove, each with its audit entry, the officer's grants that their post no longer uses:
    those their roles no longer give a use for (a case assignment once they are no longer an
    investigator) and, when they ``moved`` to another jurisdiction, every grant (assignments
    and access were given for the office they left). Returns how many."""
    count = 0
    for scope in granted_scopes():
        if moved:
            reason = _("The officer moved to another jurisdiction.")
        elif not grants_count(officer, scope):
            reason = _("The role that needed this access has ended.")
        else:
            continue
        ended = scope.grant_model.objects.filter(user=officer).select_related(
            "user", "permission", "content_object"
        )
        for grant in ended:
            _delete_with_entry(actor, grant, "end_access", reason)
            count += 1
    return count


def expire_grants() -> int:
    """Remove every grant whose time is up; returns how many were removed."""
    count = 0
    now = clock.now()
    for model in ObjectGrant.__subclasses__():
        expired = model.objects.filter(expires_at__lte=now).select_related(
            "user", "permission", "content_object"
        )
        with transaction.atomic():
            for grant in expired.select_for_update(of=("self",)):
                _delete_with_entry(SYSTEM, grant, "expire_access", "")
                count += 1
    return count


def _delete_with_entry(actor: audit.Actor, grant: ObjectGrant, action: str, reason: str) -> None:
    audit.record(
        actor,
        action,
        grant.content_object,
        opinion=reason,
        data={"grantee": grant.user.username, "permission": grant.permission.codename},
    )
    grant.delete()
