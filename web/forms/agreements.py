"""Forms of the two-way agreement pages and API (流动人口双向协议): the agreement, one woman's
feedback for one period, the list's filter, and the counts the list shows and filters on
(``workflows.agreements.with_counts``).

The forms only read the input; ``workflows.agreements`` checks it against the rules and says
who may record what."""

import datetime
from collections.abc import Iterator

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from casework import clock
from casework.chunks import chunks
from casework.form_fields import DatePicker
from casework.models import (
    Contraception,
    MigrantCertificate,
    MigrationAgreement,
    PregnancyCheck,
    Region,
)
from casework.region_codes import TOWNSHIP
from permissions.scoping import jurisdiction_q
from workflows import agreements


class TownshipField(forms.ModelChoiceField):
    """A township-level region, chosen by its code and shown with its county's name (two
    townships of one name lie in different counties)."""

    def __init__(self, **kwargs):
        queryset = Region.objects.filter(level=TOWNSHIP).select_related("parent").order_by("code")
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, region) -> str:
        county = region.parent.name if region.parent_id else ""
        return f"{county}{region.name}"


class AgreementForm(forms.ModelForm):
    """The terms of an agreement both townships signed (the pages' form and the API's body)."""

    outflow_region = TownshipField(
        label=_("outflow township"),
        help_text=_("The township the migrants' household registration is in."),
    )
    inflow_region = TownshipField(
        label=_("inflow township"), help_text=_("The township the migrants live in.")
    )
    feedback_days = forms.IntegerField(
        label=_("days allowed after each period"), min_value=0, max_value=365, initial=10
    )

    class Meta:
        model = MigrationAgreement
        fields = [
            "number",
            "outflow_region",
            "inflow_region",
            "signed_on",
            "valid_from",
            "valid_until",
            "feedback_months",
            "feedback_days",
            "outflow_signatory",
            "inflow_signatory",
            "note",
        ]
        widgets = {
            "signed_on": DatePicker(),
            "valid_from": DatePicker(),
            "valid_until": DatePicker(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self):
        # No instance is built or checked here: sign_agreement checks the terms, with who may
        # record them, and its errors come back onto the form.
        pass


class FeedbackForm(forms.Form):
    """The inflow township's report on one woman for one period."""

    certificate = forms.ModelChoiceField(
        label=_("certificate"),
        queryset=MigrantCertificate.objects.all(),
        widget=forms.HiddenInput,
        # The same answer whether the certificate exists or is another township's.
        error_messages={"invalid_choice": _("The agreement does not cover this woman then.")},
    )
    period_start = forms.DateField(label=_("period from"), widget=forms.HiddenInput)
    contraception = forms.ChoiceField(
        label=_("contraception"),
        choices=[("", _("Contraception…")), *Contraception.choices],
        error_messages={
            "required": _("Choose the contraception in use."),
            "invalid_choice": _("Choose the contraception in use."),
        },
    )
    pregnancy_check = forms.ChoiceField(
        label=_("pregnancy check"),
        choices=[("", _("Pregnancy check…")), *PregnancyCheck.choices],
        error_messages={
            "required": _("Choose the result of the pregnancy check."),
            "invalid_choice": _("Choose the result of the pregnancy check."),
        },
    )
    checked_on = forms.DateField(label=_("checked on"), required=False, widget=DatePicker())
    note = forms.CharField(label=_("note"), max_length=200, required=False)


def row_form(certificate: MigrantCertificate, period: agreements.Period) -> FeedbackForm:
    """The feedback form of one woman's row: its own ids, and each field saying what it asks
    in itself (the row has no room for labels)."""
    form = FeedbackForm(
        auto_id=f"feedback-{certificate.pk}-%s",
        initial={"certificate": certificate.pk, "period_start": period.start},
    )
    for field in form.fields.values():
        if not field.widget.is_hidden:
            field.widget.attrs.update(placeholder=field.label, **{"aria-label": field.label})
    return form


class CountedRows:
    """Agreements with their counts (``agreements.with_counts``), read a chunk at a time: what the
    list's workbook writes (``export_list`` reads its rows through ``iterator``)."""

    def __init__(self, queryset: QuerySet, today: datetime.date):
        self.queryset, self.today = queryset, today

    def iterator(self, chunk_size: int) -> Iterator[MigrationAgreement]:
        """The rows, counted ``agreements.COUNTS_PER_STATEMENT // 4`` agreements at a time."""
        for chunk in chunks(
            self.queryset.iterator(chunk_size), agreements.COUNTS_PER_STATEMENT // 4
        ):
            yield from agreements.with_counts(chunk, self.today)


class AgreementFilter(django_filters.FilterSet):
    """``?side=outflow|inflow&overdue=true&q=``: the agreements of the officer's township as the
    migrants' home or as where they live, those with reports overdue, by number."""

    q = django_filters.CharFilter(
        label=_("Agreement number"), field_name="number", lookup_expr="icontains"
    )
    side = django_filters.ChoiceFilter(
        label=_("Side"),
        choices=[
            ("outflow", _("Our migrants elsewhere (outflow)")),
            ("inflow", _("Migrants living here (inflow)")),
        ],
        empty_label=_("Both sides"),
        method="by_side",
    )
    # Last: counts only the agreements the other filters keep.
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="only_overdue")

    class Meta:
        model = MigrationAgreement
        fields = ["q", "side", "overdue"]

    def by_side(self, queryset, name, value):
        """The agreements whose ``value`` side lies in the officer's jurisdiction."""
        user = self.request.user if self.request else None
        if user is None or user.is_superuser:
            return queryset
        return queryset.filter(jurisdiction_q(user, f"{value}_region_id"))

    def only_overdue(self, queryset, name, value):
        """The agreements with a report overdue, counted over all the others keep."""
        if not value:
            return queryset
        today = clock.today()
        late = [
            row.pk
            for row in agreements.with_counts(queryset.order_by(), today)
            if row.overdue_count
        ]
        return queryset.filter(pk__in=late)
