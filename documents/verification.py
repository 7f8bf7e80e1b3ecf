"""Is this PDF one we issued, unchanged and still in force? Used by the page, the API and
``manage.py verify_pdf``.

The checks run from the file outwards: a readable PDF, a signature, the signature intact and
covering every byte, made by a certificate that chains to our CA, the exact bytes registered,
and the registered document still valid. The first check that fails is the answer.
"""

import hashlib
import io
import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from documents import keys
from documents.models import Document, DocumentStatus
from documents.numbering import normalize_code

logger = logging.getLogger(__name__)

# Reason codes, stable for the API; the messages are for people.
VALID = "valid"
UNREADABLE = "unreadable"
UNSIGNED = "unsigned"
ALTERED = "altered"
FOREIGN_SIGNER = "foreign_signer"
UNREGISTERED = "unregistered"
REVOKED = "revoked"
SUPERSEDED = "superseded"
EXPIRED = "expired"

MAX_UPLOAD_BYTES = 30 * 1024 * 1024


def reason_message(reason: str) -> str:
    return {
        VALID: _(
            "The signature is intact, made by our office, and the document is registered and valid."
        ),
        UNREADABLE: _("The file is not a readable PDF."),
        UNSIGNED: _("The PDF carries no digital signature."),
        ALTERED: _("The PDF was changed after it was signed: the signature no longer matches."),
        FOREIGN_SIGNER: _("The PDF was signed with a certificate that is not one of our offices'."),
        UNREGISTERED: _(
            "The signature is ours, but this exact file is not in the document registry."
        ),
        REVOKED: _("The document was revoked."),
        SUPERSEDED: _("The document was replaced by a newer version."),
        EXPIRED: _("The document's validity has ended."),
    }[reason]


@dataclass(frozen=True)
class Verdict:
    """The answer for one file: ``valid`` only when every check passed."""

    reason: str
    document: Document | None = None
    signer: str = ""
    signed_at: object = None

    @property
    def valid(self) -> bool:
        return self.reason == VALID

    @property
    def message(self) -> str:
        """The fixed message of the reason, for the public: never the free text an officer
        typed when revoking or re-issuing (it may name people); a replaced document names the
        number of the version that replaced it."""
        replacement = _replaced_by(self.document) if self.reason == SUPERSEDED else None
        if replacement is not None:
            return _("The document was replaced by a newer version, %(number)s.") % {
                "number": replacement.number
            }
        return reason_message(self.reason)


def _replaced_by(document: Document | None) -> Document | None:
    if document is None:
        return None
    try:
        return document.next_version
    except Document.DoesNotExist:
        return None


def verify_pdf(data: bytes) -> Verdict:
    """Check an uploaded file; never raises for bad input, it answers with a reason."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        logger.info("Unreadable PDF submitted for verification: %s", error)
        return Verdict(UNREADABLE)
    if not signatures:
        return Verdict(UNSIGNED)
    # The last signature is the one that can cover the whole file.
    signature = signatures[-1]
    context = ValidationContext(
        trust_roots=keys.trust_roots(), allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = validate_pdf_signature(signature, context, skip_diff=True)
    except Exception as error:  # Any failure to parse the signature data means it was altered.
        # pyHanko raises many unrelated types here (ASN.1, crypto, PDF structure).
        logger.info("Signature could not be validated: %s", error)
        return Verdict(ALTERED)
    if (
        not (status.intact and status.valid)
        or status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    ):
        return Verdict(ALTERED)
    signer = status.signing_cert.subject.human_friendly
    signed_at = status.signer_reported_dt
    if not status.trusted:
        return Verdict(FOREIGN_SIGNER, signer=signer, signed_at=signed_at)
    document = (
        Document.objects.select_related("office", "next_version")
        .filter(sha256=hashlib.sha256(data).hexdigest())
        .first()
    )
    if document is None or document.signer_fingerprint != keys.fingerprint(status.signing_cert):
        return Verdict(UNREGISTERED, signer=signer, signed_at=signed_at)
    if document.status == DocumentStatus.REVOKED:
        return Verdict(REVOKED, document, signer, signed_at)
    if document.status == DocumentStatus.SUPERSEDED:
        return Verdict(SUPERSEDED, document, signer, signed_at)
    if document.status == DocumentStatus.EXPIRED:
        return Verdict(EXPIRED, document, signer, signed_at)
    return Verdict(VALID, document, signer, signed_at)


def find_by_code(text: str) -> Document | None:
    """The document printed with this code, however the person typed it. The public page and
    API print its status, never the free text typed when it was revoked or re-issued (it may
    name people; officers read it on the document's own page)."""
    code = normalize_code(text)
    if code is None:
        return None
    return Document.objects.select_related("office", "next_version").filter(code=code).first()
