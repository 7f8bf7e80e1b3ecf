"""Form fields the pages, the API and the workflow steps share."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casework import clock


class PastDateField(forms.DateField):
    """A date that cannot be after today (by the system's one clock); a date picker on pages.

    ``future_message`` says, in the field's own words, why a later date is refused.
    """

    def __init__(self, *args, future_message=None, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(*args, **kwargs)
        self.future_message = future_message or _("The date cannot be in the future.")

    def validate(self, value):
        super().validate(value)
        if value and value > clock.today():
            raise ValidationError(self.future_message, code="future")
