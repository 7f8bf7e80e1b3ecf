"""Forms of the document pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from documents import verification


class ReasonForm(forms.Form):
    """The reason for revoking or re-issuing; the page asks for confirmation before sending."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason.")},
    )


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"),
        error_messages={"required": _("Choose the PDF file to verify.")},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > verification.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 30 MB."))
        return upload


class VerifyCodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)
