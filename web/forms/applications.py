"""Forms of the application pages: a new application and a democratic appraisal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework import clock
from casework.form_fields import DatePicker
from casework.id_numbers import normalize_id_number
from casework.models import Application, Appraisal, AppraisalOpinion, Person, Program
from permissions.scoping import visible_to
from workflows import bulk
from workflows.applications import FactsForm


class ApplicationForm(FactsForm):
    """Who applies to what, and what the family declares (each fact with its document)."""

    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.filter(active=True)
    )
    year = forms.IntegerField(label=_("Application year"))
    applicant_id_number = forms.CharField(label=_("Applicant's ID number"), max_length=30)
    spouse_id_number = forms.CharField(label=_("Spouse's ID number"), max_length=30, required=False)

    field_order = ["program", "year", "applicant_id_number", "spouse_id_number"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].initial = clock.today().year

    def _person(self, field: str) -> Person | None:
        number = normalize_id_number(self.cleaned_data.get(field) or "")
        if not number:
            return None
        person = visible_to(self.user, Person).filter(id_number=number).first()
        if person is None:
            raise forms.ValidationError(
                _(
                    "No registered person in your jurisdiction has this ID number; register them first."
                )
            )
        return person

    def clean_applicant_id_number(self):
        return self._person("applicant_id_number")

    def clean_spouse_id_number(self):
        return self._person("spouse_id_number")

    def application(self) -> Application:
        data = self.cleaned_data
        return Application(
            program=data["program"],
            year=data["year"],
            applicant=data["applicant_id_number"],
            spouse=data["spouse_id_number"],
        )


def _attendee_field(label) -> forms.IntegerField:
    """How many attendees of one kind came; blank counts as none."""
    return forms.IntegerField(label=label, min_value=0, max_value=999, initial=0, required=False)


class AppraisalForm(forms.Form):
    """A democratic appraisal meeting: when, who attended (named, and counted by kind), its
    minutes, and its opinion on the selected applications. What a record of the meeting needs
    is checked by ``workflows.applications.record_appraisal``, for the API too."""

    held_on = forms.DateField(label=_("Meeting held on"), widget=DatePicker())
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}))
    representatives = _attendee_field(_("Villagers' representatives and village cadres"))
    party_members = _attendee_field(_("Old party members"))
    old_cadres = _attendee_field(_("Old cadres"))
    peers = _attendee_field(_("Peers of the applicants who know the families"))
    minutes = forms.CharField(
        label=_("Minutes of the meeting"),
        help_text=_("How the meeting went and what it concluded, as it was said."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
    )
    opinion = forms.ChoiceField(label=_("The meeting's opinion"), choices=AppraisalOpinion.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def attendees_by_kind(self) -> dict[str, int]:
        """The number of attendees of each kind (``Appraisal.ATTENDEE_KINDS``)."""
        return {kind: self.cleaned_data.get(kind) or 0 for kind in Appraisal.ATTENDEE_KINDS}


class BulkStepForm(forms.Form):
    """One step for the selected rows: the step, its opinion, and the fields of an annual
    review (the step's own form checks what it needs)."""

    step = forms.ChoiceField(label=_("Step"))
    opinion = forms.CharField(label=_("Opinion"), max_length=1000, required=False)
    reviewed_on = forms.DateField(
        label=_("Reviewed on (annual review)"),
        required=False,
        widget=DatePicker(),
    )
    met_in_person = forms.BooleanField(label=_("Met in person"), required=False)
    alive = forms.BooleanField(label=_("Alive"), required=False, initial=True)
    still_eligible = forms.BooleanField(label=_("Still eligible"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = bulk.bulk_steps_for(user)
