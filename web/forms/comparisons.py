"""Forms of the data comparison pages and API (半年数据比对): the upload, and the filters of the
comparisons and of their findings."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import (
    Comparison,
    ComparisonFinding,
    ComparisonSource,
    FindingKind,
    FindingStatus,
)
from workflows.comparisons import half_year_label


class ComparisonUploadForm(forms.Form):
    """Another department's extract and the department it comes from."""

    source = forms.ChoiceField(
        label=_("Department"),
        choices=[("", "---------"), *ComparisonSource.choices],
        error_messages={"required": _("Choose the department the extract comes from.")},
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("XLSX, or CSV in UTF-8 or GB18030, with the template's headers."),
        error_messages={"required": _("Choose the file to upload.")},
    )


class ComparisonFilter(django_filters.FilterSet):
    """``?source=&half_year=``: the department, and the half-year by its first day
    (``2026-07-01``), chosen among the half-years of the comparisons the user sees."""

    source = django_filters.ChoiceFilter(
        label=_("Department"), choices=ComparisonSource.choices, empty_label=_("Any department")
    )
    half_year = django_filters.ChoiceFilter(
        label=_("Half-year"), choices=[], empty_label=_("Any half-year")
    )

    class Meta:
        model = Comparison
        fields = ["source", "half_year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = self.queryset

        # A plain function, read only when the form is built: the form deep-copies its fields'
        # choices, and a method would copy the filter set with its request.
        def half_years() -> list[tuple[str, str]]:
            days = queryset.order_by("-half_year").values_list("half_year", flat=True).distinct()
            return [(day.isoformat(), half_year_label(day)) for day in days]

        half_year = self.filters["half_year"]
        half_year.extra["choices"] = half_years
        # A field built before (the API schema builds the class's own) is copied with the
        # filter; drop it, so this set's field is built with these choices.
        half_year.__dict__.pop("_field", None)


class FindingFilter(django_filters.FilterSet):
    """``?status=&kind=`` over one comparison's findings."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=FindingStatus.choices, empty_label=_("Any status")
    )
    kind = django_filters.ChoiceFilter(
        label=_("What was found"), choices=FindingKind.choices, empty_label=_("Any kind")
    )

    class Meta:
        model = ComparisonFinding
        fields = ["status", "kind"]
