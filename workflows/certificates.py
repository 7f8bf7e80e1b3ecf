"""The migrant-certificate process: every step an officer (or the daily task) can take, each in
one transaction with its audit entry, its documents and its notices between areas."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock
from casework.id_numbers import mask_id_number
from casework.models import (
    CertificateAttachment,
    CertificateKind,
    CertificateNotice,
    CertificateStatus,
    FeedbackTopic,
    MigrantCertificate,
    NoticeKind,
    NoticeStatus,
)
from casework.models.certificates import township_of
from casework.uploads import inspect_upload
from documents import issuing
from documents.kinds import DocumentKind
from documents.models import DocumentStatus
from documents.rendering import chinese_date
from permissions import audit, rules
from permissions.audit import Actor
from permissions.scoping import code_in_jurisdiction
from workflows.transitions import OpinionForm, ReasonForm, Step, Steps, move

DOCUMENT_KINDS = {
    CertificateKind.MARRIAGE_CHILDBEARING: DocumentKind.MIGRANT_CERTIFICATE,
    CertificateKind.SERVICE: DocumentKind.SERVICE_CERTIFICATE,
}
# A certificate is issued as the document of its kind.
CERTIFICATE_DOCUMENTS = tuple(DOCUMENT_KINDS.values())
TITLES = {
    CertificateKind.MARRIAGE_CHILDBEARING: "流动人口婚育证明",
    CertificateKind.SERVICE: "流动人口计划生育服务证",
}
SYSTEM = Actor(officer=None, role="system")


class ConfirmVerificationForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=gettext_lazy("Do the facts match the registration records?"),
        choices=[("yes", gettext_lazy("Yes, confirmed")), ("no", gettext_lazy("No"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": gettext_lazy("Say whether the facts are confirmed.")},
    )
    opinion = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=1000,
        error_messages={"required": gettext_lazy("Write what was checked.")},
    )


class FeedbackForm(forms.Form):
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), choices=FeedbackTopic.choices)
    message = forms.CharField(label=gettext_lazy("Message"), max_length=1000)


class AcknowledgeForm(forms.Form):
    reply = forms.CharField(label=gettext_lazy("Reply"), max_length=1000, required=False)


# Applying.


def apply(
    actor: Actor, certificate: MigrantCertificate, *, submit: bool = True
) -> MigrantCertificate:
    """Record a new application (on the holder's behalf), submitted unless ``submit`` is off."""
    officer = actor.officer
    if not rules.may_apply_for_certificate(officer):
        raise PermissionDenied(_("Your role may not apply for migrant certificates."))
    certificate.created_by = officer
    certificate.validate()
    if not rules.may_handle_certificate(officer, certificate):
        raise PermissionDenied(_("The issuing township is outside your jurisdiction."))
    with transaction.atomic():
        certificate.save()
        audit.record(actor, "apply", certificate, to_state=certificate.status)
        if submit:
            certificate = move(certificate, "submit", actor)
    return certificate


def apply_online(certificate: MigrantCertificate, client_address: str | None) -> MigrantCertificate:
    """The holder applies themselves on the public page: a draft the issuing township reviews,
    corrects if needed, and submits when the holder comes with the documents."""
    certificate.created_by = None
    certificate.validate()
    if not certificate.applicant_phone.strip():
        raise ValidationError({"applicant_phone": _("Give a phone number the township can call.")})
    actor = Actor(officer=None, role="applicant", client_address=client_address)
    with transaction.atomic():
        certificate.save()
        audit.record(actor, "apply_online", certificate, to_state=certificate.status)
    return certificate


def update_facts(actor: Actor, certificate: MigrantCertificate) -> MigrantCertificate:
    """Correct the facts of an application not yet verified."""
    if not rules.may_handle_certificate(actor.officer, certificate):
        raise PermissionDenied(_("Your role may not do this here."))
    if certificate.status not in (CertificateStatus.DRAFT, CertificateStatus.SUBMITTED):
        raise ValidationError(_("Only an application not yet verified can be corrected."))
    certificate.validate()
    with transaction.atomic():
        certificate.save()
        audit.record(actor, "update_facts", certificate)
    return certificate


# The rules the steps apply.


def residence_long_enough(certificate: MigrantCertificate) -> None:
    """A service certificate needs three months (configurable) of residence before issuing."""
    if certificate.kind != CertificateKind.SERVICE:
        return
    months = settings.CASEWORK_SERVICE_RESIDENCE_MONTHS
    since = certificate.residence_since
    if since is None or _add_months(since, months) > clock.today():
        raise ValidationError(
            {
                "residence_since": _(
                    "A service certificate needs %(months)s months of residence; "
                    "the holder has not lived here long enough."
                )
                % {"months": months}
            }
        )


def validity(start: datetime.date) -> tuple[datetime.date, datetime.date]:
    years = settings.CASEWORK_CERTIFICATE_VALIDITY_YEARS
    return start, _add_months(start, 12 * years) - datetime.timedelta(days=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# The steps.


def _submit(certificate, actor, data):
    with transaction.atomic():
        return move(certificate, "submit", actor, opinion=data.get("opinion", ""))


def _request_verification(certificate, actor, data):
    residence_long_enough(certificate)
    with transaction.atomic():
        current = move(certificate, "request_verification", actor, opinion=data["opinion"])
        _notify(current, actor, NoticeKind.VERIFICATION_REQUEST, data["opinion"])
    return current


def _verify(certificate, actor, data):
    residence_long_enough(certificate)
    with transaction.atomic():
        return move(certificate, "verify", actor, opinion=data["opinion"], note=data["opinion"])


def _confirm_verification(certificate, actor, data):
    with transaction.atomic():
        if data["confirmed"]:
            current = move(
                certificate, "verify", actor, opinion=data["opinion"], note=data["opinion"]
            )
        else:
            current = move(
                certificate, "reject", actor, opinion=data["opinion"], reason=data["opinion"]
            )
        for notice in current.notices.filter(
            kind=NoticeKind.VERIFICATION_REQUEST, status=NoticeStatus.SENT
        ):
            _acknowledge(notice, actor, data["opinion"])
    return current


def _reject(certificate, actor, data):
    with transaction.atomic():
        return move(certificate, "reject", actor, opinion=data["opinion"], reason=data["opinion"])


def _issue(certificate, actor, data):
    residence_long_enough(certificate)
    with transaction.atomic():
        current = _issue_for_a_new_period(
            certificate, actor, data, "issue", _("Re-issued after the facts changed.")
        )
        if current.kind == CertificateKind.SERVICE and current.from_another_area:
            _notify(current, actor, NoticeKind.ISSUE_NOTICE, _issue_message(current))
    return current


def _renew(certificate, actor, data):
    with transaction.atomic():
        return _issue_for_a_new_period(certificate, actor, data, "renew", _("Renewed."))


def _issue_for_a_new_period(certificate, actor, data, transition: str, reissue_reason: str):
    """Issue the certificate's document valid from today and move it by ``transition``
    (issue or renew), in the caller's transaction."""
    valid_from, valid_until = validity(clock.today())
    document = _issue_document(certificate, actor, valid_from, valid_until, reissue_reason)
    return move(
        certificate,
        transition,
        actor,
        opinion=data.get("opinion", ""),
        data={"document": document.number},
        document=document,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _report_lost(certificate, actor, data):
    with transaction.atomic():
        old = certificate.document
        issuing.revoke(old, actor, _("Reported lost: %(reason)s") % {"reason": data["opinion"]})
        document = _issue_document(
            certificate, actor, certificate.valid_from, certificate.valid_until, None
        )
        return move(
            certificate,
            "report_lost",
            actor,
            opinion=data["opinion"],
            data={"revoked": old.number, "document": document.number},
            document=document,
        )


def _amend(certificate, actor, data):
    with transaction.atomic():
        return move(certificate, "amend", actor, opinion=data["opinion"])


def _revoke(certificate, actor, data):
    with transaction.atomic():
        current = move(
            certificate, "revoke", actor, opinion=data["opinion"], reason=data["opinion"]
        )
        if current.document.status == DocumentStatus.VALID:
            issuing.revoke(current.document, actor, data["opinion"])
    return current


def _expire(certificate, actor, data):
    if certificate.valid_until is None or certificate.valid_until >= clock.today():
        raise ValidationError(_("The certificate is still within its validity."))
    with transaction.atomic():
        current = move(certificate, "expire", actor, opinion=data.get("opinion", ""))
        if current.document.status == DocumentStatus.VALID:
            issuing.expire(current.document, actor, _("The validity ended."))
    return current


def expire_due(today: datetime.date | None = None) -> list[MigrantCertificate]:
    """The daily task: expire every issued certificate whose validity ended before today.

    Each certificate expires in its own transaction, so one failure never holds back the rest.
    """
    today = today or clock.today()
    due = MigrantCertificate.objects.filter(
        status=CertificateStatus.ISSUED, valid_until__lt=today
    ).select_related("document")
    return [_expire(certificate, SYSTEM, {}) for certificate in due]


# Documents and notices.


def _issue_document(certificate, actor, valid_from, valid_until, reissue_reason):
    office = issuing.office_for(certificate.region_id)
    request = issuing.IssueRequest(
        kind=DOCUMENT_KINDS[certificate.kind],
        office=office,
        region=certificate.region,
        title=TITLES[certificate.kind],
        data=_document_data(certificate, valid_from, valid_until),
        public_summary=[
            ("持证人", certificate.masked_holder_name),
            ("公民身份号码", certificate.masked_holder_id_number),
            ("证件类别", certificate.get_kind_display()),
            ("有效期", f"{chinese_date(valid_from)}至{chinese_date(valid_until)}"),
        ],
        signers=[
            issuing.Signer("签发", str(actor.officer or _("system")), chinese_date(clock.today()))
        ],
        subject=certificate,
    )
    previous = certificate.document
    if reissue_reason and previous is not None and previous.status == DocumentStatus.VALID:
        return issuing.reissue(previous, actor, reissue_reason, request=request)
    return issuing.issue(request, actor)


def _document_data(certificate, valid_from, valid_until) -> dict:
    return {
        "certificate_kind": TITLES[certificate.kind],
        "holder": {
            "name": certificate.holder_name,
            "sex": certificate.get_holder_sex_display(),
            "birth_date": chinese_date(certificate.holder_birth_date),
            "id_number": certificate.masked_holder_id_number,
        },
        "hukou_address": certificate.registration_address,
        "residence_address": certificate.residence_address,
        "residence_since": chinese_date(certificate.residence_since),
        "marital_status": certificate.get_marital_status_display(),
        "married_on": chinese_date(certificate.married_on),
        "spouse": (
            {"name": certificate.spouse_name, "id_number": _masked(certificate.spouse_id_number)}
            if certificate.spouse_name
            else None
        ),
        "children": [
            {**child, "birth_date": chinese_date(datetime.date.fromisoformat(child["birth_date"]))}
            for child in certificate.children
        ],
        "contraception": certificate.contraception,
        "valid_from": chinese_date(valid_from),
        "valid_until": chinese_date(valid_until),
    }


def _masked(id_number: str) -> str:
    return mask_id_number(id_number) if id_number else ""


def _issue_message(certificate) -> str:
    return _("%(office)s issued a %(kind)s to %(name)s, valid until %(until)s.") % {
        "office": certificate.region,
        "kind": certificate.get_kind_display(),
        "name": certificate.masked_holder_name,
        "until": certificate.valid_until,
    }


def _notify(certificate, actor, kind, message, *, topic="", from_region=None, to_region=None):
    """Record a notice; by default from the issuing township to the registration township."""
    notice = CertificateNotice.objects.create(
        certificate=certificate,
        kind=kind,
        topic=topic,
        from_region_id=from_region or certificate.region_id,
        to_region_id=to_region or township_of(certificate.registration_region_id),
        message=message,
        sent_by=actor.officer,
        sent_at=clock.now(),
    )
    audit.record(
        actor, f"notice.{kind}", notice, to_state=notice.status, data={"to": notice.to_region_id}
    )
    return notice


def _acknowledge(notice, actor, reply):
    return move(
        notice,
        "acknowledge",
        actor,
        opinion=reply,
        officer=actor.officer,
        at=clock.now(),
        reply=reply,
    )


def send_feedback(certificate: MigrantCertificate, actor: Actor, data) -> CertificateNotice:
    """A message from one end of a migrant's move to the other (moved again, returned, lost)."""
    if not rules.may_send_feedback(actor.officer, certificate):
        raise PermissionDenied(_("Your role may not do this here."))
    form = FeedbackForm(data)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    ends = [certificate.region_id, township_of(certificate.registration_region_id)]
    if not code_in_jurisdiction(actor.officer, ends[0]):
        ends.reverse()  # the writer is at the registration end
    with transaction.atomic():
        return _notify(
            certificate,
            actor,
            NoticeKind.FEEDBACK,
            form.cleaned_data["message"],
            topic=form.cleaned_data["topic"],
            from_region=ends[0],
            to_region=ends[1],
        )


def _acknowledge_notice(notice, actor, data):
    if notice.kind == NoticeKind.VERIFICATION_REQUEST:
        raise ValidationError(
            _("Answer a verification request by confirming or refusing the facts.")
        )
    with transaction.atomic():
        return _acknowledge(notice, actor, data.get("reply", ""))


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        MigrantCertificate,
        (
            Step("submit", gettext_lazy("Submit"), "submit", _submit, rules.may_handle_certificate),
            Step(
                "request_verification",
                gettext_lazy("Ask the registration area to verify"),
                "request_verification",
                _request_verification,
                lambda user, c: (
                    c.kind == CertificateKind.SERVICE
                    and c.from_another_area
                    and rules.may_handle_certificate(user, c)
                ),
                form=ReasonForm,
            ),
            Step(
                "verify",
                gettext_lazy("Verify the facts"),
                "verify",
                _verify,
                lambda user, c: (
                    c.status == CertificateStatus.SUBMITTED
                    and not (c.kind == CertificateKind.SERVICE and c.from_another_area)
                    and rules.may_handle_certificate(user, c)
                ),
                form=ReasonForm,
            ),
            Step(
                "confirm_verification",
                gettext_lazy("Answer the verification request"),
                "verify",
                _confirm_verification,
                lambda user, c: (
                    c.status == CertificateStatus.AWAITING_VERIFICATION
                    and rules.may_confirm_verification(user, c)
                ),
                form=ConfirmVerificationForm,
            ),
            Step(
                "issue",
                gettext_lazy("Issue"),
                "issue",
                _issue,
                rules.may_handle_certificate,
                issues=CERTIFICATE_DOCUMENTS,
            ),
            Step(
                "renew",
                gettext_lazy("Renew"),
                "renew",
                _renew,
                rules.may_handle_certificate,
                issues=CERTIFICATE_DOCUMENTS,
            ),
            Step(
                "report_lost",
                gettext_lazy("Report lost and re-issue"),
                "report_lost",
                _report_lost,
                rules.may_handle_certificate,
                form=ReasonForm,
                confirm=gettext_lazy("Revoke the lost certificate and issue a replacement?"),
                issues=CERTIFICATE_DOCUMENTS,
            ),
            Step(
                "amend",
                gettext_lazy("Change the facts"),
                "amend",
                _amend,
                rules.may_handle_certificate,
                form=ReasonForm,
            ),
            Step(
                "reject",
                gettext_lazy("Reject"),
                "reject",
                _reject,
                rules.may_handle_certificate,
                form=ReasonForm,
                confirm=gettext_lazy("Reject this application?"),
            ),
            Step(
                "revoke",
                gettext_lazy("Revoke"),
                "revoke",
                _revoke,
                rules.may_handle_certificate,
                form=ReasonForm,
                confirm=gettext_lazy(
                    "Revoke this certificate? Verification will report it revoked."
                ),
            ),
            Step(
                "expire",
                gettext_lazy("Mark expired"),
                "expire",
                _expire,
                lambda user, c: (
                    c.valid_until is not None
                    and c.valid_until < clock.today()
                    and rules.may_handle_certificate(user, c)
                ),
                form=OpinionForm,
            ),
        ),
        labels={
            "apply": gettext_lazy("Application recorded"),
            "apply_online": gettext_lazy("Applied online by the holder"),
            "update_facts": gettext_lazy("Facts corrected"),
            "verify": gettext_lazy("Facts verified"),
        },
    ),
    Steps(
        CertificateNotice,
        (
            Step(
                "acknowledge",
                gettext_lazy("Acknowledge"),
                "acknowledge",
                _acknowledge_notice,
                lambda user, n: (
                    n.kind != NoticeKind.VERIFICATION_REQUEST
                    and rules.may_acknowledge_notice(user, n)
                ),
                form=AcknowledgeForm,
            ),
        ),
    ),
)


def attach(certificate: MigrantCertificate, actor: Actor, upload, description: str):
    """Keep a supporting file (marriage certificate, household book…) with the application."""
    if not rules.may_handle_certificate(actor.officer, certificate):
        raise PermissionDenied(_("Your role may not do this here."))
    if not (description or "").strip():
        raise ValidationError({"description": _("Say what the file is.")})
    data, content_type, sha256 = inspect_upload(upload)
    attachment = CertificateAttachment(
        certificate=certificate,
        description=description.strip()[:100],
        content_type=content_type,
        size=len(data),
        sha256=sha256,
        uploaded_by=actor.officer,
        uploaded_at=clock.now(),
    )
    with transaction.atomic():
        attachment.file.save("upload", ContentFile(data), save=False)
        attachment.save()
        audit.record(actor, "attach", certificate, data={"file": description, "sha256": sha256})
    return attachment
