"""Search and filters for lists, shared by the pages and the API."""

import datetime

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework import clock, region_codes
from casework.id_numbers import normalize_id_number
from casework.models import (
    Application,
    ApplicationStatus,
    BatchStatus,
    CaseStatus,
    CertificateKind,
    CertificateNotice,
    CertificateStatus,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    ClueSource,
    DataImport,
    DuplicateStatus,
    DuplicateSuspect,
    EnforcementCase,
    Hukou,
    ImportKind,
    ImportStatus,
    MigrantCertificate,
    NoticeKind,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PaymentBatch,
    Person,
    Posting,
    PostingLevel,
    PostingStatus,
    Region,
    Sex,
)
from casework.models.cases import add_working_days


def filter_region_subtree(queryset, field: str, code: str):
    """Keep rows whose region code lies in the subtree of ``code``; bad codes match nothing."""
    try:
        low, high = region_codes.subtree_bounds(code)
    except ValidationError:
        return queryset.none()
    return queryset.filter(**{f"{field}__gte": low, f"{field}__lte": high})


def search_name_or_id_number(queryset, value: str, name_field: str, id_field: str):
    """A whole ID number is an exact (indexed) match; anything else matches name or number
    prefixes."""
    value = value.strip()
    if not value:
        return queryset
    number = normalize_id_number(value)
    if len(number) == 18:
        return queryset.filter(**{id_field: number})
    return queryset.filter(_starts_with(name_field, value) | _starts_with(id_field, number))


def search_persons_of(queryset, value: str, person_field: str):
    """Rows whose person (the foreign key ``person_field``) matches ``value`` as
    :func:`search_name_or_id_number` matches persons.

    The persons are found first, through their own name and number indexes, and the rows by
    them. Written as a join, SQLite walks every row of the officer's jurisdiction instead and
    looks up each one's person: 255 ms for a county of 100,000 applications, against 0.3 ms.
    """
    if not value.strip():
        return queryset
    persons = search_name_or_id_number(Person.objects.all(), value, "name", "id_number")
    return queryset.filter(**{f"{person_field}__in": persons.values("pk")})


