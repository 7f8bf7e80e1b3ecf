"""The migrant-certificate process: both kinds from application to issue, the refusals, later
events, expiry, and the notices between areas."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.models import (
    CertificateKind,
    CertificateNotice,
    CertificateStatus,
    MigrantCertificate,
    NoticeKind,
    NoticeStatus,
)
from documents import verification
from documents.models import Document, DocumentStatus
from permissions.audit import Actor
from permissions.models import AuditEntry
from permissions.roles import Role
from permissions.scoping import visible_to
from tests.conftest import (
    OTHER_TOWNSHIP,
    OTHER_TOWNSHIP_VILLAGE,
    OTHER_VILLAGE,
    TOWNSHIP,
    VILLAGE,
)
from tests.documents.test_issuing import pdf_of, scan_qr
from workflows import certificates
from workflows.transitions import TransitionConflict, available_steps, history, perform

HOLDER_ID = "36092119940308002X"


@pytest.fixture
def migrant_officer(make_officer):
    return make_officer(Role.MIGRANT_SERVICE_OFFICER, TOWNSHIP, username="migrant_officer")


@pytest.fixture
def other_migrant_officer(make_officer):
    return make_officer(Role.MIGRANT_SERVICE_OFFICER, OTHER_TOWNSHIP, username="other_officer")


@pytest.fixture
def apply(regions, offices, migrant_officer):
    """Apply for a certificate as ``officer`` (the first township's by default)."""

    def run(kind=CertificateKind.MARRIAGE_CHILDBEARING, officer=None, **facts):
        values = {
            "kind": kind,
            "holder_name": "韩秀英",
            "holder_id_number": HOLDER_ID,
            "registration_region": regions[VILLAGE],
            "registration_address": "城关镇东风村5组",
            "marital_status": "married",
            "married_on": datetime.date(2018, 10, 1),
            "spouse_name": "杨志强",
            "children": [{"name": "杨小春", "sex": "女", "birth_date": "2019-06-12"}],
        }
        values.update(facts)
        return certificates.apply(Actor(officer or migrant_officer), MigrantCertificate(**values))

    return run


def step(name, certificate, officer, **data):
    return perform(name, certificate, Actor(officer), data)


@pytest.mark.django_db
def test_a_marriage_certificate_from_application_to_issue(apply, migrant_officer):
    certificate = apply()
    assert certificate.status == CertificateStatus.SUBMITTED
    assert certificate.region_id == TOWNSHIP  # issued by the registration township
    assert [s.name for s in available_steps(migrant_officer, certificate)] == ["verify", "reject"]

    certificate = step("verify", certificate, migrant_officer, opinion="户籍与婚育情况属实")
    certificate = step("issue", certificate, migrant_officer)

    assert certificate.status == CertificateStatus.ISSUED
    assert certificate.valid_from == datetime.date(2026, 11, 24)
    assert certificate.valid_until == datetime.date(2029, 11, 23)
    document = certificate.document
    assert document.kind == "migrant_certificate" and document.number.startswith(
        "城关镇〔2026〕婚育证字"
    )
    assert ["持证人", "韩**"] in document.public_summary
    assert [entry["transition"] for entry in history(certificate)] == [
        "apply",
        "submit",
        "verify",
        "issue",
    ]
    assert verification.verify_pdf(pdf_of(document)).valid


@pytest.mark.django_db
def test_a_service_certificate_for_a_migrant_from_another_township(
    apply, migrant_officer, other_migrant_officer, regions
):
    # Registered in the other township, living in the first one since May.
    certificate = apply(
        kind=CertificateKind.SERVICE,
        registration_region=regions[OTHER_TOWNSHIP_VILLAGE],
        residence_region=regions[VILLAGE],
        residence_address="东风村新街8号",
        residence_since=datetime.date(2026, 5, 6),
    )
    assert certificate.region_id == TOWNSHIP and certificate.from_another_area
    names = [s.name for s in available_steps(migrant_officer, certificate)]
    assert "verify" not in names and "request_verification" in names

    certificate = step(
        "request_verification", certificate, migrant_officer, opinion="请核实婚育情况"
    )
    request = CertificateNotice.objects.get(kind=NoticeKind.VERIFICATION_REQUEST)
    assert request.to_region_id == OTHER_TOWNSHIP

    # The registration township sees the certificate while it is asked, and answers.
    assert visible_to(other_migrant_officer, MigrantCertificate).filter(pk=certificate.pk).exists()
    with pytest.raises(PermissionDenied):
        step("confirm_verification", certificate, migrant_officer, confirmed="yes", opinion="x")
    certificate = step(
        "confirm_verification", certificate, other_migrant_officer, confirmed="yes", opinion="属实"
    )
    request.refresh_from_db()
    assert certificate.status == CertificateStatus.VERIFIED
    assert request.status == NoticeStatus.ACKNOWLEDGED

    certificate = step("issue", certificate, migrant_officer)
    assert certificate.document.kind == "service_certificate"
    issue_notice = CertificateNotice.objects.get(kind=NoticeKind.ISSUE_NOTICE)
    assert issue_notice.to_region_id == OTHER_TOWNSHIP and issue_notice.status == NoticeStatus.SENT

    # Once issued the other township no longer reaches the certificate, but sees the notice.
    assert (
        not visible_to(other_migrant_officer, MigrantCertificate).filter(pk=certificate.pk).exists()
    )
    assert visible_to(other_migrant_officer, CertificateNotice).filter(pk=issue_notice.pk).exists()
    assert [s.name for s in available_steps(other_migrant_officer, issue_notice)] == ["acknowledge"]
    acknowledged = step("acknowledge", issue_notice, other_migrant_officer, reply="已登记")
    assert acknowledged.status == NoticeStatus.ACKNOWLEDGED and acknowledged.reply == "已登记"


@pytest.mark.django_db
def test_a_service_certificate_needs_three_months_of_residence(apply, migrant_officer, regions):
    certificate = apply(
        kind=CertificateKind.SERVICE,
        registration_region=regions[OTHER_VILLAGE],
        residence_region=regions[VILLAGE],
        residence_since=datetime.date(2026, 9, 1),
    )
    with pytest.raises(ValidationError) as refusal:
        step("verify", certificate, migrant_officer, opinion="已核实")
    assert "residence_since" in refusal.value.message_dict
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUBMITTED


@pytest.mark.django_db
def test_expiry_by_the_daily_task(apply, migrant_officer, settings):
    certificate = step(
        "issue", step("verify", apply(), migrant_officer, opinion="属实"), migrant_officer
    )

    settings.CASEWORK_TODAY = "2029-11-23"
    assert certificates.expire_due() == []
    settings.CASEWORK_TODAY = "2029-11-24"
    expired = certificates.expire_due()

    assert [c.pk for c in expired] == [certificate.pk]
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.EXPIRED
    assert certificate.document.status == DocumentStatus.EXPIRED
    assert verification.verify_pdf(pdf_of(certificate.document)).reason == "expired"
    actions = AuditEntry.objects.filter(role="system").values_list("action", flat=True)
    assert sorted(actions) == ["document.expire", "expire"]


@pytest.mark.django_db
def test_revocation_shows_in_verification_by_code(apply, migrant_officer, client):
    certificate = step(
        "issue", step("verify", apply(), migrant_officer, opinion="属实"), migrant_officer
    )
    code = certificate.document.code
    assert "有效" in client.get(f"/verify/{code}/").content.decode()

    step("revoke", certificate, migrant_officer, opinion="骗取证明")
    page = client.get(f"/verify/{code}/").content.decode()
    assert "已作废" in page and "骗取证明" not in page  # the free-text reason stays inside
    assert "韩**" in page and "360921********002X" in page and HOLDER_ID not in page


@pytest.mark.django_db
def test_renew_report_lost_and_amend_keep_one_valid_document(apply, migrant_officer, settings):
    certificate = step(
        "issue", step("verify", apply(), migrant_officer, opinion="属实"), migrant_officer
    )
    first = certificate.document

    settings.CASEWORK_TODAY = "2029-10-01"
    certificate = step("renew", certificate, migrant_officer)
    assert certificate.valid_until == datetime.date(2032, 9, 30)
    first.refresh_from_db()
    assert first.status == DocumentStatus.SUPERSEDED

    renewed = certificate.document
    certificate = step("report_lost", certificate, migrant_officer, opinion="持证人遗失")
    renewed.refresh_from_db()
    assert renewed.status == DocumentStatus.REVOKED
    assert certificate.valid_until == datetime.date(2032, 9, 30)

    certificate = step("amend", certificate, migrant_officer, opinion="新生育一孩")
    certificate.children.append({"name": "杨小秋", "sex": "男", "birth_date": "2029-08-01"})
    certificate = certificates.update_facts(Actor(migrant_officer), certificate)
    certificate = step(
        "issue", step("verify", certificate, migrant_officer, opinion="属实"), migrant_officer
    )
    assert certificate.document.version == 2
    valid = Document.objects.for_subject(certificate).filter(status=DocumentStatus.VALID)
    assert list(valid) == [certificate.document]


@pytest.mark.django_db
def test_refusals_wrong_role_other_township_and_bad_facts(
    apply, migrant_officer, other_migrant_officer, village_officer, regions
):
    with pytest.raises(PermissionDenied):
        apply(officer=village_officer)
    with pytest.raises(PermissionDenied):
        apply(officer=other_migrant_officer)
    with pytest.raises(ValidationError) as refusal:
        apply(holder_id_number="360921199403080021")
    assert "holder_id_number" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        apply(kind=CertificateKind.SERVICE)
    assert "residence_region" in refusal.value.message_dict
    assert not MigrantCertificate.objects.exists()

    certificate = apply()
    with pytest.raises(PermissionDenied):
        step("verify", certificate, other_migrant_officer, opinion="x")
    with pytest.raises(ValidationError):
        step("reject", certificate, migrant_officer, opinion="")
    with pytest.raises(TransitionConflict):
        step("issue", certificate, migrant_officer)


@pytest.mark.django_db
def test_feedback_goes_to_the_other_end(apply, migrant_officer, other_migrant_officer, regions):
    certificate = apply(
        kind=CertificateKind.SERVICE,
        registration_region=regions[OTHER_TOWNSHIP_VILLAGE],
        residence_region=regions[VILLAGE],
        residence_since=datetime.date(2026, 5, 6),
    )
    sent = certificates.send_feedback(
        certificate, Actor(migrant_officer), {"topic": "moved_again", "message": "已迁往外省"}
    )
    assert (sent.from_region_id, sent.to_region_id) == (TOWNSHIP, OTHER_TOWNSHIP)
    back = certificates.send_feedback(
        certificate, Actor(other_migrant_officer), {"topic": "returned_home", "message": "已返乡"}
    )
    assert (back.from_region_id, back.to_region_id) == (OTHER_TOWNSHIP, TOWNSHIP)
    with pytest.raises(ValidationError):
        certificates.send_feedback(certificate, Actor(migrant_officer), {"topic": "nonsense"})


@pytest.mark.django_db
def test_an_unacknowledged_notice_is_overdue_after_thirty_days(
    apply, migrant_officer, regions, settings
):
    certificate = apply(
        kind=CertificateKind.SERVICE,
        registration_region=regions[OTHER_TOWNSHIP_VILLAGE],
        residence_region=regions[VILLAGE],
        residence_since=datetime.date(2026, 5, 6),
    )
    notice = certificates.send_feedback(
        certificate, Actor(migrant_officer), {"topic": "other", "message": "请知悉"}
    )
    assert not notice.overdue()
    assert not notice.overdue(datetime.date(2026, 12, 24))
    assert notice.overdue(datetime.date(2026, 12, 25))


@pytest.mark.django_db
def test_the_daily_command_expires_and_reports(apply, migrant_officer, settings):
    from io import StringIO

    from django.core.management import call_command

    step("issue", step("verify", apply(), migrant_officer, opinion="属实"), migrant_officer)
    settings.CASEWORK_TODAY = "2030-01-01"
    out = StringIO()
    call_command("expire_certificates", stdout=out)
    assert "1 certificates expired" in out.getvalue()
    assert MigrantCertificate.objects.get().status == CertificateStatus.EXPIRED


@pytest.mark.django_db
def test_the_printed_qr_code_leads_to_the_public_page(
    apply, migrant_officer, settings, tmp_path, client
):
    settings.CASEWORK_PUBLIC_URL = "https://casework.example.gov.cn"
    certificate = step(
        "issue", step("verify", apply(), migrant_officer, opinion="属实"), migrant_officer
    )
    scanned = scan_qr(pdf_of(certificate.document), tmp_path)

    code = certificate.document.code
    assert scanned == f"https://casework.example.gov.cn/verify/{code}/"
    page = client.get(scanned.removeprefix("https://casework.example.gov.cn"))
    assert page.status_code == 200 and certificate.document.number in page.content.decode()
