"""Yes/no answers to "may this officer do this?" for pages, API views and actions alike."""

from dataclasses import dataclass

from django.db.models import Q

from casework import clock
from casework.models import (
    Application,
    ApplicationStatus,
    CertificateNotice,
    DuplicateSuspect,
    ImportKind,
    Level,
    MigrantCertificate,
    Person,
)
from casework.models.certificates import township_of
from casework.models.payments import BANK_FILE_EXPORTED
from permissions.roles import ROLES_SEEING_FULL_ID_NUMBERS, Role
from permissions.scoping import code_in_jurisdiction, in_jurisdiction, scope_of


@dataclass(frozen=True)
class InJurisdiction:
    """A rule over one object: the holders of ``permission`` in whose jurisdiction it lies. The
    permission stays readable on the rule, so an inbox can count what waits for a role before
    it reads any object."""

    permission: str

    def __call__(self, user, obj) -> bool:
        return user.has_perm(self.permission) and in_jurisdiction(user, obj)


def may_manage_officers(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMINISTRATOR))


def may_grant_access(user, obj) -> bool:
    """Administrators grant access to objects of their own jurisdiction."""
    return may_manage_officers(user) and in_jurisdiction(user, obj)


def may_see_programs(user) -> bool:
    """The programs and their standards are every officer's reference."""
    return user.has_perm("casework.view_program")


def may_edit_programs(user) -> bool:
    return user.has_perm("casework.change_program")


def may_add_programs(user) -> bool:
    return user.has_perm("casework.add_program")


def may_add_standards(user) -> bool:
    """Standards are added, never changed: what was decided under one stays as it was."""
    return user.has_perm("casework.add_programstandard")


def may_compare(user) -> bool:
    """Township and county offices upload other departments' extracts (半年数据比对)."""
    return user.has_perm("casework.add_comparison") and user.jurisdiction_id is not None


# Whoever compares decides the findings of the villages in their jurisdiction.
may_decide_finding = InJurisdiction("casework.change_comparisonfinding")


def may_see_comparisons(user) -> bool:
    """The comparisons' pages: those who compare, and those who watch them (supervisors)."""
    return user.has_perm("casework.view_comparison") or may_compare(user)


def may_see_agreements(user) -> bool:
    return user.has_perm("casework.view_migrationagreement")


def may_record_agreement(user) -> bool:
    """Whether ``user`` records agreements for their own township."""
    return may_keep_agreement(user, user.jurisdiction_id)


def may_keep_agreement(user, township_code: str) -> bool:
    """Migrant-service officers of a township (or above it) record its two-way agreements and
    the feedback it owes under them."""
    return user.has_perm("casework.add_migrationagreement") and code_in_jurisdiction(
        user, township_code
    )


def may_add_person(user) -> bool:
    return user.has_perm("casework.add_person")


may_edit_person = InJurisdiction("casework.change_person")


def may_see_full_id_number(user, person: Person) -> bool:
    """Whole ID numbers only for roles that work with them, in their own jurisdiction."""
    if user.is_superuser:
        return True
    return bool(set(user.roles) & ROLES_SEEING_FULL_ID_NUMBERS) and in_jurisdiction(user, person)


def id_number_for(user, person: Person) -> str:
    """``person``'s ID number as ``user`` may see it: whole (``may_see_full_id_number``), or
    masked."""
    if may_see_full_id_number(user, person):
        return person.id_number
    return person.masked_id_number


def may_see_statistics_of(user, model) -> bool:
    """Counts over a model (dashboards, yearly statistics) only for roles that see its objects
    by jurisdiction: counting what one may not list would disclose it. Investigators, who see
    only the cases granted to them, get no case statistics."""
    return user.is_authenticated and user.has_perm(scope_of(model).permission)


# Administrators record their regions' report lines (举报电话), which postings print.
may_edit_region = InJurisdiction("casework.change_region")

# Revoke or re-issue: approvers and administrators whose jurisdiction holds the document.
may_manage_document = InJurisdiction("documents.change_document")


# Migrant-service officers of the issuing township (or above it) work the certificate.
may_handle_certificate = InJurisdiction("casework.change_migrantcertificate")


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


def may_import(user, kind: str) -> bool:
    """Village officers import into their village, township reviewers into their township
    (each row's village is checked against the jurisdiction); new applications only by those
    who record applications (the apply step's own rule)."""
    if not user.has_perm("casework.add_dataimport") or user.jurisdiction_id is None:
        return False
    return kind != ImportKind.APPLICATIONS or may_apply_for_reward(user)


# The village stage (visit, appraisal, defer, reject) by the village's officers.
may_work_at_village = InJurisdiction("casework.work_village_stage")


