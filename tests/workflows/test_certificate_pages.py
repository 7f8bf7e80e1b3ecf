"""Certificates through the pages: apply, steps, refusals shown as messages, the notices inbox."""

import pytest
from django.urls import reverse

from casework.models import CertificateStatus, MigrantCertificate, NoticeStatus
from permissions.roles import Role
from tests.conftest import OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE
from tests.workflows.test_certificates import HOLDER_ID

FORM = {
    "kind": "marriage_childbearing",
    "holder_name": "韩秀英",
    "holder_id_number": HOLDER_ID,
    "registration_region": VILLAGE,
    "registration_address": "城关镇东风村5组",
    "marital_status": "married",
    "married_on": "2018-10-01",
    "spouse_name": "杨志强",
    "children": "杨小春 女 2019-06-12",
}


@pytest.fixture
def migrant_officer(make_officer, offices):
    return make_officer(Role.MIGRANT_SERVICE_OFFICER, TOWNSHIP, username="migrant_officer")


@pytest.fixture
def other_migrant_officer(make_officer, offices):
    return make_officer(Role.MIGRANT_SERVICE_OFFICER, OTHER_TOWNSHIP, username="other_officer")


@pytest.mark.django_db
def test_apply_verify_and_issue_through_the_pages(client, migrant_officer):
    client.force_login(migrant_officer)
    response = client.post(reverse("certificate-create"), FORM)
    certificate = MigrantCertificate.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "certificate-detail", args=[certificate.pk]
    )
    assert certificate.children == [{"name": "杨小春", "sex": "女", "birth_date": "2019-06-12"}]

    page = client.get(response.url).content.decode()
    assert "核实" in page or "Verify the facts" in page
    client.post(
        reverse("step", args=["certificates", certificate.pk, "verify"]), {"opinion": "属实"}
    )
    client.post(reverse("step", args=["certificates", certificate.pk, "issue"]), {})
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ISSUED
    page = client.get(reverse("certificate-detail", args=[certificate.pk])).content.decode()
    assert certificate.document.number in page and HOLDER_ID in page


@pytest.mark.django_db
def test_bad_input_is_shown_on_the_form_and_nothing_saved(client, migrant_officer):
    client.force_login(migrant_officer)
    for field, value in [
        ("holder_id_number", "360921199403080021"),
        ("registration_region", "999999999999"),
        ("children", "杨小春 X 2019-06-12"),
        ("married_on", "2019-02-30"),
    ]:
        response = client.post(reverse("certificate-create"), {**FORM, field: value})
        assert response.status_code == 200
        assert response.context["form"].errors.get(field), field
    assert not MigrantCertificate.objects.exists()


@pytest.mark.django_db
def test_a_refused_step_says_why(client, migrant_officer):
    client.force_login(migrant_officer)
    client.post(reverse("certificate-create"), FORM)
    certificate = MigrantCertificate.objects.get()
    response = client.post(
        reverse("step", args=["certificates", certificate.pk, "reject"]),
        {"opinion": ""},
        follow=True,
    )
    assert (
        "请填写理由" in response.content.decode() or "Give the reason" in response.content.decode()
    )
    response = client.post(
        reverse("step", args=["certificates", certificate.pk, "issue"]), follow=True
    )
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUBMITTED


