"""The regions' own records that the processes print: each level's report line (举报电话),
on every posting of its level and of the levels below it."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.models import Region
from permissions import audit, rules
from permissions.audit import Actor
from permissions.scoping import own_regions
from workflows.transitions import Steps

# Digits with the separators a telephone number is written with (0797-5212345, (0797) 521…).
_PHONE = re.compile(r"^[0-9][0-9()\- ]{4,38}[0-9]$")


def editable_by(user) -> QuerySet:
    """The regions whose records ``user`` may change: those of their own jurisdiction (the
    regions above it, which they see, are another office's)."""
    if not rules.holds_role_for(user, rules.may_edit_region):
        return Region.objects.none()
    return own_regions(user)


def record_report_phone(actor: Actor, region: Region, phone: str) -> Region:
    """Record ``region``'s report line (empty: none), with its audit entry; administrators of
    the region's jurisdiction only."""
    if not rules.may_edit_region(actor.officer, region):
        raise PermissionDenied(_("Your role may not change this region's records."))
    phone = " ".join(phone.split())
    if phone and not _PHONE.match(phone):
        raise ValidationError(
            {"report_phone": _("Write a telephone number: digits, with - ( ) or spaces.")}
        )
    with transaction.atomic():
        locked = Region.objects.select_for_update().get(pk=region.pk)
        before = locked.report_phone
        locked.report_phone = phone
        locked.save(update_fields=["report_phone"])
        audit.record(actor, "record_report_phone", locked, data={"before": before, "after": phone})
    return locked


# This module's audit actions; workflows/steps.py registers them.
DECLARED = (Steps(Region, labels={"record_report_phone": gettext_lazy("Report line recorded")}),)