def may_request_change(user, application: Application) -> bool:
    """Village officers of the recipient's village request changes to the facts of an enrolled
    or suspended recipient."""
    return application.status in (
        ApplicationStatus.ENROLLED,
        ApplicationStatus.SUSPENDED,
    ) and may_work_at_village(user, application)


def may_decide_change(user, change) -> bool:
    """Township reviewers of the recipient's township approve or reject a change request;
    nobody decides on a request they made themselves."""
    return (
        user.has_perm(may_check_at_township.permission)
        and code_in_jurisdiction(user, change.region_id)
        and change.requested_by_id != user.pk
    )


def may_withdraw_change(user, change) -> bool:
    """Only the officer who requested a change takes it back."""
    return change.requested_by_id == user.pk and code_in_jurisdiction(user, change.region_id)


# The township check (pass, return, defer, reject) by the township's reviewers.
may_check_at_township = InJurisdiction("casework.check_at_township")


# The county recheck (a second household visit) by the county's inspectors.
may_recheck_at_county = InJurisdiction("casework.recheck_at_county")


# County approval, and the decisions on enrolled recipients, by the county's approvers.
may_approve_at_county = InJurisdiction("casework.approve_at_county")


# City filing of approved applications by the city's filing officers.
may_file_at_city = InJurisdiction("casework.file_at_city")


def may_act_at_current_level(user, application: Application) -> bool:
    """Defer, resume, return, reject or withdraw: whoever works the level the application is at
    (at the county, the inspector too while the recheck is pending)."""
    level = application.level()
    if level == Level.VILLAGE:
        return may_work_at_village(user, application)
    if level == Level.TOWNSHIP:
        return may_check_at_township(user, application)
    if level == Level.COUNTY:
        waiting = application.deferred_from or application.status
        return may_approve_at_county(user, application) or (
            waiting == ApplicationStatus.AWAITING_COUNTY
            and may_recheck_at_county(user, application)
        )
    if level == Level.CITY:
        return may_file_at_city(user, application)
    if level == Level.RECIPIENT:
        return may_approve_at_county(user, application)
    return False


def may_return_application(user, application: Application) -> bool:
    """Return to the level below: from the township, county or city, by whoever works the
    level the application is at (a village has no level below it)."""
    return application.level() in (
        Level.TOWNSHIP,
        Level.COUNTY,
        Level.CITY,
    ) and may_act_at_current_level(user, application)


# The roles of the levels of the chain: whoever works the level an application is at may
# defer, resume, reject or withdraw it; a return needs a level below.
may_act_at_current_level.permissions = tuple(
    rule.permission
    for rule in (
        may_work_at_village,
        may_check_at_township,
        may_recheck_at_county,
        may_approve_at_county,
        may_file_at_city,
    )
)
may_return_application.permissions = may_act_at_current_level.permissions[1:]


def holds_role_for(user, rule) -> bool:
    """Whether ``user``'s roles could satisfy ``rule`` on some object (``rule.permission``, or
    any of ``rule.permissions``), asked before any object is read: the bulk forms offer only
    such steps and the inboxes count only such lines."""
    names = getattr(rule, "permissions", None) or (rule.permission,)
    return any(user.has_perm(name) for name in names)


# The permission that lets an officer post the lists of each level.
_POSTING_PERMISSIONS = {
    Level.VILLAGE: may_work_at_village.permission,
    Level.TOWNSHIP: may_check_at_township.permission,
    Level.COUNTY: may_approve_at_county.permission,
}


def may_post(user, level: str, region_code: str) -> bool:
    """The officers of a level post its lists and handle the objections raised against them:
    the village officer the first, the township reviewer the second, the county approver the
    final."""
    return (
        user.has_perm("casework.add_posting")
        and user.has_perm(_POSTING_PERMISSIONS[level])
        and code_in_jurisdiction(user, region_code)
    )


def may_open_postings(user) -> bool:
    """Whether the officer posts lists at all (which lists: :func:`may_post`)."""
    return user.has_perm("casework.add_posting")


def may_close_postings(user) -> bool:
    """Whether the officer closes postings at all (which ones: :func:`may_close_posting`)."""
    return user.has_perm("casework.change_posting")


def may_close_posting(user, posting) -> bool:
    """A posting is closed by the officers who post at its level."""
    return may_post(user, posting.level, posting.region_id)


def may_handle_objection(user, objection) -> bool:
    """An objection is upheld or dismissed by the officers who post at its posting's level."""
    return may_close_posting(user, objection.entry.posting)


def may_disburse(user, region_code: str) -> bool:
    """Disbursement officers build and pay the batches of their county."""
    return may_build_batches(user) and code_in_jurisdiction(user, region_code)


