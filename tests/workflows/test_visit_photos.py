"""Photos as evidence on the household visit: checked by their bytes, stored once under their
SHA-256 with the signed visit, refused whole when one is bad, served only to those who see the
application."""

import datetime
import hashlib
import io
import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from PIL import Image

from casework.factories import ApplicationFactory
from casework.models import Application, ApplicationStatus, HouseholdVisit, Program, VisitPhoto
from permissions.audit import Actor
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import OTHER_TOWNSHIP, OTHER_VILLAGE, TOWNSHIP, VILLAGE
from tests.workflows.test_applications import DECLARED, VISIT, person
from tests.workflows.test_county_and_city import RECHECK
from workflows import applications
from workflows.transitions import perform


@pytest.fixture
def submitted(regions, offices, village_officer):
    """Submit a new application of a village officer's applicant (waiting for the visit)."""

    def make():
        application = Application(
            program=Program.objects.get(code="rural-reward"),
            year=2026,
            applicant=person(regions, datetime.date(1962, 5, 1)),
        )
        return applications.apply(Actor(village_officer), application, DECLARED)

    return make


def image_bytes(image_format: str, colour=(200, 30, 30)) -> bytes:
    """A small synthetic photo (a coloured square) as JPEG or PNG bytes."""
    out = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(out, format=image_format)
    return out.getvalue()


def photo(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def visit(application, officer, *uploads):
    return perform(
        "record_visit", application, Actor(officer), VISIT, MultiValueDict({"photos": uploads})
    )


def assert_nothing_written(application, settings):
    """The visit was refused whole: no status change, visit, photo, audit entry or file."""
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not HouseholdVisit.objects.exists() and not VisitPhoto.objects.exists()
    assert not AuditEntry.objects.filter(action="record_visit").exists()
    assert not (settings.MEDIA_ROOT / "visit-photos").exists()


@pytest.mark.django_db
def test_photos_are_kept_once_under_their_hash_with_the_signed_visit(
    submitted, village_officer, settings
):
    jpeg, png = image_bytes("JPEG"), image_bytes("PNG", (20, 90, 200))
    application = visit(
        submitted(),
        village_officer,
        photo("户口簿.jpg", jpeg),
        # The browser's name and type are not believed: the bytes say PNG.
        photo("证明.jpg", png, "image/jpeg"),
        photo("again.jpg", jpeg),
    )
    assert application.status == ApplicationStatus.VISITED
    photos = list(VisitPhoto.objects.filter(visit__application=application).order_by("id"))
    assert [(p.content_type, p.size) for p in photos] == [
        ("image/jpeg", len(jpeg)),
        ("image/png", len(png)),
    ]
    for stored, content, extension in zip(photos, (jpeg, png), (".jpg", ".png"), strict=True):
        assert stored.sha256 == hashlib.sha256(content).hexdigest()
        assert os.path.basename(stored.file.name) == f"{stored.sha256}{extension}"
        path = stored.file.path
        assert open(path, "rb").read() == content
        assert not os.stat(path).st_mode & 0o222  # write-once: read-only on disk
    entry = AuditEntry.objects.get(action="record_visit")
    assert entry.data["photos"] == [p.sha256 for p in photos]


@pytest.mark.django_db
def test_the_same_photo_on_a_second_visit_reuses_the_stored_file(submitted, village_officer):
    jpeg = image_bytes("JPEG")
    first = visit(submitted(), village_officer, photo("a.jpg", jpeg))
    second = visit(submitted(), village_officer, photo("b.jpg", jpeg))
    names = {p.file.name for p in VisitPhoto.objects.all()}
    assert len(names) == 1 and first.pk != second.pk


@pytest.mark.django_db
def test_the_county_recheck_keeps_its_photos_too(regions, village_officer, county_inspector):
    application = ApplicationFactory(
        applicant__region=regions[VILLAGE],
        status=ApplicationStatus.AWAITING_COUNTY,
        created_by=village_officer,
    )
    rechecked = perform(
        "county_recheck",
        application,
        Actor(county_inspector),
        RECHECK,
        MultiValueDict({"photos": [photo("复核.png", image_bytes("PNG"), "image/png")]}),
    )
    assert rechecked.status == ApplicationStatus.RECHECKED
    stored = VisitPhoto.objects.get()
    assert stored.visit.level == "county" and stored.visit.officer == county_inspector


@pytest.mark.django_db
def test_a_visit_without_photos_is_still_recorded(submitted, village_officer):
    application = visit(submitted(), village_officer)
    assert application.status == ApplicationStatus.VISITED
    assert not VisitPhoto.objects.exists()
    assert "photos" not in AuditEntry.objects.get(action="record_visit").data


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7 a scanned letter", b"GIF89a\x01\x00", b"not an image at all", b""],
    ids=["pdf", "gif", "text", "empty"],
)
def test_a_photo_that_is_not_a_jpeg_or_png_refuses_the_visit(
    submitted, village_officer, settings, content
):
    application = submitted()
    with pytest.raises(ValidationError) as refusal:
        visit(
            application,
            village_officer,
            photo("ok.jpg", image_bytes("JPEG")),
            photo("x.jpg", content),
        )
    assert "x.jpg" in " ".join(refusal.value.message_dict["photos"])
    assert_nothing_written(application, settings)


