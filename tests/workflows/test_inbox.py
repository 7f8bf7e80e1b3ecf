"""The inbox (待办): counts per step for the officer's roles and jurisdiction, overdue flags,
the annual reviews due, and a constant number of queries as applications pile up."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from casework import clock
from casework.factories import ApplicationFactory
from casework.models import Application, ApplicationStatus
from permissions.audit import Actor
from permissions.roles import Role
from tests.casework.test_list_exports import page_table, same, workbook_rows
from tests.conftest import OTHER_TOWNSHIP_VILLAGE, VILLAGE
from workflows import inbox, processes
from workflows.transitions import move

S = ApplicationStatus


def waiting_at(status, officer, regions, count, village=VILLAGE):
    """``count`` applications moved into ``status`` (so each has its open task)."""
    before = {
        S.AWAITING_TOWNSHIP: (S.VILLAGE_POSTED, "pass_village_posting"),
        S.AWAITING_APPROVAL: (S.COUNTY_POSTED, "pass_county_posting"),
    }[status]
    made = ApplicationFactory.create_batch(
        count, applicant__region=regions[village], status=before[0], created_by=officer
    )
    with transaction.atomic():
        return [move(a, before[1], Actor(officer)) for a in made]


@pytest.mark.django_db
def test_counts_per_step_in_the_jurisdiction_with_overdue_flags(
    regions, township_reviewer, county_approver, village_officer, settings
):
    mine = waiting_at(S.AWAITING_TOWNSHIP, village_officer, regions, 3)
    waiting_at(S.AWAITING_TOWNSHIP, village_officer, regions, 2, village=OTHER_TOWNSHIP_VILLAGE)
    waiting_at(S.AWAITING_APPROVAL, village_officer, regions, 1)
    old = clock.now() - datetime.timedelta(days=settings.CASEWORK_STEP_OVERDUE_DAYS + 1)
    Application.objects.filter(pk=mine[0].pk).update(status_changed_at=old)

    rows = {row.status: row for row in inbox.application_inbox(township_reviewer)}
    assert set(rows) == {"awaiting_township", "township_checked", "township_posted"}
    assert (rows["awaiting_township"].waiting, rows["awaiting_township"].overdue) == (3, 1)
    assert inbox.inbox_count(township_reviewer) == 3
    county = {row.status: row.waiting for row in inbox.application_inbox(county_approver)}
    assert county["awaiting_approval"] == 1 and "awaiting_township" not in county

    overdue = list(inbox.waiting_applications(township_reviewer, overdue=True))
    assert overdue == [mine[0]]
    assert inbox.annual_reviews_due(township_reviewer) is None


@pytest.mark.django_db
def test_the_api_lists_tasks_and_the_summary(
    login_api, regions, township_reviewer, village_officer
):
    mine = waiting_at(S.AWAITING_TOWNSHIP, village_officer, regions, 2)
    api = login_api(township_reviewer)
    body = api.get("/api/v1/tasks/").json()
    assert body["count"] == 2
    assert {row["application"] for row in body["results"]} == {a.pk for a in mine}
    assert body["results"][0]["step"] == "awaiting_township"
    assert body["results"][0]["step_display"] == "待乡镇审核"
    assert body["results"][0]["overdue"] is False
    task = processes.open_task(Application.objects.get(pk=body["results"][0]["application"]))
    assert body["results"][0]["id"] == task.pk
    assert api.get("/api/v1/tasks/?overdue=true").json()["count"] == 0
    assert api.get("/api/v1/tasks/?step=approved").json()["count"] == 0
    summary = api.get("/api/v1/tasks/summary/").json()
    assert summary["steps"][0] == {
        "status": "awaiting_township",
        "status_display": "待乡镇审核",
        "action": "乡镇审核",
        "waiting": 2,
        "overdue": 0,
    }
    assert login_api(village_officer).get("/api/v1/tasks/").json()["count"] == 0


@pytest.mark.django_db
def test_the_inbox_page_keeps_its_queries_flat(
    client, regions, township_reviewer, village_officer, django_assert_max_num_queries
):
    waiting_at(S.AWAITING_TOWNSHIP, village_officer, regions, 3)
    client.force_login(township_reviewer)
    # Issue 30: session, officer, permissions (2), counts per step, page keys, page rows.
    with django_assert_max_num_queries(8) as few:
        page = client.get(reverse("task-inbox"))
    assert "乡镇审核" in page.content.decode()
    waiting_at(S.AWAITING_TOWNSHIP, village_officer, regions, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("task-inbox"))
    assert page.context["steps"][0].waiting == 43


@pytest.mark.django_db
def test_the_inbox_pages_count_what_its_filters_find_without_a_count_query(
    client, regions, township_reviewer, village_officer, settings, django_assert_num_queries
):
    """The page's length comes from the counts per step (no COUNT of its own), so it must
    agree with the rows the filters find."""
    mine = waiting_at(S.AWAITING_TOWNSHIP, village_officer, regions, 3)
    old = clock.now() - datetime.timedelta(days=settings.CASEWORK_STEP_OVERDUE_DAYS + 1)
    Application.objects.filter(pk=mine[0].pk).update(status_changed_at=old)
    client.force_login(township_reviewer)
    client.get(reverse("task-inbox"))  # the session and permissions, read once
    for query, count in (
        ("", 3),
        ("?overdue=true", 1),
        ("?step=awaiting_township&overdue=true", 1),
        ("?step=township_checked", 0),
    ):
        page = client.get(reverse("task-inbox") + query).context["page"]
        assert page.paginator.count == count == len(page.object_list), query
    with django_assert_num_queries(7):
        rows = client.get(reverse("task-inbox") + "?overdue=true").context["rows"]
    assert [(a.pk, overdue, step) for a, overdue, step in rows] == [
        (mine[0].pk, True, "待乡镇审核")
    ]


@pytest.mark.django_db
def test_annual_reviews_due_for_the_village_officer(client, regions, village_officer, settings):
    settings.CASEWORK_TODAY = "2027-07-02"
    ApplicationFactory.create_batch(
        2,
        applicant__region=regions[VILLAGE],
        status=S.ENROLLED,
        paid_from=datetime.date(2027, 1, 1),
        created_by=village_officer,
    )
    due = inbox.annual_reviews_due(village_officer)
    assert (due.due, due.overdue, due.deadline) == (2, True, datetime.date(2027, 6, 30))
    client.force_login(village_officer)
    listed = client.get(reverse("application-list") + "?review=due")
    assert len(listed.context["page"].object_list) == 2
    assert Application.objects.count() == 2
    page = client.get(reverse("task-inbox")).content.decode()
    assert "?review=due" in page


@pytest.mark.django_db
def test_the_inbox_list_exports_its_columns_and_only_what_waits_for_the_officer(
    client, regions, township_reviewer, village_officer, make_officer
):
    waiting = waiting_at(S.AWAITING_TOWNSHIP, village_officer, regions, 3)
    elsewhere_officer = make_officer(Role.VILLAGE_OFFICER, OTHER_TOWNSHIP_VILLAGE)
    (elsewhere,) = waiting_at(
        S.AWAITING_TOWNSHIP, elsewhere_officer, regions, 1, village=OTHER_TOWNSHIP_VILLAGE
    )
    client.force_login(township_reviewer)
    page = client.get(reverse("task-inbox"))
    table = page_table(page)
    rows = workbook_rows(client.get(page.context["export_url"]))
    assert rows[0] == table.header == [str(c.label) for c in page.context["columns"]]
    assert len(rows) == 1 + len(waiting) == 1 + len(table.rows)
    for page_row, cells in zip(table.rows, rows[1:], strict=True):
        for text, cell in zip(page_row, cells, strict=True):
            assert same(text, cell), (text, cell)
    assert elsewhere.applicant.name not in {row[0] for row in rows[1:]}
