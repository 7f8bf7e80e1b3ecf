"""Forms of the program pages: a new program with its conditions and its first standard, a
change of a program, and a new standard. They only shape the input; the rules (a code taken,
no condition chosen, a contribution without its insurer…) are checked by
``workflows.programs``, which the API calls too."""

from collections.abc import Sequence
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from casework import money
from casework.eligibility import CATALOGUE
from casework.form_fields import DatePicker
from casework.models import (
    PaymentCycle,
    Program,
    ProgramDocument,
    ProgramKind,
    ProgramStandard,
)
from casework.models.programs import default_documents
from workflows.programs import CHANGEABLE, Chosen, StandardTerms

# 9,999,999.99 yuan is the most a standard's amount in fen (a 32-bit column) safely holds.
AMOUNT_DIGITS = 9


class StandardForm(forms.Form):
    """A dated standard: from when, how much a period (yuan), how often paid, the ages."""

    effective_from = forms.DateField(label=_("Effective from"), widget=DatePicker())
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        min_value=Decimal("0.01"),
        max_digits=AMOUNT_DIGITS,
        decimal_places=2,
        error_messages={"min_value": _("The amount must be more than zero.")},
        help_text=_("Per person for the period the program's kind states."),
    )
    payment_cycle = forms.ChoiceField(
        label=_("Payment cycle"),
        required=False,
        help_text=ProgramStandard._meta.get_field("payment_cycle").help_text,
    )
    min_age = forms.IntegerField(
        label=_("Minimum age of the applicant"), required=False, min_value=0, max_value=120
    )
    min_mother_age = forms.IntegerField(
        label=_("Minimum age of the mother"), required=False, min_value=0, max_value=120
    )

    STANDARD_FIELDS = ("effective_from", "amount", "payment_cycle", "min_age", "min_mother_age")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_cycle"].choices = [
            ("", _("As often as the amount's period")),
            *PaymentCycle.choices,
        ]

    def terms(self) -> StandardTerms:
        """The cleaned standard, its amount in fen."""
        data = self.cleaned_data
        return StandardTerms(
            effective_from=data["effective_from"],
            amount_fen=money.fen(data["amount"]),
            payment_cycle=data["payment_cycle"],
            min_age=data["min_age"],
            min_mother_age=data["min_mother_age"],
        )


