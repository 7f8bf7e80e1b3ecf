"""The application form for migrant certificates."""

import datetime
import re

from django import forms
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from casework.form_fields import DatePicker
from casework.models import MigrantCertificate, Region


class RegionCodeField(forms.CharField):
    """A region typed as its 12-digit code (the registration place may lie in any county)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("help_text", _("The 12-digit region code of a township or village."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        region = Region.objects.filter(code=value.strip()).first()
        if region is None:
            raise forms.ValidationError(_("No region has the code %(code)s.") % {"code": value})
        return region


class ChildrenField(forms.CharField):
    """Children, one per line: name, sex (男/女) and birth date (YYYY-MM-DD)."""

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "杨小春 女 2019-06-12"})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{c['name']} {c['sex']} {c['birth_date']}" for c in value)
        return value

    def clean(self, value):
        value = super().clean(value)
        children = []
        for number, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = re.split(r"[\s,，、]+", line.strip())
            try:
                name, sex, born = parts
                birth_date = datetime.date.fromisoformat(born)
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(line)s: write the name, 男 or 女, and the birth date as YYYY-MM-DD.")
                    % {"line": number}
                ) from None
            if sex not in ("男", "女"):
                raise forms.ValidationError(
                    _("Line %(line)s: the sex must be 男 or 女.") % {"line": number}
                )
            children.append({"name": name, "sex": sex, "birth_date": birth_date.isoformat()})
        return children


class CertificateForm(forms.ModelForm):
    registration_region = RegionCodeField(label=_("Household registration place"))
    residence_region = RegionCodeField(label=_("Residence township or village"), required=False)
    children = ChildrenField(label=_("Children"), required=False)

    class Meta:
        model = MigrantCertificate
        fields = MigrantCertificate.APPLICATION_FIELDS
        widgets = {
            "residence_since": DatePicker(),
            "married_on": DatePicker(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["registration_region"] = self.instance.registration_region_id
            self.initial["residence_region"] = self.instance.residence_region_id
            # The kind decides the issuing township; a correction cannot change it.
            self.fields["kind"].disabled = True

    def _post_clean(self):
        # Build the instance only: the model's checks run in the workflow action (apply or
        # update_facts), together with the permission checks, and come back onto the form.
        construct_instance(self, self.instance, self._meta.fields)


class OnlineApplicationForm(CertificateForm):
    """What a holder fills in on the public page; the township checks it with them later."""

    class Meta(CertificateForm.Meta):
        fields = CertificateForm.Meta.fields + ["applicant_phone"]
