"""Serializers: field shape only; rules live in the models, actions and permissions."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from casework import clock, money
from casework.eligibility import CONDITIONS, conditions_of
from casework.id_numbers import mask_id_number, normalize_id_number, parse_id_number
from casework.models import (
    Household,
    Job,
    PaymentCycle,
    Person,
    Program,
    ProgramDocument,
    ProgramKind,
    ProgramStandard,
    Region,
)
from permissions import rules
from permissions.scoping import visible_to
from workflows.programs import Chosen, StandardTerms


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class PersonSerializer(serializers.ModelSerializer):
    """A person in a list: the ID number is always masked."""

    gender = serializers.CharField(source="sex", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    household = serializers.CharField(source="household.number", read_only=True, default=None)
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "id_number", "name", "gender", "birth_date", "region", "household", "hukou"]

    def get_id_number(self, person: Person) -> str:
        return mask_id_number(person.id_number)


class PersonDetailSerializer(PersonSerializer):
    """One person: the whole ID number only where the caller's role and jurisdiction allow."""

    class Meta(PersonSerializer.Meta):
        fields = PersonSerializer.Meta.fields + ["phone", "created_at", "updated_at"]

    def get_id_number(self, person: Person) -> str:
        return rules.id_number_for(self.context["request"].user, person)


class PersonCreateSerializer(serializers.ModelSerializer):
    """Registers a person: ``region`` is a village code, ``household`` a household number."""

    id_number = serializers.CharField(label=_("ID number"), max_length=30)
    region = serializers.CharField(label=_("village"))
    household = serializers.CharField(label=_("household"), required=False, allow_blank=True)

    class Meta:
        model = Person
        fields = ["id_number", "name", "region", "household", "hukou", "phone"]

    def validate_id_number(self, value: str) -> str:
        number = normalize_id_number(value)
        parse_id_number(number)
        if Person.objects.filter(id_number=number).exists():
            raise serializers.ValidationError(
                _("ID number: a person with this number is already registered.")
            )
        return number

    def validate_region(self, value: str) -> Region:
        region = visible_to(self.context["request"].user, Region).filter(code=value.strip()).first()
        if region is None:
            raise serializers.ValidationError(_("Village: no such village in your jurisdiction."))
        return region

    def validate_household(self, value: str) -> Household | None:
        if not value:
            return None
        household = (
            visible_to(self.context["request"].user, Household).filter(number=value.strip()).first()
        )
        if household is None:
            raise serializers.ValidationError(
                _("Household: no such household in your jurisdiction.")
            )
        return household


class JobSerializer(serializers.ModelSerializer):
    """Progress of long work (../shared/API.md: jobs)."""

    class Meta:
        model = Job
        fields = ["id", "kind", "title", "status", "done", "total", "result", "error"]


class ProgramStandardSerializer(serializers.ModelSerializer):
    """One dated standard: the amount in yuan as text with two decimals, never a float."""

    amount = serializers.SerializerMethodField()
    cycle = serializers.CharField(read_only=True, label=_("payment cycle in effect"))

    class Meta:
        model = ProgramStandard
        fields = [
            "effective_from",
            "amount",
            "period",
            "payment_cycle",
            "cycle",
            "min_age",
            "min_mother_age",
        ]

    def get_amount(self, standard) -> str:
        return f"{standard.amount:.2f}"