class ProgramFieldsForm(forms.Form):
    """What a program's page may set: its name, postings, documents, insurer and conditions.

    The conditions are one checkbox per condition of the catalogue, in its order; beside a
    condition that takes a day, a date (``since_<code>``), beside one that takes a number, a
    number prefilled with the catalogue's (``number_<code>``)."""

    name = forms.CharField(label=_("Program name"), max_length=80)
    posting_days = forms.IntegerField(
        label=_("Minimum posting days"),
        min_value=1,
        max_value=365,
        initial=7,
        help_text=Program._meta.get_field("posting_days").help_text,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents issued"),
        choices=ProgramDocument.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=default_documents,
    )
    payee_name = forms.CharField(label=_("Insurer"), max_length=80, required=False)
    payee_bank = forms.CharField(label=_("Insurer's bank"), max_length=60, required=False)
    payee_account = forms.CharField(
        label=_("Insurer's account number"), max_length=25, required=False
    )
    conditions = forms.MultipleChoiceField(
        label=_("Conditions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    PROGRAM_FIELDS: tuple[str, ...] = ("name", "posting_days", "description", "documents")
    INSURER_FIELDS = ("payee_name", "payee_bank", "payee_account")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels read in the request's language: describe() makes text of the lazy label.
        self.fields["conditions"].choices = [(item.code, item.describe()) for item in CATALOGUE]
        for item in CATALOGUE:
            if item.parameter == "since":
                self.fields[f"since_{item.code}"] = forms.DateField(
                    label=_("On or after"), required=False, widget=DatePicker()
                )
            elif item.parameter == "number":
                self.fields[f"number_{item.code}"] = forms.IntegerField(
                    label=_("Number"),
                    required=False,
                    min_value=1,
                    max_value=99,
                    initial=item.default,
                )

    @staticmethod
    def _parameter_field(item) -> str | None:
        return f"{item.parameter}_{item.code}" if item.parameter else None

    def program_fields(self) -> list:
        """The program's own fields, for the template."""
        return [self[name] for name in self.PROGRAM_FIELDS]

    def insurer_fields(self) -> list:
        """The insurer's fields (contribution programs only), for the template."""
        return [self[name] for name in self.INSURER_FIELDS]

    def condition_rows(self) -> list:
        """Each condition's checkbox with its parameter's field beside it (or None)."""
        options = list(self["conditions"])
        rows = []
        for option, item in zip(options, CATALOGUE, strict=True):
            name = self._parameter_field(item)
            rows.append((option, self[name] if name else None))
        return rows

    def chosen(self, first: Sequence[str] = ()) -> list[Chosen]:
        """The conditions ticked, with their parameters: those in ``first`` (a program's
        current conditions, in its order) first, then the others in the catalogue's order."""
        picked = set(self.cleaned_data["conditions"])
        order = [code for code in first if code in picked]
        order += [item.code for item in CATALOGUE if item.code in picked and item.code not in order]
        data = self.cleaned_data
        return [
            Chosen(code, data.get(f"since_{code}"), data.get(f"number_{code}")) for code in order
        ]

    def program_values(self, names=CHANGEABLE) -> dict:
        """The cleaned values of ``names`` that this form has, for ``workflows.programs``."""
        return {name: self.cleaned_data[name] for name in names if name in self.fields}


class ProgramAddForm(StandardForm, ProgramFieldsForm):
    """A new program: its code and kind (fixed once added), what may change later, its
    conditions and its first standard."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits, hyphens and underscores, such as rural-reward."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", "---------"), *ProgramKind.choices],
        help_text=_(
            "The period its amounts are stated for, and to whom it pays. The code and the "
            "kind cannot be changed once the program is added."
        ),
    )

    PROGRAM_FIELDS = ("code", "name", "kind", "posting_days", "description", "documents")

    def standard_fields(self) -> list:
        """The first standard's fields, for the template."""
        return [self[name] for name in self.STANDARD_FIELDS]

    def service_arguments(self) -> dict:
        """The keyword arguments of ``workflows.programs.add_program``."""
        return {
            "code": self.cleaned_data["code"],
            "kind": self.cleaned_data["kind"],
            "conditions": self.chosen(),
            "standard": self.terms(),
            **self.program_values(),
        }


class ProgramEditForm(ProgramFieldsForm):
    """A change of a program: what may change (not its code, kind or standards), its
    conditions included, prefilled with what it is now."""

    active = forms.BooleanField(label=_("Accepting applications"), required=False)

    PROGRAM_FIELDS = ("name", "posting_days", "description", "documents", "active")

    def __init__(self, *args, program: Program, **kwargs):
        self.program = program
        current = list(program.conditions.all())
        self.current_codes = [chosen.condition for chosen in current]
        initial = {name: getattr(program, name) for name in CHANGEABLE}
        initial["conditions"] = self.current_codes
        for chosen in current:
            # A condition without its parameter shows the catalogue's default number.
            if chosen.since is not None:
                initial[f"since_{chosen.condition}"] = chosen.since
            if chosen.number is not None:
                initial[f"number_{chosen.condition}"] = chosen.number
        super().__init__(*args, initial=initial, **kwargs)

    def changes(self) -> dict:
        """The keyword arguments of ``workflows.programs.change_program``: only the fields
        that changed, and the conditions only when a ticked box or a parameter of a ticked
        condition changed (so that an unchanged save rewrites nothing)."""
        arguments = self.program_values([name for name in CHANGEABLE if name in self.changed_data])
        chosen = self.chosen(self.current_codes)
        parameters = {f"{kind}_{item.condition}" for item in chosen for kind in ("since", "number")}
        if "conditions" in self.changed_data or parameters & set(self.changed_data):
            arguments["conditions"] = chosen
        return arguments
