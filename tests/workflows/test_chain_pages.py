"""One application from apply to enrolment through the pages, each step by the role that owns
it, in Chinese; the timeline names every step and the list keeps its queries flat."""

import datetime

import pytest
from django.urls import reverse

from casework.models import Application, ApplicationStatus, Posting
from permissions.models import AuditEntry
from tests.workflows.test_application_pages import FORM
from tests.workflows.test_applications import MINUTES, VISIT, person

POSTING = {"program": "rural-reward", "year": "2026", "days": "7", "contact_phone": "0797-5210001"}


def post_list(client, pk, starts_on, place):
    response = client.post(
        reverse("posting-open"),
        {**POSTING, "selected": [pk], "starts_on": starts_on, "place": place},
    )
    assert response.status_code == 302
    return Posting.objects.latest("id")


def close(client, posting):
    response = client.post(reverse("step", args=["postings", posting.pk, "close"]), follow=True)
    assert "已办理" in response.content.decode() or "Done" in response.content.decode()


def status_of(pk):
    return Application.objects.get(pk=pk).status


@pytest.mark.django_db
def test_apply_to_enrolment_through_the_pages(
    client,
    settings,
    regions,
    offices,
    village_officer,
    township_reviewer,
    county_inspector,
    county_approver,
    city_filing_officer,
    django_assert_max_num_queries,
):
    settings.CASEWORK_TODAY = "2026-11-02"
    applicant = person(regions, datetime.date(1962, 6, 1))
    client.force_login(village_officer)
    client.post(reverse("application-create"), {**FORM, "applicant_id_number": applicant.id_number})
    pk = Application.objects.get().pk
    client.post(
        reverse("step", args=["applications", pk, "record_visit"]),
        {**VISIT, "visited_on": "2026-11-02"},
    )
    client.post(
        reverse("applications-appraise-page"),
        {
            "selected": [pk],
            "held_on": "2026-11-02",
            "attendees": "村两委成员、村民代表、老党员、同龄村民",
            "representatives": "12",
            "party_members": "5",
            "peers": "4",
            "minutes": MINUTES,
            "opinion": "agree",
        },
    )
    village = post_list(client, pk, "2026-11-02", "东风村村务公开栏")
    assert village.level == "village" and status_of(pk) == "village_posted"
    settings.CASEWORK_TODAY = "2026-11-09"
    close(client, village)

    client.force_login(township_reviewer)
    page = client.get(reverse("application-list")).content.decode()
    assert "乡镇审核" in page and "批量办理" in page
    client.post(
        reverse("applications-bulk-page"),
        {"selected": [pk], "step": "township_check", "opinion": "同意上报"},
    )
    township = post_list(client, pk, "2026-11-09", "城关镇政务公开栏")
    assert township.level == "township" and township.region_id == "360921100000"
    settings.CASEWORK_TODAY = "2026-11-16"
    close(client, township)
    assert status_of(pk) == ApplicationStatus.AWAITING_COUNTY

    client.force_login(county_inspector)
    detail = client.get(reverse("application-detail", args=[pk])).content.decode()
    assert "登记县级复核" in detail
    client.post(
        reverse("step", args=["applications", pk, "county_recheck"]),
        {**VISIT, "visited_on": "2026-11-16", "opinion": "县级复核属实"},
    )
    assert status_of(pk) == ApplicationStatus.RECHECKED

    client.force_login(county_approver)
    county = post_list(client, pk, "2026-11-16", "安和县政府公开栏")
    assert county.level == "county"
    settings.CASEWORK_TODAY = "2026-11-23"
    close(client, county)
    response = client.post(
        reverse("applications-bulk-page"),
        {"selected": [pk], "step": "approve", "opinion": "同意"},
        follow=True,
    )
    approved = str(Application.objects.get(pk=pk))
    assert response.context["results"] == [
        {"application": pk, "done": True, "message": "批准", "label": approved}
    ]
    assert status_of(pk) == ApplicationStatus.APPROVED

    client.force_login(city_filing_officer)
    client.post(reverse("step", args=["applications", pk, "file"]), {"opinion": "备案"})
    assert status_of(pk) == ApplicationStatus.ENROLLED

    settings.CASEWORK_TODAY = "2027-02-01"
    client.force_login(village_officer)
    inbox = client.get(reverse("task-inbox")).content.decode()
    assert "2027年度年审" in inbox
    client.post(
        reverse("applications-bulk-page"),
        {
            "selected": [pk],
            "step": "annual_review",
            "reviewed_on": "2027-02-01",
            "met_in_person": "on",
            "alive": "on",
            "still_eligible": "on",
        },
    )
    assert Application.objects.get(pk=pk).annual_reviews.get().year == 2027

    timeline = client.get(reverse("application-detail", args=[pk])).content.decode()
    for label in ("入户核实", "乡镇审核", "县级复核", "县级审批", "市级备案", "年审"):
        assert label in timeline
    assert (
        AuditEntry.objects.filter(object_id=str(pk), content_type__model="application").count()
        == 15
    )
    with django_assert_max_num_queries(10):
        client.get(reverse("application-list"))