def may_build_batches(user) -> bool:
    """Whether the officer builds payment batches at all (of their county: may_disburse)."""
    return user.has_perm("casework.disburse_paymentbatch")


def may_disburse_batch(user, batch) -> bool:
    """Build, export, pay and close a batch: the disbursement officers of its county."""
    return may_disburse(user, batch.region_id)


def may_download_bank_file(user, batch) -> bool:
    """Download an exported batch's bank file again: those who may export it (separation of
    duties is checked on the download itself)."""
    return batch.status in BANK_FILE_EXPORTED and may_disburse_batch(user, batch)


def may_approve_batch(user, batch) -> bool:
    """Approve or return a batch: the fund managers of its county."""
    return may_approve_payments(user, batch.region_id)


def may_approve_payments(user, region_code: str) -> bool:
    """Fund managers approve or return the batches of their county."""
    return user.has_perm("casework.approve_paymentbatch") and code_in_jurisdiction(
        user, region_code
    )


def may_see_account_numbers(user) -> bool:
    """Whole bank account numbers only for the fund and disbursement roles."""
    return user.has_perm("casework.view_bankaccount")


# Disbursement officers record (and correct) recipients' accounts in their jurisdiction.
may_record_bank_account = InJurisdiction("casework.add_bankaccount")


def may_see_objection_reporters(user) -> bool:
    """Who raised an objection is shown to supervisors only (and never in documents)."""
    return user.is_superuser or user.has_role(Role.SUPERVISOR)


def may_record_repayment(user, recovery) -> bool:
    """Fund managers and disbursement officers record repayments in their jurisdiction."""
    return user.has_perm("casework.add_repayment") and code_in_jurisdiction(
        user, recovery.application.region_id
    )


def may_write_off_recovery(user, recovery) -> bool:
    """Only the fund manager of the recipient's county writes a recovery off."""
    return user.has_perm("casework.change_recovery") and code_in_jurisdiction(
        user, recovery.application.region_id
    )


def may_record_finding(user, batch) -> bool:
    """Supervisors record findings on the batches of their jurisdiction."""
    return user.has_perm("casework.add_finding") and code_in_jurisdiction(user, batch.region_id)


def may_record_clues(user) -> bool:
    """Whether the officer records clues at all (where: :func:`may_record_clue`)."""
    return user.has_perm("casework.add_enforcementcase")


def may_record_clue(user, region_code: str) -> bool:
    """Investigators record clues of their jurisdiction."""
    return may_record_clues(user) and code_in_jurisdiction(user, region_code)


def is_assigned(user, case) -> bool:
    """Whether the officer is one of the case's investigators (holds a current grant)."""
    return (
        case.grants.filter(user=user)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=clock.now()))
        .exists()
    )


@dataclass(frozen=True)
class Assigned:
    """A rule over one case: the holders of ``permission`` assigned to it (a current grant);
    the permission stays readable for the inboxes, as on :class:`InJurisdiction`."""

    permission: str

    def __call__(self, user, case) -> bool:
        return user.has_perm(self.permission) and is_assigned(user, case)


# The assigned investigators work the case (propose, record).
may_investigate = Assigned("casework.change_enforcementcase")

# Case approvers of the jurisdiction decide on registration, decisions and closing.
may_approve_case = InJurisdiction("casework.approve_enforcementcase")


def may_see_informant(user, case) -> bool:
    """Who reported a clue: case approvers and supervisors of the jurisdiction only."""
    return user.has_perm("casework.see_informant") and code_in_jurisdiction(user, case.region_id)


def may_see_duplicates(user) -> bool:
    """The list of likely duplicate persons is the supervisors'."""
    return user.has_perm("casework.view_duplicatesuspect")


def may_search_duplicates(user) -> bool:
    """Supervisors may start a search for likely duplicates at any time (it also runs daily)."""
    return user.has_perm("casework.change_duplicatesuspect")


def may_resolve_duplicate(user, suspect: DuplicateSuspect) -> bool:
    """Supervisors of a jurisdiction holding either person decide whether the pair is one
    person (the later application is held) or two."""
    return user.has_perm("casework.change_duplicatesuspect") and (
        code_in_jurisdiction(user, suspect.person_a.region_id)
        or code_in_jurisdiction(user, suspect.person_b.region_id)
    )


def may_issue_statistics_for(user, model, region_code: str) -> bool:
    """A signed table of statistics over ``model`` goes out under the office serving its region,
    so only for a region of the officer's own jurisdiction: a county's approver never files
    under the city's office, though the city is above them and visible."""
    return may_see_statistics_of(user, model) and code_in_jurisdiction(user, region_code)