@pytest.mark.django_db
def test_a_photo_over_the_size_limit_refuses_the_visit(submitted, village_officer, settings):
    settings.CASEWORK_VISIT_PHOTO_MAX_MB = 1
    application = submitted()
    large = image_bytes("PNG") + b"\0" * (1024 * 1024)
    with pytest.raises(ValidationError) as refusal:
        visit(application, village_officer, photo("large.png", large, "image/png"))
    message = " ".join(refusal.value.message_dict["photos"])
    assert "large.png" in message and "1" in message
    assert_nothing_written(application, settings)


@pytest.mark.django_db
def test_more_photos_than_the_limit_refuse_the_visit(submitted, village_officer, settings):
    settings.CASEWORK_VISIT_PHOTO_MAX_COUNT = 2
    application = submitted()
    uploads = [photo(f"{n}.png", image_bytes("PNG", (n, n, n)), "image/png") for n in range(3)]
    with pytest.raises(ValidationError) as refusal:
        visit(application, village_officer, *uploads)
    assert refusal.value.message_dict["photos"]
    assert_nothing_written(application, settings)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, place",
    [(Role.TOWNSHIP_REVIEWER, TOWNSHIP), (Role.VILLAGE_OFFICER, OTHER_VILLAGE)],
    ids=["township-reviewer", "other-village"],
)
def test_only_the_village_officer_records_a_visit_with_photos(
    submitted, make_officer, settings, role, place
):
    application = submitted()
    with pytest.raises(PermissionDenied):
        visit(application, make_officer(role, place), photo("a.png", image_bytes("PNG")))
    assert_nothing_written(application, settings)


@pytest.fixture
def visited_with_photo(submitted, village_officer):
    application = visit(submitted(), village_officer, photo("户口簿.png", image_bytes("PNG")))
    return application, VisitPhoto.objects.get()


@pytest.mark.django_db
def test_the_photo_is_served_to_those_who_see_the_application(
    client, visited_with_photo, village_officer, township_reviewer
):
    application, stored = visited_with_photo
    url = reverse("application-visit-photo", args=[application.pk, stored.pk])
    for officer in (village_officer, township_reviewer):
        client.force_login(officer)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == stored.file.open("rb").read()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, place",
    [(Role.VILLAGE_OFFICER, OTHER_VILLAGE), (Role.TOWNSHIP_REVIEWER, OTHER_TOWNSHIP)],
    ids=["other-village", "other-township"],
)
def test_the_photo_is_hidden_from_other_jurisdictions(
    client, visited_with_photo, make_officer, role, place
):
    application, stored = visited_with_photo
    client.force_login(make_officer(role, place))
    response = client.get(reverse("application-visit-photo", args=[application.pk, stored.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_photo_needs_a_login_and_its_own_application(
    client, visited_with_photo, submitted, village_officer
):
    application, stored = visited_with_photo
    url = reverse("application-visit-photo", args=[application.pk, stored.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(village_officer)
    other = submitted()
    wrong = reverse("application-visit-photo", args=[other.pk, stored.pk])
    assert client.get(wrong).status_code == 404


@pytest.mark.django_db
def test_a_visit_with_photos_through_the_page(
    client, submitted, village_officer, django_assert_max_num_queries
):
    application = submitted()
    client.force_login(village_officer)
    detail = reverse("application-detail", args=[application.pk])
    page = client.get(detail).content.decode()
    # The visit form opens the phone's camera and sends files.
    assert 'enctype="multipart/form-data"' in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "multiple" in page

    step = reverse("step", args=["applications", application.pk, "record_visit"])
    refused = client.post(step, {**VISIT, "photos": [photo("a.gif", b"GIF89a")]}, follow=True)
    assert "a.gif" in refused.content.decode()
    assert not HouseholdVisit.objects.exists()

    uploads = [photo(f"{n}.jpg", image_bytes("JPEG", (n * 40, 0, 0))) for n in range(3)]
    client.post(step, {**VISIT, "photos": uploads})
    photos = list(VisitPhoto.objects.order_by("id"))
    assert len(photos) == 3
    # The page with its visits and their photos (one prefetch), its appraisal, if any, and any
    # open change requests.
    with django_assert_max_num_queries(15):
        page = client.get(detail).content.decode()
    for stored in photos:
        assert reverse("application-visit-photo", args=[application.pk, stored.pk]) in page