def _starts_with(field: str, prefix: str) -> Q:
    """``field`` begins with ``prefix``, as a condition an index answers: PostgreSQL's LIKE
    'x%' uses the pattern-ops indexes; SQLite's LIKE is case-insensitive and never does, so
    there it is the range of values from the prefix to the prefix followed by the last code
    point (SQLite compares text by code point, so the two are the same rows)."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})
    return Q(**{f"{field}__startswith": prefix})


# A year the date lookups can build (``__year`` turns it into a range of dates: year 0 or a
# thirty-digit year fails there) and that a filter could mean.
YEARS = {"min_value": 1, "max_value": 9999}
# An id the database can hold (a thirty-digit one overflows the integer it is compared with).
IDS = {"min_value": 1, "max_value": 10**18 - 1}


class InRegionMixin:
    """``?region=<code>``: rows whose own region code lies in that subtree."""

    region_field = "region_id"

    def in_region(self, queryset, name, value):
        return filter_region_subtree(queryset, self.region_field, value.strip())


class PersonFilter(InRegionMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or ID number"), method="search")
    region = django_filters.CharFilter(label=_("Region code"), method="in_region")
    hukou = django_filters.ChoiceFilter(label=_("Household registration"), choices=Hukou.choices)
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    household = django_filters.CharFilter(
        label=_("Household number"), field_name="household__number"
    )

    class Meta:
        model = Person
        fields = ["q", "region", "hukou", "sex", "household"]

    def search(self, queryset, name, value):
        return search_name_or_id_number(queryset, value, "name", "id_number")


class RegionFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(label=_("Parent region code"), field_name="parent_id")
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Region._meta.get_field("level").choices
    )
    q = django_filters.CharFilter(label=_("Name or code"), method="search")

    class Meta:
        model = Region
        fields = ["parent", "level", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(name__contains=value) | Q(code__startswith=value))
            if value
            else queryset
        )


class CertificateFilter(InRegionMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Holder's name or ID number"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CertificateKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CertificateStatus.choices)
    region = django_filters.CharFilter(label=_("Region code"), method="in_region")
    # Days up to a century: a larger number overflows the date it is added to.
    expiring_within = django_filters.NumberFilter(
        label=_("Expiring within (days)"), method="expiring", min_value=0, max_value=36500
    )

    class Meta:
        model = MigrantCertificate
        fields = ["q", "kind", "status", "region", "expiring_within"]

    def search(self, queryset, name, value):
        return search_name_or_id_number(queryset, value, "holder_name", "holder_id_number")

    def expiring(self, queryset, name, value):
        until = clock.today() + datetime.timedelta(days=int(value))
        return queryset.filter(status=CertificateStatus.ISSUED, valid_until__lte=until)


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=NoticeKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=NoticeStatus.choices)
    direction = django_filters.ChoiceFilter(
        label=_("Direction"),
        choices=[("in", _("Received")), ("out", _("Sent"))],
        method="by_direction",
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="only_overdue")

    class Meta:
        model = CertificateNotice
        fields = ["kind", "status", "direction", "overdue"]

    def by_direction(self, queryset, name, value):
        user = self.request.user if self.request else None
        if user is None or user.jurisdiction_id is None:
            return queryset
        field = "to_region_id" if value == "in" else "from_region_id"
        return filter_region_subtree(queryset, field, user.jurisdiction_id)

    def only_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset


class ApplicationFilter(InRegionMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Applicant's name or ID number"), method="search")
    program = django_filters.CharFilter(label=_("Program code"), field_name="program_id")
    year = django_filters.NumberFilter(label=_("Year"), **YEARS)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ApplicationStatus.choices)
    region = django_filters.CharFilter(label=_("Region code"), method="in_region")
    review = django_filters.ChoiceFilter(
        label=_("Annual review"),
        choices=[("due", _("due this year"))],
        method="review_due",
    )

    class Meta:
        model = Application
        fields = ["q", "program", "year", "status", "region", "review"]

    def review_due(self, queryset, name, value):
        return queryset.due_for_annual_review(clock.today().year) if value == "due" else queryset

    def search(self, queryset, name, value):
        return search_persons_of(queryset, value, "applicant")


class ChangeRequestFilter(InRegionMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Recipient's name or ID number"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ChangeStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind of change"), choices=ChangeKind.choices)
    region = django_filters.CharFilter(label=_("Region code"), method="in_region")

    class Meta:
        model = ChangeRequest
        fields = ["q", "status", "kind", "region"]

    def search(self, queryset, name, value):
        return search_persons_of(queryset, value, "application__applicant")


class PostingFilter(InRegionMixin, django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label=_("Level"), choices=PostingLevel.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PostingStatus.choices)
    program = django_filters.CharFilter(label=_("Program code"), field_name="program_id")
    year = django_filters.NumberFilter(label=_("Year"), **YEARS)
    region = django_filters.CharFilter(label=_("Region code"), method="in_region")
    due = django_filters.BooleanFilter(label=_("Period ended, still open"), method="ended")

    class Meta:
        model = Posting
        fields = ["level", "status", "program", "year", "region", "due"]

    def ended(self, queryset, name, value):
        if value is None:
            return queryset
        ended = Q(status=PostingStatus.OPEN, ends_on__lt=clock.today())
        return queryset.filter(ended if value else ~ended)


class PaymentBatchFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(label=_("Program code"), field_name="program_id")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=BatchStatus.choices)
    year = django_filters.NumberFilter(label=_("Year"), field_name="period_start__year", **YEARS)

    class Meta:
        model = PaymentBatch
        fields = ["program", "status", "year"]


class CaseFilter(InRegionMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Case number or subject"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=ClueSource.choices)
    year = django_filters.NumberFilter(label=_("Year"), field_name="received_on__year", **YEARS)
    region = django_filters.CharFilter(label=_("Region code"), method="in_region")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="past_deadline")

    class Meta:
        model = EnforcementCase
        fields = ["q", "status", "source", "year", "region", "overdue"]

    def past_deadline(self, queryset, name, value):
        """Clues past the registration deadline and cases past the decision deadline."""
        if not value:
            return queryset
        today = clock.today()
        cutoff = add_working_days(today, -settings.CASEWORK_REGISTRATION_WORKING_DAYS)
        return queryset.filter(
            Q(status=CaseStatus.CLUE, received_on__lt=cutoff)
            | Q(status=CaseStatus.REGISTERED, decision_due__lt=today)
        )

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(subject__icontains=value))


class ObjectionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ObjectionStatus.choices)
    posting = django_filters.NumberFilter(label=_("Posting"), field_name="entry__posting_id", **IDS)

    class Meta:
        model = Objection
        fields = ["status", "posting"]


class DuplicateFilter(django_filters.FilterSet):
    """Likely duplicates: either person's name or ID number, the decision, either person's
    region."""

    q = django_filters.CharFilter(label=_("Name or ID number"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DuplicateStatus.choices)
    region = django_filters.CharFilter(label=_("Region code"), method="in_region")

    class Meta:
        model = DuplicateSuspect
        fields = ["q", "status", "region"]

    def search(self, queryset, name, value):
        return search_persons_of(queryset, value, "person_a") | search_persons_of(
            queryset, value, "person_b"
        )

    def in_region(self, queryset, name, value):
        code = value.strip()
        return filter_region_subtree(queryset, "person_a__region_id", code) | (
            filter_region_subtree(queryset, "person_b__region_id", code)
        )


class DataImportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("File name"), field_name="file_name", lookup_expr="icontains"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ImportKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ImportStatus.choices)

    class Meta:
        model = DataImport
        fields = ["q", "kind", "status"]
