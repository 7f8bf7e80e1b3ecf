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
    """

    template: str
    number_word: str
    long: bool = False


KINDS: dict[str, KindSpec] = {
    DocumentKind.APPLICATION_FORM: KindSpec("documents/application_form.html", "奖扶审"),
    DocumentKind.POSTING_NOTICE: KindSpec("documents/posting_notice.html", "公示", long=True),
    DocumentKind.NOT_CONFIRMED_NOTICE: KindSpec("documents/not_confirmed_notice.html", "不予确认"),
    DocumentKind.PAYMENT_LETTER: KindSpec("documents/payment_letter.html", "奖扶发"),
    DocumentKind.MIGRANT_CERTIFICATE: KindSpec("documents/migrant_certificate.html", "婚育证"),
    DocumentKind.SERVICE_CERTIFICATE: KindSpec("documents/migrant_certificate.html", "服务证"),
    DocumentKind.CASE_REGISTRATION: KindSpec("documents/case_registration.html", "两非立"),
    DocumentKind.CASE_PRIOR_NOTICE: KindSpec("documents/case_prior_notice.html", "两非告"),
    DocumentKind.CASE_DECISION: KindSpec("documents/case_decision.html", "两非决"),
    DocumentKind.CASE_REFERRAL: KindSpec("documents/case_referral.html", "两非移"),
    DocumentKind.CASE_CLOSING: KindSpec("documents/case_closing.html", "两非结"),
    DocumentKind.ENFORCEMENT_REPORT: KindSpec("documents/enforcement_report.html", "两非统"),
}


def spec_of(kind: str) -> KindSpec:
    """The spec of ``kind``; an unknown kind is a programming error."""
    try:
        return KINDS[kind]
    except KeyError:
        raise LookupError(f"Unknown document kind {kind!r}; add it to documents.kinds.") from None
