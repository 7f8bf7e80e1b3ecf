"""The one step page (web/views/steps.py): every kind of object's steps, taken from a POST."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from casework import clock
from casework.factories import ApplicationFactory, MigrantCertificateFactory
from casework.models import ApplicationStatus, CertificateNotice, NoticeStatus
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE

DEFER = {"opinion": "材料不全，待补"}


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def application(regions, village_officer):
    return ApplicationFactory(applicant__region=regions[VILLAGE], created_by=village_officer)


@pytest.mark.django_db
def test_a_step_taken_goes_back_to_the_applications_page(client, village_officer, application):
    client.force_login(village_officer)
    response = client.post(reverse("step", args=["applications", application.pk, "defer"]), DEFER)
    assert response.status_code == 302
    assert response.url == reverse("application-detail", args=[application.pk])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DEFERRED


def test_the_step_urls_are_the_addresses_each_kind_had():
    assert reverse("step", args=["applications", 7, "defer"]) == "/applications/7/steps/defer/"
    assert reverse("step", args=["notices", 7, "acknowledge"]) == "/notices/7/steps/acknowledge/"


@pytest.mark.django_db
def test_an_unknown_kind_is_not_found(client, village_officer, application):
    client.force_login(village_officer)
    for kind in ("nothing", "documents", "persons"):
        path = reverse("step", args=[kind, application.pk, "defer"])
        assert client.post(path, DEFER).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_a_get_is_refused_and_changes_nothing(client, village_officer, application):
    client.force_login(village_officer)
    before = AuditEntry.objects.count()
    path = reverse("step", args=["applications", application.pk, "defer"])
    assert client.get(path, DEFER).status_code == 405
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_an_object_outside_the_jurisdiction_is_not_found_and_unchanged(
    client, village_officer, regions
):
    elsewhere = ApplicationFactory(
        applicant__region=regions[OTHER_TOWNSHIP_VILLAGE], created_by=village_officer
    )
    client.force_login(village_officer)
    before = AuditEntry.objects.count()
    response = client.post(reverse("step", args=["applications", elsewhere.pk, "defer"]), DEFER)
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == ApplicationStatus.SUBMITTED
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_a_step_the_role_may_not_take_is_refused_with_the_reason(
    client, township_reviewer, application
):
    # The township sees the village's application, but the village works it at this level.
    client.force_login(township_reviewer)
    response = client.post(reverse("step", args=["applications", application.pk, "defer"]), DEFER)
    assert response.status_code == 302
    assert response.url == reverse("application-detail", args=[application.pk])
    assert any(
        text in ("您的角色无权在此办理该事项。", "Your role may not do this here.")
        for text in _messages(response)
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.fixture
def notice(regions, make_officer):
    """A note from the other township to this one, about a certificate this one cannot see."""
    sender = make_officer(Role.MIGRANT_SERVICE_OFFICER, OTHER_TOWNSHIP, username="sender")
    certificate = MigrantCertificateFactory(
        person__region=regions[OTHER_TOWNSHIP_VILLAGE], created_by=sender
    )
    return CertificateNotice.objects.create(
        certificate=certificate,
        kind="feedback",
        from_region=regions[OTHER_TOWNSHIP],
        to_region=regions[TOWNSHIP],
        message="已迁往外省",
        sent_by=sender,
        sent_at=clock.now(),
    )


@pytest.fixture
def migrant_officer(make_officer):
    return make_officer(Role.MIGRANT_SERVICE_OFFICER, TOWNSHIP, username="migrant_officer")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "after",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "notice-list",
        "",
    ],
)
def test_a_notice_step_never_sends_the_officer_off_site(client, migrant_officer, notice, after):
    client.force_login(migrant_officer)
    response = client.post(
        reverse("step", args=["notices", notice.pk, "acknowledge"]),
        {"reply": "收到", "next": after},
    )
    assert response.status_code == 302
    assert response.url == reverse("notice-list")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ACKNOWLEDGED


@pytest.mark.django_db
def test_a_notice_step_goes_back_to_the_list_page_it_was_on(client, migrant_officer, notice):
    client.force_login(migrant_officer)
    after = reverse("notice-list") + "?direction=in&page=1"
    response = client.post(
        reverse("step", args=["notices", notice.pk, "acknowledge"]),
        {"reply": "收到", "next": after},
    )
    assert response.status_code == 302 and response.url == after


@pytest.mark.django_db
@pytest.mark.parametrize(
    "after, lands_on",
    [
        ("https://evil.example/", "/applications/"),
        ("//evil.example/", "/applications/"),
        ("application-detail", "/applications/"),
        ("/applications/?status=visited", "/applications/?status=visited"),
    ],
)
def test_the_list_pages_forms_go_back_only_to_a_page_of_this_site(
    client, village_officer, application, after, lands_on
):
    """The bulk forms of the application list name the page to come back to (``next``): a
    path of this site is followed, anything else lands on the list."""
    client.force_login(village_officer)
    response = client.post(
        reverse("applications-bulk-page"),
        {"step": "defer", "selected": [application.pk], "opinion": "材料不全", "next": after},
    )
    assert response.status_code == 302
    assert response["Location"] == lands_on
