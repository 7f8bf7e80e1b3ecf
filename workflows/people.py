"""Actions on persons, each with its audit entry."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from casework.models import Person
from permissions import audit, rules


def register_person(actor: audit.Actor, person: Person) -> Person:
    """Save a new, validated person in the officer's jurisdiction."""
    if not rules.may_add_person(actor.officer):
        raise PermissionDenied(_("You may not register persons."))
    person.full_clean()
    if not rules.may_edit_person(actor.officer, person):
        raise PermissionDenied(_("The village is outside your jurisdiction."))
    with transaction.atomic():
        person.save()
        audit.record(actor, "register_person", person, data={"region": person.region_id})
    return person
