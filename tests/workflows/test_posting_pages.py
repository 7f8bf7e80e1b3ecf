"""Postings through the pages: post from the application list, object, resolve, close."""

import pytest
from django.urls import reverse

from casework.factories import ApplicationFactory
from casework.models import Application, ApplicationStatus, Objection, Posting
from permissions.roles import Role
from tests.conftest import COUNTY, VILLAGE


@pytest.mark.django_db
def test_post_object_resolve_and_close_through_the_pages(
    client, village_officer, offices, regions, settings, make_officer, django_assert_max_num_queries
):
    appraised = ApplicationFactory.create_batch(
        2,
        applicant__region=regions[VILLAGE],
        status=ApplicationStatus.APPRAISED,
        created_by=village_officer,
    )
    client.force_login(village_officer)
    response = client.post(
        reverse("posting-open"),
        {
            "selected": [a.pk for a in appraised],
            "program": "rural-reward",
            "year": "2026",
            "starts_on": "2026-11-20",
            "days": "7",
            "place": "东风村村务公开栏",
            "contact_phone": "0797-5210001",
        },
    )
    posting = Posting.objects.get()
    assert response.url == reverse("posting-detail", args=[posting.pk])
    # Each row's result waits for the application list, naming its household.
    results = client.get(reverse("application-list")).content.decode().split("逐条办理结果", 1)[1]
    for application in appraised:
        assert str(application) in results
    entry = posting.entries.first()
    client.post(
        reverse("objection-create", args=[posting.pk]),
        {
            "entry": entry.pk,
            "channel": "phone",
            "content": "反映隐瞒生育",
            "reporter_name": "李某",
            "reporter_contact": "13900000001",
            "received_on": "2026-11-21",
        },
    )
    objection = Objection.objects.get()
    page = client.get(reverse("posting-detail", args=[posting.pk])).content.decode()
    assert "反映隐瞒生育" in page and "李某" not in page
    # Before the period ends the page says when it can close instead of offering the step.
    assert "期满次日起方可结束" in page
    assert reverse("step", args=["postings", posting.pk, "close"]) not in page

    supervisor = make_officer(Role.SUPERVISOR, COUNTY)
    client.force_login(supervisor)
    assert "李某" in client.get(reverse("posting-detail", args=[posting.pk])).content.decode()

    client.force_login(village_officer)
    settings.CASEWORK_TODAY = "2026-11-27"
    response = client.post(reverse("step", args=["postings", posting.pk, "close"]), follow=True)
    assert "调查" in response.content.decode() or "investigation" in response.content.decode()
    client.post(
        reverse("step", args=["objections", objection.pk, "uphold"]),
        {"opinion": "属实", "outcome": "return"},
    )
    client.post(reverse("step", args=["postings", posting.pk, "close"]))
    posting.refresh_from_db()
    assert posting.status == "closed"
    assert sorted(Application.objects.values_list("status", flat=True)) == [
        "awaiting_township",
        "submitted",
    ]
    with django_assert_max_num_queries(9):
        client.get(reverse("posting-list"))
