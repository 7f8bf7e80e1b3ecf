"""Applications through the pages: apply, visit, bulk appraisal with per-row results."""

import datetime

import pytest
from django.urls import reverse

from casework.factories import ApplicationFactory
from casework.models import Application, ApplicationStatus
from tests.conftest import OTHER_VILLAGE, VILLAGE
from tests.workflows.test_applications import MINUTES, VISIT, person

FORM = {
    "program": "rural-reward",
    "year": "2026",
    "living_children": "1",
    "children_evidence": "户口簿",
    "births_outside_policy": "0",
    "births_evidence": "生育情况证明",
}


@pytest.mark.django_db
def test_apply_visit_and_appraise_through_the_pages(
    client, village_officer, offices, regions, django_assert_max_num_queries
):
    client.force_login(village_officer)
    applicants = [person(regions, datetime.date(1962, 4, 1 + index)) for index in range(3)]
    for applicant in applicants:
        response = client.post(
            reverse("application-create"), {**FORM, "applicant_id_number": applicant.id_number}
        )
        assert response.status_code == 302, response.context["form"].errors
    first, second, third = Application.objects.order_by("id")

    page = client.get(reverse("application-detail", args=[first.pk])).content.decode()
    assert "入户" in page or "household visit" in page
    for application in (first, second):
        client.post(reverse("step", args=["applications", application.pk, "record_visit"]), VISIT)
    # The appraisal is taken on the list, for many at once: the detail page says where.
    visited = client.get(reverse("application-detail", args=[first.pk])).content.decode()
    assert "民主评议在申请列表中对多件申请一并登记" in visited and "?status=visited" in visited

    response = client.post(
        reverse("applications-appraise-page"),
        {
            "selected": [first.pk, second.pk, third.pk],
            "held_on": "2026-11-22",
            "attendees": "村两委成员、村民代表、老党员、同龄村民",
            "representatives": "12",
            "party_members": "5",
            "peers": "4",
            "minutes": MINUTES,
            "opinion": "agree",
            "note": "",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "2" in text and ("✗" in text)
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "appraised", second.pk: "appraised", third.pk: "submitted"}
    with django_assert_max_num_queries(9):
        client.get(reverse("application-list"))


@pytest.mark.django_db
def test_the_apply_form_refuses_unknown_people_and_bad_input(
    client, village_officer, offices, regions
):
    client.force_login(village_officer)
    response = client.post(
        reverse("application-create"), {**FORM, "applicant_id_number": "360921196204010011"}
    )
    assert "applicant_id_number" in response.context["form"].errors
    response = client.post(
        reverse("application-create"),
        {
            **FORM,
            "applicant_id_number": person(regions, datetime.date(1962, 1, 1)).id_number,
            "living_children": "-1",
        },
    )
    assert "living_children" in response.context["form"].errors
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_a_refused_visit_is_explained_on_the_page(client, village_officer, offices, regions):
    client.force_login(village_officer)
    applicant = person(regions, datetime.date(1970, 1, 1))
    client.post(reverse("application-create"), {**FORM, "applicant_id_number": applicant.id_number})
    application = Application.objects.get()
    response = client.post(
        reverse("step", args=["applications", application.pk, "record_visit"]), VISIT, follow=True
    )
    assert "1970" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_the_list_finds_applications_by_the_applicants_name_or_id_number(
    client, login_api, county_approver, village_officer, regions, django_assert_max_num_queries
):
    def applied(region, name):
        return ApplicationFactory(
            applicant__region=region, applicant__name=name, created_by=village_officer
        )

    wang = applied(regions[VILLAGE], "王建华")
    wanghong = applied(regions[OTHER_VILLAGE], "王红")
    li = applied(regions[VILLAGE], "李秀英")

    def listed(q, officer=county_approver):
        client.force_login(officer)
        api = login_api(officer)
        with django_assert_max_num_queries(9):
            page = client.get(reverse("application-list"), {"q": q}).context["page"]
        by_api = api.get("/api/v1/applications/", {"q": q}).json()["results"]
        assert {row["id"] for row in by_api} == {a.pk for a in page.object_list}
        return set(page.object_list)

    assert listed("王") == {wang, wanghong}
    assert listed("王建华") == {wang}
    assert listed(li.applicant.id_number) == {li}
    assert listed(li.applicant.id_number[:17]) == {li}
    assert listed(VILLAGE[:6]) == {wang, wanghong, li}
    assert listed("无此人") == set()
    # Only within the officer's jurisdiction: 王红 lives in the other village.
    assert listed("王", officer=village_officer) == {wang}