@pytest.mark.django_db
def test_other_township_404_but_notice_in_its_inbox(client, migrant_officer, other_migrant_officer):
    client.force_login(migrant_officer)
    client.post(
        reverse("certificate-create"),
        {
            **FORM,
            "kind": "service",
            "registration_region": OTHER_TOWNSHIP_VILLAGE,
            "residence_region": VILLAGE,
            "residence_since": "2026-05-06",
        },
    )
    certificate = MigrantCertificate.objects.get()
    client.post(
        reverse("certificate-feedback", args=[certificate.pk]),
        {"topic": "moved_again", "message": "已迁往外省"},
    )

    client.force_login(other_migrant_officer)
    assert client.get(reverse("certificate-detail", args=[certificate.pk])).status_code == 404
    inbox = client.get(reverse("notice-list"), {"direction": "in"}).content.decode()
    assert "已迁往外省" in inbox and HOLDER_ID not in inbox
    notice = certificate.notices.get()
    client.post(reverse("step", args=["notices", notice.pk, "acknowledge"]), {"reply": "收到"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ACKNOWLEDGED


@pytest.mark.django_db
def test_the_list_filters_and_counts_queries(
    client, migrant_officer, django_assert_max_num_queries
):
    client.force_login(migrant_officer)
    for index in range(3):
        client.post(reverse("certificate-create"), {**FORM, "holder_name": f"韩{index}"})
    with django_assert_max_num_queries(9):
        page = client.get(reverse("certificate-list")).content.decode()
    assert "韩0" in page and "韩2" in page
    assert "韩1" not in client.get(reverse("certificate-list"), {"q": "韩2"}).content.decode()
    for index in range(3, 12):
        client.post(reverse("certificate-create"), {**FORM, "holder_name": f"韩{index}"})
    with django_assert_max_num_queries(9):
        client.get(reverse("certificate-list"))
    with django_assert_max_num_queries(9):
        client.get(reverse("notice-list"))


@pytest.mark.django_db
def test_home_counts_notices_waiting_and_overdue(
    client, migrant_officer, other_migrant_officer, settings
):
    client.force_login(migrant_officer)
    client.post(
        reverse("certificate-create"),
        {
            **FORM,
            "kind": "service",
            "registration_region": OTHER_TOWNSHIP_VILLAGE,
            "residence_region": VILLAGE,
            "residence_since": "2026-05-06",
        },
    )
    certificate = MigrantCertificate.objects.get()
    client.post(
        reverse("certificate-feedback", args=[certificate.pk]),
        {"topic": "other", "message": "请知悉"},
    )
    client.force_login(other_migrant_officer)
    assert client.get(reverse("home")).context["notices_waiting"] == 1
    assert client.get(reverse("home")).context["notices_overdue"] == 0
    settings.CASEWORK_TODAY = "2027-01-31"
    assert client.get(reverse("home")).context["notices_overdue"] == 1
    client.force_login(migrant_officer)
    assert client.get(reverse("home")).context["notices_waiting"] == 0


@pytest.mark.django_db
def test_a_holder_applies_online_and_the_township_takes_it_up(client, migrant_officer, settings):
    from permissions.models import AuditEntry

    response = client.post(
        reverse("certificate-apply-online"), {**FORM, "applicant_phone": "13900001111"}
    )
    assert response.status_code == 200 and "城关镇" in response.content.decode()
    certificate = MigrantCertificate.objects.get()
    assert certificate.status == CertificateStatus.DRAFT and certificate.created_by is None
    entry = AuditEntry.objects.get(action="apply_online")
    assert entry.role == "applicant" and entry.actor is None and entry.client_address == "127.0.0.1"

    client.force_login(migrant_officer)
    client.post(
        reverse("step", args=["certificates", certificate.pk, "submit"]),
        {"opinion": "持证件来窗口核对"},
    )
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUBMITTED


@pytest.mark.django_db
def test_online_applications_are_checked_and_rate_limited(client, offices, settings):
    bad = client.post(
        reverse("certificate-apply-online"),
        {**FORM, "holder_id_number": "123", "applicant_phone": "1"},
    )
    assert bad.status_code == 200 and "holder_id_number" in bad.context["form"].errors
    no_phone = client.post(reverse("certificate-apply-online"), FORM)
    assert "applicant_phone" in no_phone.context["form"].errors
    assert not MigrantCertificate.objects.exists()
    settings.CASEWORK_ONLINE_APPLICATION_RATE = "1/hour"
    from django.core.cache import cache

    cache.clear()
    assert (
        client.post(
            reverse("certificate-apply-online"), {**FORM, "applicant_phone": "139"}
        ).status_code
        == 200
    )
    assert (
        client.post(
            reverse("certificate-apply-online"), {**FORM, "applicant_phone": "139"}
        ).status_code
        == 429
    )
