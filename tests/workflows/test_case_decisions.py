"""Decisions per party, their approval with signed penalty decisions, execution, closing,
reopening and the deadline — through the API, each step by its role."""

import datetime

import pytest

from casework.models import CaseParty, Disposition, EnforcementCase
from documents.models import Document
from permissions.audit import Actor
from permissions.roles import Role
from permissions.separation import SeparationOfDuties
from tests.conftest import COUNTY
from tests.workflows.test_cases import (  # noqa: F401
    CONTACT,
    INFORMANT,
    case_approver,
    clue,
    investigators,
)
from workflows import case_decisions, cases
from workflows.transitions import available_steps, perform


@pytest.fixture
def registered(clue, investigators, case_approver, offices):  # noqa: F811
    case = EnforcementCase.objects.get(pk=clue)
    case = perform("propose_registration", case, Actor(investigators[0]), {"opinion": "建议立案"})
    case = perform(
        "register",
        case,
        Actor(case_approver),
        {"investigators": [investigators[0].pk, investigators[1].pk]},
    )
    for name, role, public in (("郑某", "medical_staff", True), ("某诊所", "institution", False)):
        CaseParty.objects.create(
            case=case,
            name=name,
            role=role,
            is_medical_staff=role == "medical_staff",
            public_employee=public,
            recorded_by=investigators[0],
            recorded_at=case.recorded_at,
        )
    return case


def url(case, tail=""):
    return f"/api/v1/cases/{case.pk}/{tail}"


