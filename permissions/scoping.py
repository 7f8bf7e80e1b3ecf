"""Who can see what: one scoping rule per model, applied by :func:`visible_to`.

Every page, download and API view gets its objects through ``visible_to(user, …)``, so lists
and details can never disagree. An officer reaches objects in their jurisdiction (a region and
everything below it: a range on the region code) plus objects explicitly granted to them
(django-guardian grants that have not expired). Anything else answers 404.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from casework import clock, region_codes
from casework.models import (
    Application,
    CertificateNotice,
    CertificateStatus,
    ChangeRequest,
    Comparison,
    ComparisonFinding,
    DataImport,
    DuplicateSuspect,
    EnforcementCase,
    Finding,
    Household,
    Job,
    MigrantCertificate,
    MigrantFeedback,
    MigrationAgreement,
    Objection,
    Payment,
    PaymentBatch,
    Person,
    Posting,
    Recovery,
    Region,
    Repayment,
)
from permissions.models import CaseGrant, ObjectGrant, Officer, PersonGrant


@dataclass(frozen=True)
class Scope:
    """How one model is reached.

    ``region_field`` is the lookup of the region code that places an object in the tree;
    ``permission`` is the model permission a role needs to see the model at all;
    ``grant_model`` holds explicit object grants, if the model can be granted, and
    ``grant_needs`` the model permission a grantee's roles must still give for a grant to
    count: a grant ends with the role that needed it.
    ``reach``, when given, replaces the jurisdiction as what a role with ``permission``
    sees (a derived object follows its subject, not the region it copies).
    """

    region_field: str
    permission: str
    grant_model: type[ObjectGrant] | None = None
    grant_needs: str | None = None
    include_ancestors: bool = False
    # Read the user's grants first and list their ids, rather than a subquery ORed with the
    # jurisdiction's range, which keeps the database from using the range's index: for
    # tables of a city's size (persons), at the cost of one small query.
    grants_first: bool = False
    # Further reach beyond the jurisdiction, as a condition built for the user.
    also: Callable[[Officer], Q] | None = None
    reach: Callable[[Officer], Q] | None = None


_SCOPES: dict[type[Model], Scope] = {}


def register_scope(model: type[Model], scope: Scope) -> None:
    """Declare how ``model`` is scoped; each model is declared once."""
    if model in _SCOPES:
        raise ValueError(f"{model.__name__} already has a scope.")
    _SCOPES[model] = scope


def scope_of(model: type[Model]) -> Scope:
    try:
        return _SCOPES[model]
    except KeyError:
        raise LookupError(
            f"{model.__name__} has no scope; register one in permissions.scoping."
        ) from None


def granted_scopes() -> list[Scope]:
    """The scopes of the models that can be granted object by object."""
    return [scope for scope in _SCOPES.values() if scope.grant_model is not None]


def jurisdiction_q(user: Officer, region_field: str, *, include_ancestors: bool = False) -> Q:
    """The condition "lies in the user's jurisdiction" on a region-code column."""
    if user.jurisdiction_id is None:
        return Q(pk__in=[])
    low, high = region_codes.subtree_bounds(user.jurisdiction_id)
    condition = Q(**{f"{region_field}__gte": low, f"{region_field}__lte": high})
    if include_ancestors:
        condition |= Q(**{f"{region_field}__in": region_codes.ancestor_codes(user.jurisdiction_id)})
    return condition


def region_of(obj: Model) -> str | None:
    """The region code that places ``obj`` in the tree (its scope's region field, followed
    across relations such as a payment's application)."""
    value = obj
    for name in scope_of(type(obj)).region_field.split("__"):
        value = getattr(value, name)
    return value


def with_region(queryset: QuerySet) -> QuerySet:
    """``queryset`` reading along the rows whatever :func:`region_of` follows to their region
    (a payment's application), so that asking it of many rows makes no query per row."""
    path = scope_of(queryset.model).region_field.split("__")[:-1]
    return queryset.select_related("__".join(path)) if path else queryset


def in_jurisdiction(user: Officer, obj: Model) -> bool:
    """True if the object lies in the user's own jurisdiction (grants do not count)."""
    return code_in_jurisdiction(user, region_of(obj))


def own_regions(user: Officer) -> QuerySet:
    """The regions of the user's own jurisdiction: what they see without the regions above it
    (which they see, but which are another office's)."""
    regions = visible_to(user, Region)
    return regions if user.is_superuser else regions.filter(jurisdiction_q(user, "code"))


def code_in_jurisdiction(user: Officer, code: str | None) -> bool:
    """True if the region ``code`` lies in the user's own jurisdiction."""
    if user.is_superuser:
        return True
    if user.jurisdiction_id is None or code is None:
        return False
    low, high = region_codes.subtree_bounds(user.jurisdiction_id)
    return low <= code <= high


def granted_q(
    user: Officer, grant_model: type[ObjectGrant], codename: str, *, first: bool = False
) -> Q:
    """The condition "explicitly granted to the user for viewing, and not expired"; with
    ``first``, the grants (few, usually none) are read now and the condition lists their ids."""
    grants = (
        grant_model.objects.filter(user=user, permission__codename=codename)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=clock.now()))
        .values_list("content_object_id", flat=True)
    )
    return Q(pk__in=list(grants) if first else grants)


