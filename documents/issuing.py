"""The one pipeline every PDF goes through: number, render, sign, store, register, audit.

Callers describe a document with an :class:`IssueRequest` (its kind, office, subject, the data
the template prints, a masked public summary and the officers who signed its steps) and get a
registered :class:`~documents.models.Document` back.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock
from casework.models import Region
from documents import keys, numbering, rendering, signing
from documents.kinds import spec_of
from documents.models import Document, DocumentStatus, IssuingOffice
from permissions import audit
from permissions.audit import Actor
from permissions.scoping import region_of

# Anything shaped like a whole ID number (GB 11643) must never reach a public summary.
_WHOLE_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])", re.ASCII)


# How the registry's own audit actions read on the timeline of any object.
ACTION_LABELS = {
    "document.issue": gettext_lazy("Issued"),
    "document.revoke": gettext_lazy("Revoked"),
    "document.supersede": gettext_lazy("Replaced by a new version"),
    "document.expire": gettext_lazy("Expired"),
}


@dataclass(frozen=True)
class Signer:
    """An officer who signed one step of the case the document records (谁签字谁负责)."""

    step: str
    name: str
    signed_on: str = ""
    opinion: str = ""

    def as_dict(self) -> dict:
        return {
            "step": self.step,
            "name": self.name,
            "signed_on": self.signed_on,
            "opinion": self.opinion,
        }


@dataclass
class IssueRequest:
    """What to issue. ``data`` is what the kind's template prints, as plain JSON values."""

    kind: str
    office: IssuingOffice
    region: Region
    title: str
    data: dict = field(default_factory=dict)
    public_summary: list[tuple[str, str]] = field(default_factory=list)
    signers: list[Signer] = field(default_factory=list)
    subject: models.Model | None = None

    def check(self) -> None:
        spec = spec_of(self.kind)
        if self.subject is not None:
            if self.subject._meta.label != spec.subject or spec.aggregate:
                raise ValueError(f"A {self.kind} is not issued about a {self.subject._meta.label}.")
            # Who sees a document is decided by its subject, matched on the document's region.
            if region_of(self.subject) != self.region.code:
                raise ValueError(
                    f"A document lies where its subject lies ({region_of(self.subject)}), "
                    f"not in {self.region.code}."
                )
        for label, value in self.public_summary:
            if _WHOLE_ID_NUMBER.search(f"{label} {value}"):
                raise ValueError(_("ID numbers in a public summary must be masked."))


def issue(request: IssueRequest, actor: Actor) -> Document:
    """Issue one document in one transaction; a failure leaves no number, file row or entry."""
    return _issue(request, actor)


def reissue(
    document: Document, actor: Actor, reason: str, *, request: IssueRequest | None = None
) -> Document:
    """Issue a new version of ``document`` and supersede the old one.

    Without ``request`` the new version prints the same data; a process whose facts changed
    passes the new request.
    """
    if not reason.strip():
        raise ValueError(_("Give the reason for re-issuing."))
    request = request or IssueRequest(
        kind=document.kind,
        office=document.office,
        region=document.region,
        title=document.title,
        data=document.context,
        public_summary=[tuple(pair) for pair in document.public_summary],
        signers=[Signer(**signer) for signer in document.signers],
        subject=(
            document.subject_type.get_object_for_this_type(pk=document.subject_id)
            if document.subject_type_id
            else None
        ),
    )
    with transaction.atomic():
        old = _lock_valid(document, _("Only a valid document can be re-issued."))
        new = _issue(request, actor, previous=old)
        _end_validity(old, "supersede", actor, reason, replaced_by=new.number)
    return new


def revoke(document: Document, actor: Actor, reason: str) -> Document:
    """Revoke a valid document with a reason; verification reports it revoked from now on."""
    if not reason.strip():
        raise ValueError(_("Give the reason for revoking."))
    with transaction.atomic():
        current = _lock_valid(document, _("Only a valid document can be revoked."))
        _end_validity(current, "revoke", actor, reason)
    return current


def expire(document: Document, actor: Actor, reason: str) -> Document:
    """Mark a valid document expired (its printed validity ended)."""
    with transaction.atomic():
        current = _lock_valid(document, _("Only a valid document can expire."))
        _end_validity(current, "expire", actor, reason)
    return current


def _lock_valid(document: Document, refusal: str) -> Document:
    """Lock the document's row for a status change; refuse unless it is still valid."""
    current = Document.objects.select_for_update().get(pk=document.pk)
    if current.status != DocumentStatus.VALID:
        raise ValueError(refusal)
    return current


