"""The file of a registered two-illegal case: its parties (当事人), its evidence (证据) and its
chronology (调查经过).

Only the case's assigned investigators add to it, and only while the case is registered and
under investigation: once decisions are proposed the file is frozen for the approver, and a
closed case is read-only (a reopened case is registered again). Nothing is edited or deleted:
an evidence file is stored once under its SHA-256 and never replaced. Each addition is one
transaction with its audit entry on the case.
"""

import hashlib
import mimetypes
import os

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock
from casework.form_fields import PastDateField
from casework.id_numbers import normalize_id_number, validate_id_number
from casework.models import (
    CaseAction,
    CaseParty,
    CaseStatus,
    EnforcementCase,
    Evidence,
    EvidenceKind,
    PartyRole,
)
from casework.uploads import store_once
from permissions import audit, rules
from permissions.audit import Actor
from workflows.transitions import Steps, TransitionConflict

# Evidence includes recordings, so it may be larger than other uploads (10 MB).
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024

# What an evidence file may be, recognised by its first bytes, never by its name or the type the
# browser claims: (test of the first 12 bytes, content type, extension).
_EVIDENCE_SIGNATURES = [
    (lambda head: head.startswith(b"%PDF-"), "application/pdf", ".pdf"),
    (lambda head: head.startswith(b"\xff\xd8\xff"), "image/jpeg", ".jpg"),
    (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), "image/png", ".png"),
    (lambda head: head.startswith((b"ID3", b"\xff\xfb")), "audio/mpeg", ".mp3"),
    (lambda head: head[4:8] == b"ftyp", "video/mp4", ".mp4"),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WAVE", "audio/wav", ".wav"),
]


class PartyForm(forms.ModelForm):
    """A party of the case: a person's ID number is checked (GB 11643); an institution's unit
    code is free text."""

    class Meta:
        model = CaseParty
        fields = [
            "name",
            "role",
            "id_number",
            "is_medical_staff",
            "licence_number",
            "employer",
            "public_employee",
            "from_outside",
        ]
        error_messages = {
            "name": {
                "required": gettext_lazy("Give the party's name."),
                "max_length": gettext_lazy("Name: at most 100 characters."),
            },
            "role": {
                "required": gettext_lazy("Choose the party's role."),
                "invalid_choice": gettext_lazy("Choose the party's role."),
            },
            "id_number": {
                "max_length": gettext_lazy("ID number or unit code: at most 30 characters."),
            },
            "licence_number": {
                "max_length": gettext_lazy("Licence number: at most 60 characters."),
            },
            "employer": {
                "max_length": gettext_lazy("Employer institution: at most 100 characters."),
            },
        }

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("id_number") or "").strip()
        role = cleaned.get("role")
        if number and role and role != PartyRole.INSTITUTION:
            number = normalize_id_number(number)
            try:
                validate_id_number(number)
            except ValidationError as error:
                self.add_error("id_number", error)
        cleaned["id_number"] = number
        if role == PartyRole.MEDICAL_STAFF:
            cleaned["is_medical_staff"] = True
        return cleaned

    def _post_clean(self):
        # The action builds and saves the party with its case and recorder.
        forms.models.construct_instance(self, self.instance, self._meta.fields)


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        allow_empty_file=True,  # an empty file gets the checker's own message
        error_messages={
            "required": gettext_lazy("Choose the file to upload."),
            "invalid": gettext_lazy("Choose the file to upload."),
        },
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of evidence"),
        choices=EvidenceKind.choices,
        error_messages={
            "required": gettext_lazy("Choose the kind of evidence."),
            "invalid_choice": gettext_lazy("Choose the kind of evidence."),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("What the evidence is"),
        max_length=300,
        error_messages={
            "required": gettext_lazy("Say what the evidence is."),
            "max_length": gettext_lazy("Description: at most 300 characters."),
        },
    )
    collected_on = PastDateField(
        label=gettext_lazy("Collected on"),
        future_message=gettext_lazy("The date collected cannot be in the future."),
        error_messages={
            "required": gettext_lazy("Give the date the evidence was collected."),
            "invalid": gettext_lazy("Date collected: enter a date as YYYY-MM-DD."),
        },
    )


class ChronologyForm(forms.Form):
    happened_on = PastDateField(
        label=gettext_lazy("Date"),
        error_messages={
            "required": gettext_lazy("Give the date of what was done."),
            "invalid": gettext_lazy("Date: enter a date as YYYY-MM-DD."),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Say what was done."),
            "max_length": gettext_lazy("What was done: at most 2000 characters."),
        },
    )


def _valid(form: forms.Form) -> dict:
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


# A clue's attachments (the tip letter, photos) are evidence kept from the clue on; parties and
# the chronology start with the investigation.
UNDER_INVESTIGATION = (CaseStatus.REGISTERED,)
TAKING_EVIDENCE = (CaseStatus.CLUE, CaseStatus.REGISTERED)


def _check_open(actor: Actor, case: EnforcementCase, open_in=UNDER_INVESTIGATION) -> None:
    """Refuse an officer who is not assigned (403), and a case not open to the addition (409)."""
    if not rules.may_investigate(actor.officer, case):
        raise PermissionDenied(_("Only the case's assigned investigators add to its file."))
    if case.status == CaseStatus.CLOSED:
        raise TransitionConflict(_("The case is closed; its file is read-only."))
    if case.status not in open_in:
        raise TransitionConflict(
            _(
                "Parties, evidence and the chronology are added while the case is under "
                "investigation; it is now: %(status)s."
            )
            % {"status": case.get_status_display()}
        )


