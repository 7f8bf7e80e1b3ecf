"""Form fields the pages, the API and the workflow steps share."""

from typing import NamedTuple

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from casework import clock
from casework.uploads import MEGABYTE, inspect_upload


class DatePicker(forms.DateInput):
    """The browser's date picker. Its value is always an ISO date: the locale's format
    (zh-hans writes 2026/11/26) is not one the browser accepts, and it would show the field
    empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PastDateField(forms.DateField):
    """A date that cannot be after today (by the system's one clock); a date picker on pages.

    ``future_message`` says, in the field's own words, why a later date is refused.
    """

    def __init__(self, *args, future_message=None, **kwargs):
        kwargs.setdefault("widget", DatePicker())
        super().__init__(*args, **kwargs)
        self.future_message = future_message or _("The date cannot be in the future.")

    def validate(self, value):
        super().validate(value)
        if value and value > clock.today():
            raise ValidationError(self.future_message, code="future")


class PhotoInput(forms.FileInput):
    """Opens the phone's (rear) camera, or a file chooser on a computer; several at once."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", "capture": "environment", **(attrs or {})})


class Photo(NamedTuple):
    """An uploaded photo whose bytes were checked: the upload, its type and its SHA-256."""

    upload: UploadedFile
    content_type: str
    sha256: str


class PhotosField(forms.FileField):
    """Photos kept as evidence, each recognised by its bytes as JPEG or PNG; at most
    ``CASEWORK_VISIT_PHOTO_MAX_COUNT`` of at most ``CASEWORK_VISIT_PHOTO_MAX_MB`` each. Cleans
    to a list of ``Photo``, the same bytes given twice kept once."""

    widget = PhotoInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data or []) if upload]
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        limit = settings.CASEWORK_VISIT_PHOTO_MAX_COUNT
        if len(uploads) > limit:
            raise ValidationError(
                _("At most %(limit)s photos at a time.") % {"limit": limit}, code="too_many"
            )
        photos = {}
        for upload in uploads:
            try:
                _data, content_type, sha256 = inspect_upload(
                    upload,
                    photos_only=True,
                    max_bytes=settings.CASEWORK_VISIT_PHOTO_MAX_MB * MEGABYTE,
                )
            except ValidationError as error:
                raise ValidationError(
                    _("%(name)s: %(problem)s")
                    % {"name": upload.name, "problem": " ".join(error.messages)},
                    code="invalid_photo",
                ) from None
            photos.setdefault(sha256, Photo(upload, content_type, sha256))
        return list(photos.values())