class ProgramSerializer(serializers.ModelSerializer):
    """A program with the standard in force today, its conditions, the documents it issues,
    its insurer (a contribution) and its standards over time (newest first)."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    eligibility_summary = serializers.SerializerMethodField(label=_("conditions"))
    conditions = serializers.SerializerMethodField(label=_("conditions chosen"))
    standards = ProgramStandardSerializer(many=True, read_only=True, label=_("standards"))

    class Meta:
        model = Program
        fields = [
            "code",
            "name",
            "kind",
            "kind_display",
            "posting_days",
            "active",
            "eligibility_summary",
            "conditions",
            "documents",
            "payee_name",
            "description",
            "standards",
        ]

    def get_eligibility_summary(self, program) -> list[str]:
        return conditions_of(program)

    @extend_schema_field(
        inline_serializer(
            "ProgramConditionOut",
            {
                "condition": serializers.CharField(),
                "since": serializers.DateField(allow_null=True),
                "number": serializers.IntegerField(allow_null=True),
                "label": serializers.CharField(),
            },
            many=True,
        )
    )
    def get_conditions(self, program) -> list[dict]:
        return [
            {
                "condition": chosen.condition,
                "since": chosen.since.isoformat() if chosen.since else None,
                "number": chosen.number,
                "label": CONDITIONS[chosen.condition].describe(chosen),
            }
            for chosen in program.conditions.all()
        ]

    def to_representation(self, program):
        data = super().to_representation(program)
        standard = program.standard_on(clock.today())
        data.update(
            standard_amount=f"{standard.amount:.2f}" if standard else None,
            period=standard.period if standard else None,
            payment_cycle=standard.cycle if standard else None,
            effective_from=standard.effective_from.isoformat() if standard else None,
            min_age=standard.min_age if standard else None,
            min_mother_age=standard.min_mother_age if standard else None,
        )
        if _wants_workbook(self.context):
            # A workbook cell holds text: the conditions and the standards as people read them.
            data["conditions"] = "；".join(item["label"] for item in data["conditions"])
            data["documents"] = "、".join(
                str(ProgramDocument(code).label)
                for code in program.documents
                if code in ProgramDocument.values
            )
            data["standards"] = "；".join(
                f"{item['effective_from']} {item['amount']}" for item in data["standards"]
            )
        return data


def _wants_workbook(context) -> bool:
    renderer = getattr(context.get("request"), "accepted_renderer", None)
    return getattr(renderer, "format", "") == "xlsx"


class ProgramConditionInput(serializers.Serializer):
    """A condition chosen from the catalogue, with its day or number where it takes one."""

    condition = serializers.ChoiceField(label=_("condition"), choices=list(CONDITIONS))
    since = serializers.DateField(label=_("on or after"), required=False, allow_null=True)
    number = serializers.IntegerField(
        label=_("number"), required=False, allow_null=True, min_value=1, max_value=99
    )


class ProgramStandardInput(serializers.Serializer):
    """A standard to add: the amount in yuan as text ("4000.00"), kept as fen."""

    effective_from = serializers.DateField(label=_("effective from"))
    amount = serializers.DecimalField(
        label=_("amount (yuan)"),
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("The amount must be more than zero.")},
    )
    payment_cycle = serializers.ChoiceField(
        label=_("payment cycle"),
        choices=PaymentCycle.choices,
        required=False,
        allow_blank=True,
        default="",
    )
    min_age = serializers.IntegerField(
        label=_("minimum age of the applicant"),
        required=False,
        allow_null=True,
        min_value=0,
        max_value=120,
    )
    min_mother_age = serializers.IntegerField(
        label=_("minimum age of the mother"),
        required=False,
        allow_null=True,
        min_value=0,
        max_value=120,
    )

    @staticmethod
    def terms(data) -> StandardTerms:
        """The validated standard as ``workflows.programs`` takes it."""
        return StandardTerms(
            effective_from=data["effective_from"],
            amount_fen=money.fen(data["amount"]),
            payment_cycle=data.get("payment_cycle") or "",
            min_age=data.get("min_age"),
            min_mother_age=data.get("min_mother_age"),
        )


class ProgramChangeInput(serializers.Serializer):
    """What a program's change may give (``workflows.programs.CHANGEABLE`` and its
    conditions), each left out to stay as it is. Its code, kind and standards never change."""

    FIXED = ("code", "kind", "standard", "standards")

    name = serializers.CharField(label=_("name"), max_length=80, required=False)
    posting_days = serializers.IntegerField(
        label=_("minimum posting days"), min_value=1, max_value=365, required=False
    )
    description = serializers.CharField(
        label=_("description"), max_length=4000, allow_blank=True, required=False
    )
    active = serializers.BooleanField(label=_("accepting applications"), required=False)
    documents = serializers.ListField(
        label=_("documents issued"),
        child=serializers.ChoiceField(choices=ProgramDocument.choices),
        required=False,
    )
    payee_name = serializers.CharField(
        label=_("insurer"), max_length=80, allow_blank=True, required=False
    )
    payee_bank = serializers.CharField(
        label=_("insurer's bank"), max_length=60, allow_blank=True, required=False
    )
    payee_account = serializers.CharField(
        label=_("insurer's account number"), max_length=25, allow_blank=True, required=False
    )
    conditions = ProgramConditionInput(many=True, required=False)

    def validate(self, attrs):
        fixed = [name for name in self.FIXED if name in self.initial_data]
        if fixed:
            raise serializers.ValidationError(
                {name: _("It cannot be changed once the program is added.") for name in fixed}
            )
        return attrs

    def arguments(self) -> dict:
        """The keyword arguments of ``workflows.programs.change_program``."""
        data = dict(self.validated_data)
        if "conditions" in data:
            data["conditions"] = [Chosen(**item) for item in data["conditions"]]
        return data


class ProgramCreateInput(ProgramChangeInput):
    """A new program: its code and kind (fixed from then on), its conditions and its first
    standard, and what a change may give."""

    FIXED = ()

    code = serializers.SlugField(label=_("code"), max_length=40)
    kind = serializers.ChoiceField(label=_("kind"), choices=ProgramKind.choices)
    name = serializers.CharField(label=_("name"), max_length=80)
    conditions = ProgramConditionInput(many=True)
    standard = ProgramStandardInput()

    def arguments(self) -> dict:
        """The keyword arguments of ``workflows.programs.add_program``."""
        data = super().arguments()
        data["standard"] = ProgramStandardInput.terms(data["standard"])
        return data
