"""Forms of the import pages: the upload, and the officer's choice after the preview."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import ImportKind, ImportMode
from permissions import rules


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("XLSX, or CSV in UTF-8 or GB18030, with the template's headers."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, label) for kind, label in ImportKind.choices if rules.may_import(user, kind)
        ]


class CommitForm(forms.Form):
    mode = forms.ChoiceField(choices=ImportMode.choices)
