"""Yes/no answers to "may this officer do this?" for pages, API views and actions alike."""

from casework.models import Person
from documents.models import Document
from permissions.roles import ROLES_SEEING_FULL_ID_NUMBERS, Role
from permissions.scoping import in_jurisdiction


def may_manage_officers(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMINISTRATOR))


def may_grant_access(user, obj) -> bool:
    """Administrators grant access to objects of their own jurisdiction."""
    return may_manage_officers(user) and in_jurisdiction(user, obj)


def may_add_person(user) -> bool:
    return user.has_perm("casework.add_person")


def may_edit_person(user, person: Person) -> bool:
    return user.has_perm("casework.change_person") and in_jurisdiction(user, person)


def may_see_full_id_number(user, person: Person) -> bool:
    """Whole ID numbers only for roles that work with them, in their own jurisdiction."""
    if user.is_superuser:
        return True
    return bool(set(user.roles) & ROLES_SEEING_FULL_ID_NUMBERS) and in_jurisdiction(user, person)


def may_manage_document(user, document: Document) -> bool:
    """Revoke or re-issue: approvers and administrators whose jurisdiction holds the document."""
    return user.has_perm("documents.change_document") and in_jurisdiction(user, document)
