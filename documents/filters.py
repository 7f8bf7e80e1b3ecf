"""Search and filters for the document registry, shared by the page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.filters import filter_region_subtree
from documents.kinds import DocumentKind
from documents.models import Document, DocumentStatus
from documents.numbering import normalize_code


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number, title or code"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DocumentKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DocumentStatus.choices)
    office = django_filters.CharFilter(label=_("Issuing office code"), field_name="office_id")
    region = django_filters.CharFilter(label=_("Region code"), method="in_region")
    issued_from = django_filters.DateFilter(
        label=_("Issued from"), field_name="issued_at", lookup_expr="date__gte"
    )
    issued_to = django_filters.DateFilter(
        label=_("Issued to"), field_name="issued_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Document
        fields = ["q", "kind", "status", "office", "region", "issued_from", "issued_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        code = normalize_code(value)
        if code is not None:
            return queryset.filter(code=code)
        return queryset.filter(Q(number__contains=value) | Q(title__contains=value))

    def in_region(self, queryset, name, value):
        return filter_region_subtree(queryset, "region_id", value.strip())