def visible_to(user, queryset: QuerySet | type[Model]) -> QuerySet:
    """Narrow a queryset of a scoped model to what ``user`` may see."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    scope = scope_of(queryset.model)
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    condition = Q(pk__in=[])
    if user.has_perm(scope.permission):
        if scope.reach is not None:
            condition = scope.reach(user)
        else:
            condition = jurisdiction_q(
                user, scope.region_field, include_ancestors=scope.include_ancestors
            )
        if scope.also is not None:
            condition |= scope.also(user)
    if grants_count(user, scope):
        codename = scope.permission.split(".", 1)[1]
        condition |= granted_q(user, scope.grant_model, codename, first=scope.grants_first)
    return queryset.filter(condition)


def grants_count(user: Officer, scope: Scope) -> bool:
    """Whether the user's grants on the scope's model still count: the model can be granted and
    the user's roles still give what the grant was for."""
    return scope.grant_model is not None and (
        scope.grant_needs is None or user.has_perm(scope.grant_needs)
    )


def get_visible_or_404(user, queryset: QuerySet | type[Model], **lookups) -> Model:
    """Fetch one object the user may see; anything else, including out of reach, is a 404."""
    try:
        return visible_to(user, queryset).get(**lookups)
    except (queryset.model if isinstance(queryset, QuerySet) else queryset).DoesNotExist:
        raise Http404 from None


register_scope(Region, Scope("code", "casework.view_region", include_ancestors=True))
register_scope(Household, Scope("region_id", "casework.view_household"))
register_scope(
    Person,
    Scope(
        "region_id",
        "casework.view_person",
        grant_model=PersonGrant,
        grant_needs="casework.view_person",
        grants_first=True,
    ),
)
register_scope(Officer, Scope("jurisdiction_id", "permissions.view_officer"))


def following_subjects(kinds_by_subject: Callable[[], dict[str, tuple[list, list]]]):
    """The reach of records that follow a subject (``subject_type``, ``subject_id``, ``kind``
    and their own ``region_id``), such as documents: a record is seen exactly when its subject
    is. ``kinds_by_subject()`` gives, for each subject model's label, the kinds that follow one
    object of it and the aggregate kinds, which have no one subject and are seen by those who
    see that model in the record's region. A record of a kind listed nowhere is seen by
    nobody but technical operators (superusers).

    A record lies where its subject lies (its issuer refuses anything else, and a subject's
    region never changes once it has such records), so the subjects a role reaches through its
    jurisdiction are matched by one range on the records' own indexed region; only those
    reached otherwise (assigned cases, certificates awaiting the registration area's answer)
    are listed, few, by id."""

    def reach(user: Officer) -> Q:
        seen = Q(pk__in=[])
        for label, (per_object, aggregate) in kinds_by_subject().items():
            model = apps.get_model(label)
            scope = scope_of(model)
            by_jurisdiction = user.has_perm(scope.permission)
            if per_object:
                of_kind = Q(
                    kind__in=per_object, subject_type=ContentType.objects.get_for_model(model)
                )
                if by_jurisdiction:
                    seen |= of_kind & jurisdiction_q(user, "region_id")
                beyond = _subjects_beyond_jurisdiction(user, model, scope, by_jurisdiction)
                if beyond:
                    seen |= of_kind & Q(subject_id__in=beyond)
            if aggregate and by_jurisdiction:
                seen |= Q(kind__in=aggregate) & jurisdiction_q(user, "region_id")
        return seen

    return reach


