"""Uploaded supporting files: only PDFs and photos, recognised by their first bytes, not by
the name or the type the browser claims."""

import hashlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]


def inspect_upload(upload) -> tuple[bytes, str, str]:
    """Read an upload and return (bytes, content type, SHA-256); refuse anything else."""
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    data = upload.read()
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return data, content_type, hashlib.sha256(data).hexdigest()
    raise ValidationError({"file": _("Upload a PDF, JPEG or PNG file.")})