@pytest.mark.django_db
def test_from_decisions_to_closing(login_api, registered, investigators, case_approver):  # noqa: F811
    person, clinic = registered.parties.order_by("id")
    api = login_api(investigators[0])
    fine = {
        "party": person.pk,
        "kind": "fine",
        "illegal_gains": "1200",
        "grounds": "为孕妇鉴定胎儿性别",
    }
    too_much = api.post(
        url(registered, "dispositions/"), {**fine, "amount": "50000"}, format="json"
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()["error"]["fields"]
    assert api.get(url(registered, "suggested-fine/?illegal_gains=20000")).json() == {
        "low": "40000.00",
        "high": "120000.00",
    }
    api.post(url(registered, "dispositions/"), {**fine, "amount": "30000"}, format="json")
    refused = api.post(
        url(registered, "dispositions/"),
        {"party": clinic.pk, "kind": "discipline_referral", "grounds": "x"},
        format="json",
    )
    assert "kind" in refused.json()["error"]["fields"]
    api.post(
        url(registered, "dispositions/"),
        {"party": person.pk, "kind": "discipline_referral", "grounds": "系公职人员"},
        format="json",
    )
    assert (
        api.post(url(registered, "transitions/propose_decision/"), {}, format="json").json()[
            "status"
        ]
        == "decision_proposed"
    )

    approver = login_api(case_approver)
    approved = approver.post(url(registered, "transitions/approve_decision/"), {}, format="json")
    assert approved.json()["status"] == "decided"
    decisions = Document.objects.for_subject(registered).filter(kind="case_decision")
    assert decisions.count() == 1 and decisions.get().context["decisions"] == [
        "罚款人民币30000.00元"
    ]

    api = login_api(investigators[0])
    first, second = Disposition.objects.order_by("id")
    execution = {"disposition": first.pk, "executed_on": "2026-11-24", "note": "罚款已缴清"}
    api.post(url(registered, "transitions/record_execution/"), execution, format="json")
    early = api.post(
        url(registered, "transitions/propose_closing/"), {"opinion": "已执行"}, format="json"
    )
    assert early.status_code == 400 and "1" in early.json()["error"]["message"]
    again = api.post(url(registered, "transitions/record_execution/"), execution, format="json")
    assert again.status_code == 400
    api.post(
        url(registered, "transitions/record_execution/"),
        {"disposition": second.pk, "executed_on": "2026-11-24", "note": "纪委已回执"},
        format="json",
    )
    proposed = api.post(
        url(registered, "transitions/propose_closing/"),
        {"opinion": "处理决定均已执行"},
        format="json",
    )
    assert proposed.json()["status"] == "closing_proposed"
    closed = login_api(case_approver).post(url(registered, "transitions/close/"), {}, format="json")
    assert closed.json()["status"] == "closed" and closed.json()["status_display"] == "已结案"
    assert closed.json()["available_transitions"] == ["reopen"]
    assert Document.objects.for_subject(registered).filter(kind="case_closing").count() == 1
    # The informant never reaches a document.
    for document in Document.objects.for_subject(registered):
        text = str(document.context) + str(document.public_summary)
        assert INFORMANT not in text and CONTACT not in text
    assert login_api(investigators[0]).get(url(registered)).json()["available_transitions"] == []


@pytest.mark.django_db
def test_an_assigned_approver_may_not_approve(registered, make_officer, investigators):  # noqa: F811
    both = make_officer(Role.CASE_APPROVER, COUNTY)
    cases.assign(Actor(both), registered, [both, investigators[0]])
    person = registered.parties.first()
    case_decisions.propose_measure(
        Actor(investigators[0]),
        registered,
        {"party": person.pk, "kind": "warning", "grounds": "情节轻微"},
    )
    case = perform("propose_decision", registered, Actor(investigators[0]), {})
    with pytest.raises(SeparationOfDuties):
        perform("approve_decision", case, Actor(both), {})


@pytest.mark.django_db
def test_deadline_extended_once_and_overdue(registered, case_approver, settings):  # noqa: F811
    assert registered.decision_due == datetime.date(2027, 2, 22)
    settings.CASEWORK_TODAY = "2027-02-23"
    case = EnforcementCase.objects.get(pk=registered.pk)
    assert case_decisions.is_overdue(case)
    extended = perform("extend_deadline", case, Actor(case_approver), {"opinion": "需补充鉴定"})
    assert extended.decision_due == datetime.date(2027, 3, 24) and extended.deadline_extended
    assert "extend_deadline" not in [s.name for s in available_steps(case_approver, extended)]
    assert not case_decisions.is_overdue(extended)


@pytest.mark.django_db
def test_decisions_through_the_page(client, registered, investigators, case_approver):  # noqa: F811
    person = registered.parties.first()
    client.force_login(investigators[0])
    page = client.get(f"/cases/{registered.pk}/").content.decode()
    assert "提出处理意见" in page and "10000" in page
    bad = client.post(
        f"/cases/{registered.pk}/measures/",
        {"party": person.pk, "kind": "fine", "amount": "5000", "grounds": "x"},
        follow=True,
    )
    assert "10000.00" in bad.content.decode() and not Disposition.objects.exists()
    client.post(
        f"/cases/{registered.pk}/measures/",
        {"party": person.pk, "kind": "fine", "amount": "20000", "grounds": "鉴定胎儿性别"},
    )
    client.post(f"/cases/{registered.pk}/steps/propose_decision/", {})
    client.force_login(case_approver)
    client.post(f"/cases/{registered.pk}/steps/approve_decision/", {})
    client.force_login(investigators[0])
    page = client.get(f"/cases/{registered.pk}/").content.decode()
    assert "20000.00" in page and 'name="disposition"' in page
    client.post(
        f"/cases/{registered.pk}/steps/record_execution/",
        {"disposition": Disposition.objects.get().pk, "executed_on": "2026-11-24", "note": "已缴"},
    )
    assert Disposition.objects.get().status == "executed"


@pytest.mark.django_db
def test_the_case_process_mirrors_every_status(registered, investigators, case_approver):  # noqa: F811
    from workflows.processes import open_task

    def task_name(case):
        task = open_task(case)
        return task.flow_task.name if task else None

    assert task_name(registered) == "registered"
    person = registered.parties.first()
    case_decisions.propose_measure(
        Actor(investigators[0]), registered, {"party": person.pk, "kind": "warning", "grounds": "x"}
    )
    case = perform("propose_decision", registered, Actor(investigators[0]), {})
    assert task_name(case) == "decision_proposed"
    case = perform("approve_decision", case, Actor(case_approver), {})
    assert task_name(case) == "decided"
    execution = {
        "disposition": Disposition.objects.get().pk,
        "executed_on": "2026-11-24",
        "note": "已警告",
    }
    case = perform("record_execution", case, Actor(investigators[0]), execution)
    assert task_name(case) == "decided"  # an execution keeps the status: the same task
    case = perform("propose_closing", case, Actor(investigators[0]), {"opinion": "已执行"})
    case = perform("close", case, Actor(case_approver), {})
    assert task_name(case) is None
    case = perform("reopen", case, Actor(case_approver), {"opinion": "发现新线索"})
    assert task_name(case) == "registered"
