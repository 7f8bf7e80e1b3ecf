"""The village stage of a reward application: apply, visit, appraisal in bulk, and the refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casework.eligibility import Fact
from casework.factories import PersonFactory, synthetic_id_number
from casework.models import (
    Application,
    ApplicationStatus,
    Appraisal,
    FactSource,
    HouseholdVisit,
    Hukou,
    Program,
)
from casework.models.applications import ALL_CHECKS
from documents.models import Document
from permissions.audit import Actor
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import OTHER_VILLAGE, VILLAGE
from workflows import applications
from workflows.transitions import available_steps, history, perform, steps_of

_SEQUENCE = iter(range(1, 10_000))
DECLARED = {
    "living_children": Fact(1, "户口簿"),
    "births_outside_policy": Fact(0, "生育情况证明"),
}
VISIT = {
    "visited_on": "2026-11-20",
    "met_in_person": "on",
    "living_children": "1",
    "children_evidence": "户口簿、村委会证明",
    "births_outside_policy": "0",
    "births_evidence": "计生档案",
    "checklist": list(ALL_CHECKS),
    "opinion": "入户核实，情况属实",
}
MINUTES = "逐户介绍入户核实情况，与会人员无异议，一致同意。"


def person(regions, born, *, village=VILLAGE, male=True, hukou=Hukou.RURAL):
    number = synthetic_id_number(village, born, 300 + next(_SEQUENCE), male=male)
    return PersonFactory(region=regions[village], id_number=number, hukou=hukou)


@pytest.fixture
def rural_reward(db):
    return Program.objects.get(code="rural-reward")


@pytest.fixture
def apply(regions, offices, village_officer, rural_reward):
    def run(
        born=datetime.date(1965, 3, 1), officer=None, declared=DECLARED, village=VILLAGE, **values
    ):
        applicant = person(regions, born, village=village)
        application = Application(program=rural_reward, year=2026, applicant=applicant, **values)
        return applications.apply(Actor(officer or village_officer), application, declared)

    return run


def step(name, application, officer, data):
    return perform(name, application, Actor(officer), data)


@pytest.mark.django_db
def test_apply_submits_and_issues_the_declaration_form(apply, village_officer):
    application = apply()
    assert application.status == ApplicationStatus.SUBMITTED
    form = Document.objects.for_subject(application).get()
    assert form.kind == "application_form" and form.region_id == VILLAGE
    assert set(application.facts.values_list("source", flat=True)) == {FactSource.DECLARED}
    names = [s.name for s in available_steps(village_officer, application)]
    assert names == ["record_visit", "defer", "reject", "withdraw"]
    assert [h["transition"] for h in history(application)] == ["apply", "submit"]


@pytest.mark.django_db
def test_a_visit_with_every_fact_met_moves_on(apply, village_officer):
    application = step("record_visit", apply(), village_officer, VISIT)
    assert application.status == ApplicationStatus.VISITED
    visit = HouseholdVisit.objects.get(application=application)
    assert visit.met_in_person and visit.officer == village_officer
    assert application.facts.filter(source=FactSource.VILLAGE_VISIT).count() == 2
    assert applications.assessment_of(application).eligible


@pytest.mark.django_db
def test_an_unknown_fact_never_passes(apply, village_officer):
    application = apply(declared={})
    with pytest.raises(ValidationError) as refusal:
        step("record_visit", application, village_officer, {**VISIT, "births_evidence": ""})
    assert "暂缓" in str(refusal.value) or "Defer" in str(refusal.value)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not HouseholdVisit.objects.exists()
    assert not application.facts.filter(source=FactSource.VILLAGE_VISIT).exists()


@pytest.mark.django_db
def test_an_ineligible_applicant_is_refused(apply, village_officer):
    application = apply(born=datetime.date(1967, 1, 1))
    with pytest.raises(ValidationError) as refusal:
        step("record_visit", application, village_officer, VISIT)
    assert "1967" in str(refusal.value)


@pytest.mark.django_db
def test_a_visit_must_meet_the_applicant(apply, village_officer):
    with pytest.raises(ValidationError) as refusal:
        step("record_visit", apply(), village_officer, {**VISIT, "met_in_person": ""})
    assert "met_in_person" in refusal.value.message_dict


@pytest.mark.django_db
def test_defer_and_resume_where_it_stopped(apply, village_officer):
    application = step("record_visit", apply(), village_officer, VISIT)
    application = step("defer", application, village_officer, {"opinion": "婚史不清"})
    assert (
        application.status == ApplicationStatus.DEFERRED and application.deferred_from == "visited"
    )
    application = step("resume", application, village_officer, {})
    assert application.status == ApplicationStatus.VISITED


@pytest.mark.django_db
def test_reject_issues_the_not_confirmed_notice(apply, village_officer):
    application = step("reject", apply(), village_officer, {"opinion": "有政策外生育"})
    assert application.status == ApplicationStatus.REJECTED
    kinds = set(Document.objects.for_subject(application).values_list("kind", flat=True))
    assert kinds == {"application_form", "not_confirmed_notice"}


@pytest.mark.django_db
def test_refusals_for_role_place_and_duplicates(
    apply, township_reviewer, make_officer, rural_reward
):
    with pytest.raises(PermissionDenied):
        apply(officer=township_reviewer)
    other_village = make_officer(Role.VILLAGE_OFFICER, OTHER_VILLAGE)
    with pytest.raises(ValidationError) as refusal:  # the applicant is beyond their reach
        apply(officer=other_village)
    assert "applicant" in refusal.value.message_dict
    application = apply()
    with pytest.raises(PermissionDenied):
        step("record_visit", application, other_village, VISIT)
    duplicate = Application(program=rural_reward, year=2026, applicant=application.applicant)
    with pytest.raises(ValidationError) as refusal:
        applications.apply(Actor(application.created_by), duplicate, {})
    assert "applicant" in refusal.value.message_dict


@pytest.mark.django_db
def test_a_bulk_appraisal_reports_each_row(apply, village_officer, regions, make_officer):
    agreed, unclear, refused = (
        step("record_visit", apply(), village_officer, VISIT) for _ in range(3)
    )
    not_visited = apply()
    other_village = make_officer(Role.VILLAGE_OFFICER, OTHER_VILLAGE)
    elsewhere = apply(village=OTHER_VILLAGE, officer=other_village)
    appraisal, results = applications.record_appraisal(
        Actor(village_officer),
        held_on=datetime.date(2026, 11, 22),
        attendees="村民代表张三等",
        attendees_by_kind={"representatives": 15, "party_members": 4, "peers": 4},
        minutes=MINUTES,
        opinions={
            agreed.pk: ("agree", ""),
            unclear.pk: ("unclear", "婚史需进一步核实"),
            refused.pk: ("disagree", "群众反映有政策外生育"),
            not_visited.pk: ("agree", ""),
            elsewhere.pk: ("agree", ""),
        },
    )
    outcome = {row.id: row.done for row in results}
    assert outcome == {
        agreed.pk: True,
        unclear.pk: True,
        refused.pk: True,
        not_visited.pk: False,
        elsewhere.pk: False,
    }
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[agreed.pk] == "appraised" and statuses[unclear.pk] == "deferred"
    assert statuses[refused.pk] == "rejected" and statuses[not_visited.pk] == "submitted"
    assert appraisal.entries.count() == 3 and appraisal.attendee_count == 23
    assert AuditEntry.objects.filter(action="appraise", object_id=str(agreed.pk)).exists()


@pytest.mark.django_db
def test_an_appraisal_needs_its_meeting_facts(village_officer):
    with pytest.raises(ValidationError):
        applications.record_appraisal(
            Actor(village_officer),
            held_on=datetime.date(2026, 11, 22),
            attendees="",
            attendees_by_kind={},
            minutes=MINUTES,
            opinions={},
        )
    with pytest.raises(ValidationError):
        applications.record_appraisal(
            Actor(village_officer),
            held_on=datetime.date(2027, 1, 1),
            attendees="x",
            attendees_by_kind={"representatives": 3},
            minutes=MINUTES,
            opinions={},
        )
    assert not Appraisal.objects.exists()


@pytest.mark.django_db
def test_a_bulk_appraisal_of_five_hundred_reports_every_row(regions, village_officer):
    from casework.factories import ApplicationFactory

    visited = ApplicationFactory.create_batch(
        500,
        applicant__region=regions[VILLAGE],
        status=ApplicationStatus.VISITED,
        created_by=village_officer,
    )
    not_yet = visited[7]
    Application.objects.filter(pk=not_yet.pk).delete()
    not_yet = ApplicationFactory(applicant__region=regions[VILLAGE], created_by=village_officer)
    opinions = {application.pk: ("agree", "") for application in visited}
    opinions[not_yet.pk] = ("agree", "")

    _appraisal, results = applications.record_appraisal(
        Actor(village_officer),
        held_on=datetime.date(2026, 11, 22),
        attendees="全体村民代表",
        attendees_by_kind={"representatives": 45},
        minutes=MINUTES,
        opinions=opinions,
    )
    refused = [row for row in results if not row.done]
    assert len(results) == 501 and len(refused) == 2  # the deleted id and the unvisited one
    assert Application.objects.filter(status=ApplicationStatus.APPRAISED).count() == 499


@pytest.mark.django_db
def test_a_step_issues_the_documents_it_declares_and_its_form_names_them(
    apply, village_officer, client
):
    """Submitting issues the 审批表 and rejecting the 不予确认告知书, as their declarations
    say; the step's form on the page tells the officer before they take it."""
    application = apply()
    submit, reject = (steps_of(Application)[name] for name in ("submit", "reject"))
    assert {document.kind for document in Document.objects.for_subject(application)} == set(
        submit.issues
    )

    client.force_login(village_officer)
    page = client.get(reverse("application-detail", args=[application.pk])).content.decode()
    assert f"签发文书： {'、'.join(reject.issued)}" in page

    step("reject", application, village_officer, {"opinion": "经核实有政策外生育"})
    kinds = {document.kind for document in Document.objects.for_subject(application)}
    assert kinds == set(submit.issues) | set(reject.issues)