def _locked_open_case(
    actor: Actor, case: EnforcementCase, open_in=UNDER_INVESTIGATION
) -> EnforcementCase:
    """The case locked in the caller's transaction, checked again: it may have moved on (its
    decisions proposed) since the request read it."""
    current = EnforcementCase.objects.select_for_update().get(pk=case.pk)
    if current.status != case.status:
        _check_open(actor, current, open_in)
    return current


def add_party(actor: Actor, case: EnforcementCase, data) -> CaseParty:
    """Record a party (当事人) of a registered case."""
    _check_open(actor, case)
    form = PartyForm(data)
    _valid(form)
    party = form.instance
    with transaction.atomic():
        party.case = _locked_open_case(actor, case)
        party.recorded_by, party.recorded_at = actor.officer, clock.now()
        party.save()
        audit.record(
            actor,
            "add_party",
            party.case,
            data={"party": party.pk, "name": party.name, "role": party.role},
        )
    return party


def inspect_evidence(upload) -> tuple[str, str, str]:
    """Check an evidence file by its first bytes and size; return (content type, extension,
    SHA-256), reading it in chunks (recordings are large)."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": _("The file is larger than 50 MB.")})
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    recognised = [(kind, ext) for matches, kind, ext in _EVIDENCE_SIGNATURES if matches(head)]
    if not recognised:
        raise ValidationError(
            {"file": _("Evidence must be a PDF, JPEG, PNG, MP3, MP4 or WAV file.")}
        )
    content_type, extension = recognised[0]
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, extension, digest.hexdigest()


def add_evidence(
    actor: Actor, case: EnforcementCase, upload, kind: str, description: str, collected_on
) -> Evidence:
    """Keep an evidence file (documents, photos, recordings) with its SHA-256 and size; a clue
    takes its attachments the same way."""
    _check_open(actor, case, TAKING_EVIDENCE)
    values = _valid(
        EvidenceForm(
            {"kind": kind, "description": description, "collected_on": collected_on},
            {"file": upload} if upload is not None else {},
        )
    )
    upload = values["file"]
    _content_type, extension, sha256 = inspect_evidence(upload)
    evidence = Evidence(
        kind=values["kind"],
        description=values["description"].strip(),
        sha256=sha256,
        size=upload.size,
        collected_by=actor.officer,
        collected_on=values["collected_on"],
    )
    with transaction.atomic():
        evidence.case = _locked_open_case(actor, case, TAKING_EVIDENCE)
        evidence.recorded_at = clock.now()
        store_once(evidence.file, upload, f"{sha256}{extension}")
        evidence.save()
        audit.record(
            actor,
            "add_evidence",
            evidence.case,
            data={
                "evidence": evidence.pk,
                "kind": evidence.kind,
                "sha256": sha256,
                "size": evidence.size,
            },
        )
    return evidence


def evidence_of(case: EnforcementCase, evidence_id) -> Evidence:
    """An evidence item of a case the caller was found to see (else 404)."""
    evidence = case.evidence.filter(pk=evidence_id).first()
    if evidence is None or not evidence.file:
        raise Http404
    return evidence


def content_type_of(evidence: Evidence) -> str:
    """The type of a stored evidence file (its extension was given by its first bytes)."""
    return mimetypes.guess_type(evidence.file.name)[0] or "application/octet-stream"


def download_name(evidence: Evidence) -> str:
    """The file name offered on download: the description, the SHA-256 prefix, the extension."""
    extension = os.path.splitext(evidence.file.name)[1]
    return f"{evidence.description[:60]}-{evidence.sha256[:12]}{extension}"


def add_action(actor: Actor, case: EnforcementCase, happened_on, description: str) -> CaseAction:
    """Add an entry to the case's chronology: what was done, when, by whom."""
    _check_open(actor, case)
    values = _valid(ChronologyForm({"happened_on": happened_on, "description": description}))
    with transaction.atomic():
        entry = CaseAction.objects.create(
            case=_locked_open_case(actor, case),
            happened_on=values["happened_on"],
            description=values["description"].strip(),
            officer=actor.officer,
            recorded_at=clock.now(),
        )
        audit.record(
            actor,
            "add_action",
            entry.case,
            data={"entry": entry.pk, "happened_on": entry.happened_on.isoformat()},
        )
    return entry


def case_file_context(case: EnforcementCase, investigating: bool) -> dict:
    """The add forms of the case page, for the case's investigators while it is registered."""
    investigating_now = investigating and case.status in UNDER_INVESTIGATION
    return {
        "party_form": PartyForm() if investigating_now else None,
        "evidence_form": EvidenceForm()
        if investigating and case.status in TAKING_EVIDENCE
        else None,
        "chronology_form": ChronologyForm() if investigating_now else None,
    }


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        EnforcementCase,
        labels={
            "add_party": gettext_lazy("Party added"),
            "add_evidence": gettext_lazy("Evidence added"),
            "add_action": gettext_lazy("Chronology entry added"),
        },
    ),
)
