"""Two-illegal cases from the clue to the registration decision: confidentiality (404 to an
unassigned investigator of the same county), the informant kept apart, the registration
deadline, case numbers, assignment and reassignment, and no investigator approving their own
case."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from casework.models import CaseInformant, EnforcementCase
from documents.kinds import DocumentKind
from documents.models import Document
from permissions.audit import Actor
from permissions.models import AuditEntry, CaseGrant
from permissions.roles import Role
from permissions.separation import SeparationOfDuties
from tests.conftest import COUNTY, TOWNSHIP, VILLAGE
from workflows import cases
from workflows.transitions import available_steps, perform

INFORMANT = "知情群众赵某"
CONTACT = "13900001111"


@pytest.fixture
def investigators(make_officer):
    return [make_officer(Role.INVESTIGATOR, COUNTY, username=f"investigator{n}") for n in range(3)]


@pytest.fixture
def case_approver(make_officer, offices):
    """The county's case approver; registering issues the county commission's signed form, so
    the offices exist."""
    return make_officer(Role.CASE_APPROVER, COUNTY, username="case_approver")


@pytest.fixture
def clue(login_api, investigators):
    """A clue recorded through the API by the first investigator; returns its id."""
    api = login_api(investigators[0])
    response = api.post(
        "/api/v1/cases/",
        {
            "region": TOWNSHIP,
            "source": "public_tip",
            "received_on": "2026-11-20",
            "subject": "城关镇某诊所经营者",
            "summary": "群众反映该诊所为孕妇做胎儿性别鉴定。",
            "informant_name": INFORMANT,
            "informant_contact": CONTACT,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert INFORMANT not in response.content.decode()
    return response.json()["id"]


@pytest.mark.django_db
def test_only_the_assigned_see_a_case(clue, login_api, investigators, case_approver):
    assert login_api(investigators[0]).get(f"/api/v1/cases/{clue}/").status_code == 200
    other = login_api(investigators[1])
    assert other.get(f"/api/v1/cases/{clue}/").status_code == 404
    assert other.get("/api/v1/cases/").json()["count"] == 0
    assert login_api(case_approver).get("/api/v1/cases/").json()["count"] == 1


@pytest.mark.django_db
def test_the_informant_is_kept_apart(clue, login_api, investigators, case_approver, client):
    assert CaseInformant.objects.get(case_id=clue).name == INFORMANT
    investigator = login_api(investigators[0])
    for url in ("/api/v1/cases/", f"/api/v1/cases/{clue}/"):
        assert INFORMANT not in investigator.get(url).content.decode()
    assert investigator.get(f"/api/v1/cases/{clue}/informant/").status_code == 403
    approver = login_api(case_approver)
    assert INFORMANT not in approver.get("/api/v1/cases/").content.decode()
    shown = approver.get(f"/api/v1/cases/{clue}/informant/").json()
    assert shown == {"name": INFORMANT, "contact": CONTACT, "note": ""}
    assert AuditEntry.objects.filter(action="view_informant", object_id=str(clue)).count() == 1


@pytest.mark.django_db
def test_from_clue_to_registration(clue, login_api, investigators, case_approver, settings):
    investigator = login_api(investigators[0])
    url = f"/api/v1/cases/{clue}/transitions/"
    settings.CASEWORK_TODAY = "2026-12-01"  # 7 working days after 2026-11-20 is 2026-12-01
    proposed = investigator.post(
        url + "propose_registration/", {"opinion": "线索具体，建议立案调查"}, format="json"
    )
    assert proposed.status_code == 200, proposed.json()

    approver = login_api(case_approver)
    too_few = approver.post(
        url + "register/", {"investigators": [investigators[0].pk]}, format="json"
    )
    assert too_few.status_code == 400 and "investigators" in too_few.json()["error"]["fields"]
    registered = approver.post(
        url + "register/",
        {"investigators": [investigators[1].pk, investigators[2].pk], "opinion": "同意立案"},
        format="json",
    ).json()
    assert registered["status"] == "registered"
    assert registered["number"] == "安和县卫两非〔2026〕1号"
    assert registered["decision_due"] == "2027-03-01"
    # The signed 立案审批表: the case's number, where the clue came from, the investigators.
    form = Document.objects.for_subject(EnforcementCase.objects.get(pk=clue)).get()
    assert form.kind == DocumentKind.CASE_REGISTRATION and form.title == "立案审批表"
    assert form.context["case_number"] == "安和县卫两非〔2026〕1号"
    assert form.context["source"] == "群众举报" and form.context["parties"] == []
    assert [person["name"] for person in form.context["investigators"]] == [
        str(investigators[1]),
        str(investigators[2]),
    ]
    assert form.context["proposal"] == "线索具体，建议立案调查"
    # Reassignment revoked the recorder's grant; the new investigators see it.
    assert login_api(investigators[0]).get(f"/api/v1/cases/{clue}/").status_code == 404
    assert login_api(investigators[2]).get(f"/api/v1/cases/{clue}/").status_code == 200
    assert set(CaseGrant.objects.values_list("user_id", flat=True)) == {
        investigators[1].pk,
        investigators[2].pk,
    }


@pytest.mark.django_db
def test_a_late_proposal_says_why(clue, login_api, investigators, settings):
    settings.CASEWORK_TODAY = "2026-12-02"
    api = login_api(investigators[0])
    url = f"/api/v1/cases/{clue}/transitions/propose_registration/"
    late = api.post(url, {"opinion": "建议立案"}, format="json")
    assert late.status_code == 400 and "late_reason" in late.json()["error"]["fields"]
    assert EnforcementCase.objects.get(pk=clue).status == "clue"
    ok = api.post(url, {"opinion": "建议立案", "late_reason": "举报人补充材料"}, format="json")
    assert ok.json()["late_reason"] == "举报人补充材料"


@pytest.mark.django_db
def test_an_investigator_may_not_approve_their_own_case(clue, make_officer, investigators):
    both = make_officer(Role.CASE_APPROVER, COUNTY)
    case = EnforcementCase.objects.get(pk=clue)
    cases.assign(Actor(both), case, [both, investigators[0]])
    case = perform("propose_decline", case, Actor(investigators[0]), {"opinion": "线索不实"})
    with pytest.raises(SeparationOfDuties):
        perform("decline", case, Actor(both), {"opinion": "不予立案"})
    assert EnforcementCase.objects.get(pk=clue).status == "decline_proposed"


@pytest.mark.django_db
def test_decline_and_send_back(clue, investigators, case_approver, make_officer):
    case = EnforcementCase.objects.get(pk=clue)
    case = perform("propose_decline", case, Actor(investigators[0]), {"opinion": "线索不实"})
    back = perform("return", case, Actor(case_approver), {"opinion": "再核实举报人说法"})
    assert back.status == "clue"
    assert [s.name for s in available_steps(investigators[0], back)] == [
        "propose_registration",
        "propose_decline",
    ]
    case = perform("propose_decline", back, Actor(investigators[0]), {"opinion": "查无实据"})
    declined = perform("decline", case, Actor(case_approver), {"opinion": "查无实据，不予立案"})
    assert declined.status == "declined" and declined.number is None
    other_county = make_officer(Role.INVESTIGATOR, VILLAGE)
    with pytest.raises(PermissionDenied):
        cases.record_clue(
            Actor(other_county),
            EnforcementCase(
                region_id="360921101000",
                source="hotline",
                received_on="2026-11-20",
                subject="x",
                summary="y",
            ),
        )


@pytest.mark.django_db
def test_cases_through_the_pages(client, investigators, case_approver, regions):
    client.force_login(investigators[0])
    response = client.post(
        reverse("case-create"),
        {
            "region": TOWNSHIP,
            "source": "hotline",
            "received_on": "2026-11-23",
            "subject": "某B超室",
            "summary": "热线反映有人做胎儿性别鉴定",
            "informant_name": INFORMANT,
            "informant_contact": CONTACT,
        },
        follow=True,
    )
    case = EnforcementCase.objects.get()
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("case-detail", args=[case.pk])
    assert INFORMANT not in text and CONTACT not in text
    assert INFORMANT not in client.get(reverse("case-list")).content.decode()
    assert client.get(reverse("case-informant", args=[case.pk])).status_code == 403
    client.post(
        reverse("step", args=["cases", case.pk, "propose_registration"]), {"opinion": "线索具体"}
    )
    client.force_login(investigators[1])
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 404
    client.force_login(case_approver)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "立案" in page and INFORMANT not in page
    assert INFORMANT in client.get(reverse("case-informant", args=[case.pk])).content.decode()
    bad = client.post(reverse("case-create"), {"region": TOWNSHIP})
    assert bad.status_code == 403


@pytest.mark.django_db
def test_the_inbox_counts_cases_and_flags_the_late(
    clue, login_api, investigators, case_approver, settings, client
):
    rows = {
        row["status"]: row
        for row in login_api(investigators[0]).get("/api/v1/tasks/summary/").json()["cases"]
    }
    assert (rows["clue"]["waiting"], rows["clue"]["overdue"]) == (1, 0)
    settings.CASEWORK_TODAY = "2026-12-02"
    rows = {
        row["status"]: row
        for row in login_api(investigators[0]).get("/api/v1/tasks/summary/").json()["cases"]
    }
    assert rows["clue"]["overdue"] == 1
    assert (
        login_api(investigators[1]).get("/api/v1/tasks/summary/").json()["cases"][0]["waiting"] == 0
    )
    approver_rows = login_api(case_approver).get("/api/v1/tasks/summary/").json()["cases"]
    assert [row["status"] for row in approver_rows][0] == "registration_proposed"
    client.force_login(case_approver)
    listed = client.get("/cases/?overdue=true").context["page"].object_list
    assert [case.pk for case in listed] == [clue]
    page = client.get("/tasks/").content.decode()
    assert "两非案件" in page