def _subjects_beyond_jurisdiction(user, model, scope: Scope, by_jurisdiction: bool) -> list[str]:
    """The keys of the ``model`` objects the user sees other than through the jurisdiction:
    through grants or the scope's further reach (one query, only where either applies)."""
    if not (grants_count(user, scope) or (scope.also is not None and by_jurisdiction)):
        return []
    subjects = visible_to(user, model)
    if by_jurisdiction:
        subjects = subjects.exclude(jurisdiction_q(user, scope.region_field))
    return [str(pk) for pk in subjects.values_list("pk", flat=True)]


register_scope(Application, Scope("region_id", "casework.view_application"))
register_scope(Posting, Scope("region_id", "casework.view_posting"))
register_scope(ChangeRequest, Scope("region_id", "casework.view_changerequest"))
register_scope(
    EnforcementCase,
    Scope(
        "region_id",
        "casework.view_enforcementcase",
        grant_model=CaseGrant,
        # Case grants are assignments of investigators; they end with the investigator role.
        grant_needs="casework.change_enforcementcase",
    ),
)
register_scope(PaymentBatch, Scope("region_id", "casework.view_paymentbatch"))
# An agreement, and the feedback under it, is seen by both townships that signed it.
register_scope(
    MigrationAgreement,
    Scope(
        "outflow_region_id",
        "casework.view_migrationagreement",
        also=lambda user: jurisdiction_q(user, "inflow_region_id"),
    ),
)
register_scope(
    MigrantFeedback,
    Scope(
        "agreement__outflow_region_id",
        "casework.view_migrantfeedback",
        also=lambda user: jurisdiction_q(user, "agreement__inflow_region_id"),
    ),
)
# A comparison belongs to the office that uploaded it; its findings lie in each person's village.
register_scope(Comparison, Scope("region_id", "casework.view_comparison"))
register_scope(ComparisonFinding, Scope("region_id", "casework.view_comparisonfinding"))
# An import belongs to the office (jurisdiction) that uploaded it.
register_scope(DataImport, Scope("region_id", "casework.view_dataimport"))
register_scope(Payment, Scope("application__region_id", "casework.view_payment"))
register_scope(Recovery, Scope("application__region_id", "casework.view_recovery"))
register_scope(Repayment, Scope("recovery__application__region_id", "casework.view_repayment"))
register_scope(Finding, Scope("batch__region_id", "casework.view_finding"))
register_scope(Objection, Scope("entry__application__region_id", "casework.view_objection"))
register_scope(
    MigrantCertificate,
    Scope(
        "region_id",
        "casework.view_migrantcertificate",
        # The registration area sees a certificate while it is asked to confirm its facts.
        also=lambda user: (
            Q(status=CertificateStatus.AWAITING_VERIFICATION)
            & jurisdiction_q(user, "registration_region_id")
        ),
    ),
)
register_scope(
    CertificateNotice,
    Scope(
        "to_region_id",
        "casework.view_certificatenotice",
        # Both ends of a notice see it: the township it is addressed to and the sender.
        also=lambda user: jurisdiction_q(user, "from_region_id"),
    ),
)

register_scope(
    DuplicateSuspect,
    Scope(
        "person_a__region_id",
        "casework.view_duplicatesuspect",
        # A pair concerns the jurisdictions of both its persons (often two counties).
        also=lambda user: jurisdiction_q(user, "person_b__region_id"),
    ),
)


def jobs_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Jobs are private to the officer who started them (and to technical operators): a job's
    print file holds its documents, which the starter saw when starting it and an office
    administrator may not see at all."""
    queryset = Job.objects.all() if queryset is None else queryset
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(started_by=user)
