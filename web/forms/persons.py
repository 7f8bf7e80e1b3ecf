"""Forms for recording persons."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.id_numbers import normalize_id_number, parse_id_number
from casework.models import Household, Person, Region, RegionLevel
from permissions.scoping import visible_to


class PersonForm(forms.ModelForm):
    """A new person: ID number checked here and again by the model, villages of the officer's reach."""

    id_number = forms.CharField(label=_("ID number"), max_length=30)

    class Meta:
        model = Person
        fields = ["id_number", "name", "region", "household", "hukou", "phone"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = visible_to(user, Region).filter(level=RegionLevel.VILLAGE).order_by("code")
        self.fields["region"].queryset = villages
        self.fields["region"].label_from_instance = lambda region: f"{region.code} {region.name}"
        self.fields["household"].queryset = visible_to(user, Household)
        self.fields["household"].widget = forms.TextInput()
        self.fields["household"].to_field_name = "number"
        self.fields["household"].help_text = _("Household number, if the household is registered.")

    def clean_id_number(self) -> str:
        number = normalize_id_number(self.cleaned_data["id_number"])
        parse_id_number(number)
        return number