def _end_validity(document: Document, transition: str, actor: Actor, reason: str, **data) -> None:
    """Run the ``revoke``, ``supersede`` or ``expire`` transition and record it in the audit log."""
    getattr(document, transition)(reason=reason, at=clock.now())
    document.save(update_fields=Document.STATUS_FIELDS)
    audit.record(
        actor,
        f"document.{transition}",
        document,
        from_state=DocumentStatus.VALID,
        to_state=document.status,
        opinion=reason,
        data=data,
    )


def office_for(region_code: str) -> IssuingOffice:
    """The nearest active office at or above the region; without one, a clear refusal."""
    office = IssuingOffice.objects.serving(region_code).first()
    if office is None:
        raise ValidationError(
            _("No issuing office serves %(region)s; an administrator must add one.")
            % {"region": region_code}
        )
    return office


def verification_url(code: str) -> str:
    return f"{settings.CASEWORK_PUBLIC_URL}/verify/{code}/"


def document_body(
    request: IssueRequest, number: str, code: str, *, demo: bool, previous: Document | None = None
) -> str:
    """The HTML section of one document: the kind's template around the pipeline's facts."""
    spec = spec_of(request.kind)
    return rendering.document_body(
        spec.template,
        {
            "doc": {
                "kind": request.kind,
                "title": request.title,
                "number": number,
                "office": request.office.name,
                "issued_on": clock.today(),
                "code": numbering.display_code(code),
                "verify_url": verification_url(code),
                "qr": rendering.qr_code(verification_url(code)),
                "demo": demo,
                "signers": [signer.as_dict() for signer in request.signers],
                # The steps someone signed: a form prints blank lines for the others only.
                "signed_steps": {signer.step for signer in request.signers},
                "long": spec.long,
                "version": previous.version + 1 if previous else 1,
                "previous_number": previous.number if previous else "",
                "anchor": code,
            },
            "data": request.data,
        },
    )


def new_document(
    request: IssueRequest,
    actor: Actor,
    *,
    number: str,
    year: int,
    serial: int,
    code: str,
    signed: bytes,
    pages: int,
    fingerprint: str,
    issued_at,
    previous: Document | None = None,
) -> Document:
    """The registry row of a signed PDF, not yet saved, with its file stored (named by its
    SHA-256, so a row that is never saved leaves only an unreferenced file behind)."""
    sha256 = hashlib.sha256(signed).hexdigest()
    document = Document(
        kind=request.kind,
        title=request.title,
        number=number,
        office=request.office,
        year=year,
        serial=serial,
        code=code,
        version=previous.version + 1 if previous else 1,
        previous=previous,
        region=request.region,
        subject_type=(
            ContentType.objects.get_for_model(request.subject) if request.subject else None
        ),
        subject_id=str(request.subject.pk) if request.subject else "",
        public_summary=[list(pair) for pair in request.public_summary],
        context=request.data,
        signers=[signer.as_dict() for signer in request.signers],
        signer_fingerprint=fingerprint,
        sha256=sha256,
        size=len(signed),
        pages=pages,
        issued_at=issued_at,
        issued_by=actor.officer,
    )
    document.file.save(f"{sha256}.pdf", ContentFile(signed), save=False)
    return document


def issue_entry(document: Document) -> dict:
    """The details of a document's ``document.issue`` audit entry."""
    return {
        "to_state": DocumentStatus.VALID,
        "data": {"kind": document.kind, "sha256": document.sha256, "code": document.code},
    }


def _issue(request: IssueRequest, actor: Actor, previous: Document | None = None) -> Document:
    request.check()
    office_key = keys.load_office_key(request.office.code)
    with transaction.atomic():
        issued_at = clock.now()
        year = clock.today().year
        serial = numbering.next_serial(request.office, request.kind, year)
        number = numbering.format_number(request.office, request.kind, year, serial)
        code = numbering.new_code()
        body = document_body(request, number, code, demo=office_key.demo, previous=previous)
        rendered = rendering.render_pdf(rendering.page_html([body]))
        signed = signing.sign_pdf(
            rendered, office_key, reason=request.title, location=request.office.name
        )
        document = new_document(
            request,
            actor,
            number=number,
            year=year,
            serial=serial,
            code=code,
            signed=signed,
            pages=rendered.pages,
            fingerprint=office_key.fingerprint,
            issued_at=issued_at,
            previous=previous,
        )
        document.save()
        audit.record(actor, "document.issue", document, **issue_entry(document))
    return document
