"""The roles officers hold, as data: who they are, where they sit, what models they touch.

Each role is a Django group of the same name carrying the model permissions below; the groups
are rebuilt from this table after every migrate, so the table is the one source of truth.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework import region_codes


class Role(models.TextChoices):
    VILLAGE_OFFICER = "village_officer", _("village officer")
    TOWNSHIP_REVIEWER = "township_reviewer", _("township reviewer")
    COUNTY_APPROVER = "county_approver", _("county approver")
    COUNTY_INSPECTOR = "county_inspector", _("county inspector")
    CITY_FILING_OFFICER = "city_filing_officer", _("city filing officer")
    FUND_MANAGER = "fund_manager", _("fund manager")
    DISBURSEMENT_OFFICER = "disbursement_officer", _("disbursement officer")
    SUPERVISOR = "supervisor", _("supervisor")
    INVESTIGATOR = "investigator", _("investigator")
    CASE_APPROVER = "case_approver", _("case approver")
    MIGRANT_SERVICE_OFFICER = "migrant_service_officer", _("migrant-service officer")
    ADMINISTRATOR = "administrator", _("administrator")


# The level of the region an officer of each role answers for.
ROLE_LEVELS: dict[Role, tuple[str, ...]] = {
    Role.VILLAGE_OFFICER: (region_codes.VILLAGE,),
    Role.TOWNSHIP_REVIEWER: (region_codes.TOWNSHIP,),
    Role.COUNTY_APPROVER: (region_codes.COUNTY,),
    Role.COUNTY_INSPECTOR: (region_codes.COUNTY,),
    Role.CITY_FILING_OFFICER: (region_codes.CITY,),
    Role.FUND_MANAGER: (region_codes.COUNTY, region_codes.CITY),
    Role.DISBURSEMENT_OFFICER: (region_codes.COUNTY, region_codes.CITY),
    Role.SUPERVISOR: (region_codes.COUNTY, region_codes.CITY),
    Role.INVESTIGATOR: (region_codes.COUNTY,),
    Role.CASE_APPROVER: (region_codes.COUNTY,),
    Role.MIGRANT_SERVICE_OFFICER: (region_codes.TOWNSHIP, region_codes.COUNTY),
    Role.ADMINISTRATOR: region_codes.LEVELS,
}

# Every officer sees the documents issued in their jurisdiction.
_VIEW_PEOPLE = (
    "casework.view_application",
    "casework.view_changerequest",
    "casework.view_posting",
    "casework.view_objection",
    "casework.view_program",
    "casework.view_region",
    "casework.view_household",
    "casework.view_person",
    "documents.view_document",
)
_CERTIFICATES = (
    "casework.view_migrantcertificate",
    "casework.add_migrantcertificate",
    "casework.change_migrantcertificate",
    "casework.view_certificatenotice",
    "casework.change_certificatenotice",
    # Two-way agreements with other townships and the feedback owed under them.
    "casework.view_migrationagreement",
    "casework.add_migrationagreement",
    "casework.view_migrantfeedback",
    "casework.add_migrantfeedback",
)
# Batches and their payments; whole account numbers need view_bankaccount on top.
_VIEW_PAYMENTS = ("casework.view_paymentbatch", "casework.view_payment")
# Recoveries of what was paid on false facts, and supervisors' findings on batches.
_VIEW_RECOVERIES = ("casework.view_recovery", "casework.view_repayment", "casework.view_finding")
_VIEW_CERTIFICATES = (
    "casework.view_migrantcertificate",
    "casework.view_certificatenotice",
    "casework.view_migrationagreement",
    "casework.view_migrantfeedback",
)
# Revoking or re-issuing a signed document is an approver's decision.
_MANAGE_DOCUMENTS = ("documents.change_document",)
# Each level posts its own list and handles the objections raised against it.
_POSTINGS = (
    "casework.add_posting",
    "casework.change_posting",
    "casework.add_objection",
    "casework.change_objection",
)
_EDIT_PEOPLE = (
    "casework.add_household",
    "casework.change_household",
    "casework.add_person",
    "casework.change_person",
)
# Imports from Excel or CSV into the officer's own village or township.
_IMPORTS = ("casework.view_dataimport", "casework.add_dataimport")

# Model permissions of each role; object reach is decided by permissions.scoping.
# The half-yearly comparison with other departments: township and county offices upload the
# extracts and decide the findings.
_COMPARISONS = (
    "casework.view_comparison",
    "casework.add_comparison",
    "casework.view_comparisonfinding",
    "casework.change_comparisonfinding",
)

ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.VILLAGE_OFFICER: _VIEW_PEOPLE
    + _EDIT_PEOPLE
    + _IMPORTS
    + (
        "casework.add_application",
        "casework.change_application",
        "casework.work_village_stage",
    )
    + _POSTINGS,
    Role.TOWNSHIP_REVIEWER: _VIEW_PEOPLE
    + _EDIT_PEOPLE
    + _IMPORTS
    + _POSTINGS
    + _COMPARISONS
    + ("casework.check_at_township",),
    Role.COUNTY_APPROVER: _VIEW_PEOPLE
    + _MANAGE_DOCUMENTS
    + _POSTINGS
    + ("casework.approve_at_county",)
    + _COMPARISONS
    # The county office adds the programs the province announces, and their standards.
    + ("casework.add_program", "casework.change_program", "casework.add_programstandard"),
    Role.COUNTY_INSPECTOR: _VIEW_PEOPLE + ("casework.recheck_at_county",),
    Role.CITY_FILING_OFFICER: _VIEW_PEOPLE + ("casework.file_at_city",),
    Role.FUND_MANAGER: _VIEW_PEOPLE
    + _VIEW_PAYMENTS
    + ("casework.view_bankaccount", "casework.approve_paymentbatch")
    + _VIEW_RECOVERIES
    + ("casework.add_repayment", "casework.change_recovery"),
    Role.DISBURSEMENT_OFFICER: _VIEW_PEOPLE
    + _VIEW_PAYMENTS
    + (
        "casework.view_bankaccount",
        "casework.add_bankaccount",
        "casework.add_paymentbatch",
        "casework.change_paymentbatch",
        "casework.disburse_paymentbatch",
    )
    + _VIEW_RECOVERIES
    + ("casework.add_repayment",),
    Role.SUPERVISOR: _VIEW_PEOPLE
    + ("casework.view_enforcementcase", "casework.see_informant")
    + _VIEW_CERTIFICATES
    + _VIEW_PAYMENTS
    + _VIEW_RECOVERIES
    + ("permissions.view_auditentry", "casework.add_finding")
    + ("casework.view_comparison", "casework.view_comparisonfinding")
    # Likely duplicate persons: supervisors resolve them (same person / different persons).
    + ("casework.view_duplicatesuspect", "casework.change_duplicatesuspect"),
    # Investigators see only the cases assigned to them (object grants), never by jurisdiction.
    Role.INVESTIGATOR: _VIEW_PEOPLE
    + ("casework.add_enforcementcase", "casework.change_enforcementcase"),
    Role.CASE_APPROVER: _VIEW_PEOPLE
    + (
        "casework.view_enforcementcase",
        "casework.approve_enforcementcase",
        "casework.see_informant",
    ),
    Role.MIGRANT_SERVICE_OFFICER: _VIEW_PEOPLE + _EDIT_PEOPLE + _CERTIFICATES,
    Role.ADMINISTRATOR: _VIEW_PEOPLE
    + _EDIT_PEOPLE
    + _MANAGE_DOCUMENTS
    + _VIEW_CERTIFICATES
    + (
        "casework.add_region",
        "casework.change_region",
        "casework.add_program",
        "casework.change_program",
        "casework.add_programstandard",
        "casework.change_programstandard",
        "casework.add_programexclusion",
        "casework.change_programexclusion",
        "casework.delete_programexclusion",
        "permissions.view_officer",
        "permissions.add_officer",
        "permissions.change_officer",
        "permissions.view_auditentry",
    ),
}

# Roles whose officers see a person's whole ID number in their jurisdiction; everyone else sees
# it masked (first 6 and last 4 characters).
ROLES_SEEING_FULL_ID_NUMBERS = frozenset(
    {
        Role.VILLAGE_OFFICER,
        Role.TOWNSHIP_REVIEWER,
        Role.COUNTY_APPROVER,
        Role.COUNTY_INSPECTOR,
        Role.DISBURSEMENT_OFFICER,
        Role.MIGRANT_SERVICE_OFFICER,
        Role.INVESTIGATOR,
        Role.CASE_APPROVER,
    }
)

# 四权分离: confirming eligibility, managing funds, paying funds and supervising belong to
# different people, so one officer may hold roles of one of these powers only.
SEPARATED_POWERS: tuple[frozenset[Role], ...] = (
    frozenset(
        {
            Role.VILLAGE_OFFICER,
            Role.TOWNSHIP_REVIEWER,
            Role.COUNTY_APPROVER,
            Role.COUNTY_INSPECTOR,
            Role.CITY_FILING_OFFICER,
        }
    ),
    frozenset({Role.FUND_MANAGER}),
    frozenset({Role.DISBURSEMENT_OFFICER}),
    frozenset({Role.SUPERVISOR}),
)


def sync_role_groups(using: str = "default") -> None:
    """Create one group per role and give it exactly the permissions of the table."""
    from django.contrib.auth.models import Group, Permission

    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.using(using).select_related("content_type")
        if f"{perm.content_type.app_label}.{perm.codename}" in wanted
    }
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        group.permissions.set([by_name[perm] for perm in perms if perm in by_name])
