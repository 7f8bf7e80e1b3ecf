"""Uploaded files recognised by their content, not by the name or the type the browser claims:
supporting files (only PDFs and photos, by their first bytes), stored once under their
SHA-256, and text files (CSV) in the encodings Chinese offices save them in."""

import hashlib
import os

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024
MAX_BYTES = 10 * MEGABYTE
_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]
PHOTO_TYPES = ("image/jpeg", "image/png")
# The extension a stored file gets from the type its bytes were recognised as.
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def inspect_upload(
    upload, *, photos_only: bool = False, max_bytes: int = MAX_BYTES
) -> tuple[bytes, str, str]:
    """Read an upload and return (bytes, content type, SHA-256); refuse anything else, or with
    ``photos_only`` anything but a JPEG or PNG image, and anything over ``max_bytes``."""
    if upload.size > max_bytes:
        raise ValidationError(
            {"file": _("The file is larger than %(size)s MB.") % {"size": max_bytes // MEGABYTE}}
        )
    data = upload.read()
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature) and (content_type in PHOTO_TYPES or not photos_only):
            return data, content_type, hashlib.sha256(data).hexdigest()
    if photos_only:
        raise ValidationError({"file": _("A photo must be a JPEG or PNG image.")})
    raise ValidationError({"file": _("Upload a PDF, JPEG or PNG file.")})


def store_once(stored: FieldFile, content, name: str) -> None:
    """Store ``content`` in the file field ``stored`` as ``name`` (its SHA-256 and extension);
    the same bytes already stored are reused, never overwritten, and the stored file is made
    read-only."""
    field = stored.field
    path = field.generate_filename(stored.instance, name)
    if field.storage.exists(path):
        stored.name = path
        return
    stored.save(name, content, save=False)
    try:
        os.chmod(field.storage.path(stored.name), 0o444)
    except NotImplementedError:  # remote storage: write-once is the bucket's policy
        pass


def decode_text(data: bytes) -> str:
    """Text saved as UTF-8 (with or without the BOM Excel writes) or GB18030 (what Excel on
    Chinese Windows saves a CSV as); anything else is refused."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": _("The file is neither UTF-8 nor GB18030 text.")})
