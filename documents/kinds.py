"""The kinds of document Casework issues, each with its template and its number word.

A kind is code, not data: adding one means adding its template in templates/documents/ and a
line here. Number words follow the county's practice (e.g. 奖扶 in 某县卫健〔2026〕奖扶字第0012号).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    APPLICATION_FORM = "application_form", _("application and approval form")
    POSTING_NOTICE = "posting_notice", _("public posting notice")
    NOT_CONFIRMED_NOTICE = "not_confirmed_notice", _("not-confirmed notice")
    PAYMENT_LETTER = "payment_letter", _("payment notification letter")
    MIGRANT_CERTIFICATE = "migrant_certificate", _("migrant certificate")
    SERVICE_CERTIFICATE = "service_certificate", _("migrant service certificate")
    CASE_REGISTRATION = "case_registration", _("case registration form")
    CASE_PRIOR_NOTICE = "case_prior_notice", _("prior notice of penalty")
    CASE_DECISION = "case_decision", _("case decision")
    CASE_REFERRAL = "case_referral", _("case referral letter")
    CASE_CLOSING = "case_closing", _("case closing form")
    ENFORCEMENT_REPORT = "enforcement_report", _("two-illegal enforcement statistics")


@dataclass(frozen=True)
class KindSpec:
    """How one kind is drawn and numbered.

    ``long`` kinds (lists that run over many pages) print page numbers and are rendered one
    document at a time; short ones may be gathered into one print file.

    ``subject`` is the model (app label and name) whose visibility a document of the kind
    follows (permissions.scoping): a case's papers are seen exactly by those who see the case.
    An ``aggregate`` kind counts over many objects of that model instead of recording one, and
    is seen by those who see that model's statistics in the document's region.
    """

    template: str
    number_word: str
    subject: str
    long: bool = False
    aggregate: bool = False


_APPLICATION = "casework.Application"
_CERTIFICATE = "casework.MigrantCertificate"
_CASE = "casework.EnforcementCase"

KINDS: dict[str, KindSpec] = {
    DocumentKind.APPLICATION_FORM: KindSpec(
        "documents/application_form.html", "奖扶审", _APPLICATION
    ),
    DocumentKind.POSTING_NOTICE: KindSpec(
        "documents/posting_notice.html", "公示", "casework.Posting", long=True
    ),
    DocumentKind.NOT_CONFIRMED_NOTICE: KindSpec(
        "documents/not_confirmed_notice.html", "不予确认", _APPLICATION
    ),
    DocumentKind.PAYMENT_LETTER: KindSpec(
        "documents/payment_letter.html", "奖扶发", "casework.Payment"
    ),
    DocumentKind.MIGRANT_CERTIFICATE: KindSpec(
        "documents/migrant_certificate.html", "婚育证", _CERTIFICATE
    ),
    DocumentKind.SERVICE_CERTIFICATE: KindSpec(
        "documents/migrant_certificate.html", "服务证", _CERTIFICATE
    ),
    DocumentKind.CASE_REGISTRATION: KindSpec("documents/case_registration.html", "两非立", _CASE),
    DocumentKind.CASE_PRIOR_NOTICE: KindSpec("documents/case_prior_notice.html", "两非告", _CASE),
    DocumentKind.CASE_DECISION: KindSpec("documents/case_decision.html", "两非决", _CASE),
    DocumentKind.CASE_REFERRAL: KindSpec("documents/case_referral.html", "两非移", _CASE),
    DocumentKind.CASE_CLOSING: KindSpec("documents/case_closing.html", "两非结", _CASE),
    DocumentKind.ENFORCEMENT_REPORT: KindSpec(
        "documents/enforcement_report.html", "两非统", _CASE, aggregate=True
    ),
}


def spec_of(kind: str) -> KindSpec:
    """The spec of ``kind``; an unknown kind is a programming error."""
    try:
        return KINDS[kind]
    except KeyError:
        raise LookupError(f"Unknown document kind {kind!r}; add it to documents.kinds.") from None


def kinds_by_subject() -> dict[str, tuple[list[str], list[str]]]:
    """For each subject model's label, its per-object kinds and its aggregate kinds."""
    kinds: dict[str, tuple[list[str], list[str]]] = {}
    for kind, spec in KINDS.items():
        per_object, aggregate = kinds.setdefault(spec.subject, ([], []))
        (aggregate if spec.aggregate else per_object).append(str(kind))
    return kinds
