"""The village posting: open it for appraised applications, objections, close after the end date."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from casework.factories import ApplicationFactory
from casework.models import (
    Application,
    ApplicationStatus,
    Objection,
    ObjectionStatus,
    Posting,
    PostingStatus,
    Program,
    Region,
)
from documents.models import Document
from permissions.audit import Actor
from permissions.roles import Role
from tests.conftest import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE
from workflows import postings
from workflows.transitions import available_steps, perform


@pytest.fixture
def appraised(regions, village_officer):
    return ApplicationFactory.create_batch(
        3,
        applicant__region=regions[VILLAGE],
        status=ApplicationStatus.APPRAISED,
        created_by=village_officer,
    )


@pytest.fixture
def open_posting(regions, village_officer, offices, appraised):
    def run(starts_on=datetime.date(2026, 11, 20), days=7, ids=None, officer=None):
        opened = postings.open_posting(
            Actor(officer or village_officer),
            level="village",
            program=Program.objects.get(code="rural-reward"),
            year=2026,
            region=regions[VILLAGE],
            starts_on=starts_on,
            days=days,
            place="东风村村务公开栏",
            contact_phone="0797-5210001",
            application_ids=ids or [a.pk for a in appraised],
        )
        return opened.posting, opened.results

    return run


def objection_to(posting, officer, **values):
    return postings.record_objection(
        Actor(officer),
        Objection(
            entry=posting.entries.first(),
            channel="phone",
            content="反映该户有政策外生育",
            reporter_name="匿名群众",
            reporter_contact="139****0000",
            received_on=datetime.date(2026, 11, 23),
            **values,
        ),
    )


@pytest.mark.django_db
def test_open_posts_the_appraised_and_issues_the_notice(
    open_posting, appraised, regions, village_officer
):
    not_ready = ApplicationFactory(applicant__region=regions[VILLAGE], created_by=village_officer)
    posting, results = open_posting(ids=[a.pk for a in appraised] + [not_ready.pk])

    assert [row.done for row in results] == [True, True, True, False]
    assert posting.ends_on == datetime.date(2026, 11, 26) and posting.entries.count() == 3
    assert set(
        Application.objects.filter(pk__in=[a.pk for a in appraised]).values_list(
            "status", flat=True
        )
    ) == {"village_posted"}
    notice = posting.document
    assert notice.kind == "posting_notice" and notice.region_id == VILLAGE
    assert Document.objects.for_subject(posting).count() == 1


@pytest.mark.django_db
def test_the_period_rules(open_posting, settings):
    with pytest.raises(ValidationError) as refusal:
        open_posting(days=5)
    assert "days" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        open_posting(starts_on=datetime.date(2026, 10, 20))
    assert "starts_on" in refusal.value.message_dict
    assert not Posting.objects.exists()
    posting, _ = open_posting(starts_on=datetime.date(2026, 10, 26))  # 29 days back is fine
    assert posting.starts_on == datetime.date(2026, 10, 26)


@pytest.mark.django_db
def test_closing_before_the_end_date_is_refused(open_posting, village_officer, settings):
    posting, _ = open_posting()
    settings.CASEWORK_TODAY = "2026-11-26"
    with pytest.raises(ValidationError) as refusal:
        perform("close", posting, Actor(village_officer), {})
    assert "2026-11-26" in str(refusal.value)
    posting.refresh_from_db()
    assert posting.status == PostingStatus.OPEN


@pytest.mark.django_db
def test_an_open_objection_blocks_closing_then_the_others_move_on(
    open_posting, village_officer, settings
):
    posting, _ = open_posting()
    objection = objection_to(posting, village_officer)
    settings.CASEWORK_TODAY = "2026-11-27"
    with pytest.raises(ValidationError):
        perform("close", posting, Actor(village_officer), {})

    perform(
        "uphold", objection, Actor(village_officer), {"opinion": "经调查属实", "outcome": "return"}
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD
    returned = objection.entry.application
    returned.refresh_from_db()
    assert returned.status == ApplicationStatus.SUBMITTED

    posting = perform("close", posting, Actor(village_officer), {})
    assert posting.status == PostingStatus.CLOSED
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["awaiting_township", "awaiting_township", "submitted"]


@pytest.mark.django_db
def test_a_dismissed_objection_lets_its_entry_move_on(open_posting, village_officer, settings):
    posting, _ = open_posting()
    objection = objection_to(posting, village_officer)
    perform("dismiss", objection, Actor(village_officer), {"opinion": "经调查不属实"})
    settings.CASEWORK_TODAY = "2026-11-27"
    perform("close", posting, Actor(village_officer), {})
    assert set(Application.objects.values_list("status", flat=True)) == {"awaiting_township"}


@pytest.mark.django_db
def test_an_upheld_rejection_issues_the_not_confirmed_notice(open_posting, village_officer):
    posting, _ = open_posting()
    objection = objection_to(posting, village_officer)
    perform(
        "uphold",
        objection,
        Actor(village_officer),
        {"opinion": "政策外生育属实", "outcome": "reject"},
    )
    application = objection.entry.application
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert Document.objects.for_subject(application).filter(kind="not_confirmed_notice").exists()


@pytest.mark.django_db
def test_refusals_for_role_place_and_closed_postings(
    open_posting, make_officer, township_reviewer, village_officer, settings
):
    with pytest.raises(PermissionDenied):
        open_posting(officer=make_officer(Role.VILLAGE_OFFICER, OTHER_VILLAGE))
    with pytest.raises(PermissionDenied):
        open_posting(officer=township_reviewer)
    posting, _ = open_posting()
    assert [s.name for s in available_steps(township_reviewer, posting)] == []
    settings.CASEWORK_TODAY = "2026-11-27"
    perform("close", posting, Actor(village_officer), {})
    with pytest.raises(ValidationError):
        objection_to(posting, village_officer)


@pytest.mark.django_db
def test_closing_many_postings_reports_each(
    open_posting, village_officer, settings, login_api, client
):
    first, _ = open_posting()
    client.force_login(village_officer)
    assert not client.get(reverse("posting-list") + "?due=true").context["page"].object_list
    settings.CASEWORK_TODAY = "2026-11-30"
    due = client.get(reverse("posting-list") + "?due=true").context["page"].object_list
    assert list(due) == [first]
    api = login_api(village_officer)
    rows = api.post("/api/v1/postings/close/", {"postings": [first.pk, 424242]}, format="json")
    assert rows.json()["results"][0] == {"posting": first.pk, "done": True, "message": "结束公示"}
    assert rows.json()["results"][1]["done"] is False
    first.refresh_from_db()
    assert first.status == "closed"
    client.force_login(village_officer)
    again = client.post(reverse("postings-close-page"), {"selected": [first.pk]}, follow=True)
    assert again.context["results"][0]["done"] is False
    assert not client.get(reverse("posting-list") + "?due=true").context["page"].object_list


@pytest.mark.django_db
def test_a_long_list_is_issued_by_a_background_job(
    open_posting,
    settings,
    immediate_tasks,
    village_officer,
    client,
    django_capture_on_commit_callbacks,
):
    settings.CASEWORK_INLINE_NOTICE_ROWS = 2
    client.force_login(village_officer)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        posting, _ = open_posting()
    assert posting.document is None and len(posting.entries.all()) == 3
    page = client.get(reverse("posting-detail", args=[posting.pk])).content.decode()
    assert "后台" in page
    for callback in pending:
        callback()
    notice = Document.objects.for_subject(posting).get()
    assert notice.kind == "posting_notice"
    page = client.get(reverse("posting-detail", args=[posting.pk])).content.decode()
    assert notice.number in page


@pytest.mark.django_db
def test_a_posting_prints_the_report_line_of_every_level(
    open_posting, regions, village_officer, login_api, client
):
    """三榜四级: the village's list names where to report at the village, the township and the
    county, from the regions' records; a level that recorded none is left out."""
    for code, phone in ((VILLAGE, "0797-5210100"), (TOWNSHIP, "0797-5210000")):
        Region.objects.filter(code=code).update(report_phone=phone)
    Region.objects.filter(code=COUNTY).update(report_phone="0797-5212345")
    posting, _results = open_posting()

    lines = [
        (line["level"], line["office"], line["phone"])
        for line in posting.document.context["report_lines"]
    ]
    assert lines == [
        ("村级", regions[VILLAGE].name, "0797-5210100"),
        ("乡镇级", regions[TOWNSHIP].name, "0797-5210000"),
        ("县级", regions[COUNTY].name, "0797-5212345"),
    ]
    with posting.document.file.open("rb") as handle:
        text = "".join(
            "".join(page.extract_text().split())
            for page in PdfReader(io.BytesIO(handle.read())).pages
        )
    assert "各级举报电话：村级" in text and "0797-5212345" in text

    client.force_login(village_officer)
    page = client.get(reverse("posting-detail", args=[posting.pk])).content.decode()
    assert "0797-5210100" in page and "0797-5212345" in page
    detail = login_api(village_officer).get(f"/api/v1/postings/{posting.pk}/").json()
    assert [line["phone"] for line in detail["report_lines"]] == [phone for *_, phone in lines]

    Region.objects.filter(code=TOWNSHIP).update(report_phone="")
    assert [line.level for line in postings.report_lines(posting)] == ["村级", "县级"]
