"""The township check: pass, return, defer, reject; in bulk with per-row results; and the
separation of duties between the village and the township levels."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from casework.factories import ApplicationFactory
from casework.models import Application, ApplicationStatus
from permissions import audit
from permissions.audit import Actor
from permissions.roles import Role
from permissions.separation import LEVEL_NAMES, SeparationOfDuties
from tests.conftest import OTHER_TOWNSHIP, TOWNSHIP, VILLAGE
from workflows import reviews
from workflows.transitions import available_steps, perform, perform_many


@pytest.fixture
def waiting(regions, village_officer):
    return ApplicationFactory.create_batch(
        4,
        applicant__region=regions[VILLAGE],
        status=ApplicationStatus.AWAITING_TOWNSHIP,
        created_by=village_officer,
    )


@pytest.mark.django_db
def test_the_township_reviewer_passes_returns_defers_and_rejects(
    waiting, township_reviewer, village_officer, offices
):
    names = [s.name for s in available_steps(township_reviewer, waiting[0])]
    assert names == ["township_check", "return", "defer", "reject", "withdraw"]
    assert available_steps(village_officer, waiting[0]) == []

    results = reviews.record_township_checks(
        Actor(township_reviewer),
        {
            waiting[0].pk: ("pass", "同意上报"),
            waiting[1].pk: ("return", "子女情况需重新核实"),
            waiting[2].pk: ("defer", "婚史待查"),
            waiting[3].pk: ("reject", ""),
            424242: ("pass", ""),
        },
    )
    assert [r.done for r in results] == [True, True, True, False, False]
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[waiting[0].pk] == "township_checked"
    assert statuses[waiting[1].pk] == "submitted"
    assert statuses[waiting[2].pk] == "deferred"
    assert statuses[waiting[3].pk] == "awaiting_township"  # a rejection needs its reason

    deferred = Application.objects.get(pk=waiting[2].pk)
    assert [s.name for s in available_steps(township_reviewer, deferred)] == [
        "resume",
        "reject",
        "withdraw",
    ]
    resumed = perform("resume", deferred, Actor(township_reviewer), {})
    assert resumed.status == ApplicationStatus.AWAITING_TOWNSHIP


@pytest.mark.django_db
def test_an_officer_who_signed_at_the_village_cannot_check_at_the_township(
    waiting, village_officer, regions, django_user_model
):

    application = waiting[0]

    with transaction.atomic():
        audit.record(Actor(village_officer), "record_visit", application)
    # The same officer, transferred to the township as a reviewer.
    village_officer.groups.set([Group.objects.get(name=Role.TOWNSHIP_REVIEWER.value)])
    village_officer.jurisdiction = regions[TOWNSHIP]
    village_officer.save()
    officer = django_user_model.objects.get(pk=village_officer.pk)

    with pytest.raises(SeparationOfDuties):
        perform("township_check", application, Actor(officer), {"opinion": "同意"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.AWAITING_TOWNSHIP


@pytest.mark.django_db
def test_a_bulk_township_check_refuses_only_the_rows_the_officer_signed_below(
    waiting, village_officer, regions, django_user_model
):
    """The level a step signs is checked for every row of a bulk run at once: the row the
    officer signed at the village is refused with the reason, the others pass."""
    signed, other = waiting[0], waiting[1]
    with transaction.atomic():
        audit.record(Actor(village_officer), "appraise", signed)
    village_officer.groups.set([Group.objects.get(name=Role.TOWNSHIP_REVIEWER.value)])
    village_officer.jurisdiction = regions[TOWNSHIP]
    village_officer.save()
    officer = django_user_model.objects.get(pk=village_officer.pk)

    results = perform_many(
        "township_check",
        {signed.pk: signed, other.pk: other},
        [signed.pk, other.pk],
        Actor(officer),
        {"opinion": "同意"},
    )

    assert [(row.id, row.done) for row in results] == [(signed.pk, False), (other.pk, True)]
    assert str(LEVEL_NAMES["village"]) in results[0].message
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[signed.pk] == ApplicationStatus.AWAITING_TOWNSHIP
    assert statuses[other.pk] == ApplicationStatus.TOWNSHIP_CHECKED


@pytest.mark.django_db
def test_another_township_gets_404_and_the_api_reports_rows(
    waiting, make_officer, login_api, township_reviewer
):
    other = login_api(make_officer(Role.TOWNSHIP_REVIEWER, OTHER_TOWNSHIP))
    assert other.get(f"/api/v1/applications/{waiting[0].pk}/").status_code == 404
    rows = other.post(
        "/api/v1/applications/township_check/",
        {"entries": [{"application": waiting[0].pk, "decision": "pass"}]},
        format="json",
    ).json()["results"]
    assert rows == [{"application": waiting[0].pk, "done": False, "message": rows[0]["message"]}]

    api = login_api(township_reviewer)
    rows = api.post(
        "/api/v1/applications/township_check/",
        {
            "entries": [
                {"application": w.pk, "decision": "pass", "opinion": "同意"} for w in waiting
            ]
        },
        format="json",
    ).json()["results"]
    assert all(row["done"] for row in rows)
    bad = api.post(
        "/api/v1/applications/township_check/",
        {"entries": [{"application": 1, "decision": "maybe"}]},
        format="json",
    )
    assert bad.status_code == 400


@pytest.mark.django_db
def test_the_township_check_through_the_list_page(client, waiting, township_reviewer):
    client.force_login(township_reviewer)
    page = client.get(reverse("application-list")).content.decode()
    assert reverse("applications-bulk-page") in page
    response = client.post(
        reverse("applications-bulk-page"),
        {"selected": [w.pk for w in waiting[:2]], "step": "township_check", "opinion": "同意上报"},
        follow=True,
    )
    assert response.status_code == 200
    assert Application.objects.filter(status="township_checked").count() == 2
    # Each row of the results names its household, linked to the application.
    results = response.content.decode().split("逐条办理结果", 1)[1].split("</table>", 1)[0]
    for application in waiting[:2]:
        detail = reverse("application-detail", args=[application.pk])
        assert f'<a href="{detail}">{application}</a>' in results
