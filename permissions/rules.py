"""Yes/no answers to "may this officer do this?" for pages, API views and actions alike."""

from casework.models import Application, CertificateNotice, MigrantCertificate, Person
from casework.models.certificates import township_of
from documents.models import Document
from permissions.roles import ROLES_SEEING_FULL_ID_NUMBERS, Role
from permissions.scoping import code_in_jurisdiction, in_jurisdiction


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


def may_handle_certificate(user, certificate: MigrantCertificate) -> bool:
    """Migrant-service officers of the issuing township (or above it) work the certificate."""
    return user.has_perm("casework.change_migrantcertificate") and in_jurisdiction(
        user, certificate
    )


def may_apply_for_certificate(user) -> bool:
    return user.has_perm("casework.add_migrantcertificate")


def may_confirm_verification(user, certificate: MigrantCertificate) -> bool:
    """The registration area's officers answer a verification request."""
    return user.has_perm("casework.change_migrantcertificate") and code_in_jurisdiction(
        user, certificate.registration_region_id
    )


def may_acknowledge_notice(user, notice: CertificateNotice) -> bool:
    return user.has_perm("casework.change_certificatenotice") and code_in_jurisdiction(
        user, notice.to_region_id
    )


def may_send_feedback(user, certificate: MigrantCertificate) -> bool:
    """Either end of a migrant's move may write to the other about them."""
    ends = (certificate.region_id, township_of(certificate.registration_region_id))
    return user.has_perm("casework.change_certificatenotice") and any(
        code_in_jurisdiction(user, code) for code in ends
    )


def may_apply_for_reward(user) -> bool:
    """Village officers record applications on the families' behalf."""
    return user.has_perm("casework.add_application")


def may_work_at_village(user, application: Application) -> bool:
    """The village stage (visit, appraisal, defer, reject) by the village's officers."""
    return user.has_perm("casework.work_village_stage") and in_jurisdiction(user, application)


def may_check_at_township(user, application: Application) -> bool:
    """The township check (pass, return, defer, reject) by the township's reviewers."""
    return user.has_perm("casework.check_at_township") and in_jurisdiction(user, application)


def may_act_at_current_level(user, application: Application) -> bool:
    """Defer, resume, reject or withdraw: whoever works the level the application is at."""
    if application.at_township():
        return may_check_at_township(user, application)
    return may_work_at_village(user, application)


def may_post_in_village(user, posting_region_code: str) -> bool:
    """Village officers post their own village's list and handle its objections."""
    return user.has_perm("casework.add_posting") and code_in_jurisdiction(user, posting_region_code)


def may_see_objection_reporters(user) -> bool:
    """Who raised an objection is shown to supervisors only (and never in documents)."""
    return user.is_superuser or user.has_role(Role.SUPERVISOR)
