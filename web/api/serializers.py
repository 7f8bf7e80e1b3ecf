"""Serializers: field shape only; rules live in the models, actions and permissions."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework import clock
from casework.eligibility import conditions_of
from casework.id_numbers import mask_id_number, normalize_id_number, parse_id_number
from casework.models import Household, Job, Person, Program, Region
from permissions import rules
from permissions.scoping import visible_to


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
        if rules.may_see_full_id_number(self.context["request"].user, person):
            return person.id_number
        return mask_id_number(person.id_number)


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


class ProgramSerializer(serializers.ModelSerializer):
    """A program with the standard in force today and the conditions of its rules."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    eligibility_summary = serializers.SerializerMethodField()

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
        ]

    def get_eligibility_summary(self, program) -> list[str]:
        return conditions_of(program.eligibility)

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
        return data
