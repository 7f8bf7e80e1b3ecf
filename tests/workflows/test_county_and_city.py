"""The county recheck and approval, the city filing, the recipient's years (annual review,
suspension, termination, revocation for fraud), returns to the level below, and separation of
duties between the levels."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.factories import ApplicationFactory
from casework.models import (
    AnnualReview,
    Application,
    ApplicationStatus,
    Filing,
    Program,
    ProgramStandard,
)
from permissions import audit
from permissions.audit import Actor
from permissions.models import AuditEntry
from permissions.roles import Role
from permissions.separation import SeparationOfDuties
from tests.conftest import COUNTY, VILLAGE
from workflows import bulk, recipients
from workflows.transitions import available_steps, perform

S = ApplicationStatus
RECHECK = {
    "visited_on": "2026-11-20",
    "met_in_person": "on",
    "living_children": "1",
    "children_evidence": "户口簿",
    "births_outside_policy": "0",
    "births_evidence": "计生档案",
    "opinion": "复核属实",
}


@pytest.fixture
def at(regions, village_officer):
    """An application placed at ``status`` (recorded by the village officer)."""

    def make(status, village=VILLAGE, **values):
        return ApplicationFactory(
            applicant__region=regions[village],
            status=status,
            created_by=village_officer,
            **values,
        )

    return make


def step(name, application, officer, data=None):
    return perform(name, application, Actor(officer), data or {})


def signed(application, officer, action):
    """Record that ``officer`` signed ``action`` on ``application`` (an earlier level)."""
    from django.db import transaction

    with transaction.atomic():
        audit.record(Actor(officer), action, application)


@pytest.mark.django_db
def test_the_inspector_who_rechecked_cannot_approve(at, regions, make_officer):
    both = make_officer(Role.COUNTY_INSPECTOR, COUNTY)
    both.groups.add(*make_officer(Role.COUNTY_APPROVER, COUNTY).groups.all())
    both = type(both).objects.get(pk=both.pk)
    application = at(S.RECHECKED)
    signed(application, both, "county_recheck")
    Application.objects.filter(pk=application.pk).update(status=S.AWAITING_APPROVAL)
    application = Application.objects.get(pk=application.pk)
    with pytest.raises(SeparationOfDuties) as refusal:
        step("approve", application, both)
    assert "县级复核" in str(refusal.value) or "recheck" in str(refusal.value)
    assert Application.objects.get(pk=application.pk).status == S.AWAITING_APPROVAL


@pytest.mark.django_db
def test_no_officer_signs_the_township_and_the_county(at, regions, make_officer, township_reviewer):
    application = at(S.AWAITING_COUNTY)
    signed(application, township_reviewer, "pass_township_check")
    inspector = make_officer(Role.COUNTY_INSPECTOR, COUNTY)
    signed(application, inspector, "pass_township_check")
    with pytest.raises(SeparationOfDuties):
        step("county_recheck", application, inspector, RECHECK)


@pytest.mark.django_db
def test_the_county_recheck_needs_the_facts(at, regions, county_inspector, county_approver):
    application = at(S.AWAITING_COUNTY)
    assert [s.name for s in available_steps(county_inspector, application)] == [
        "county_recheck",
        "return",
        "defer",
        "reject",
        "withdraw",
    ]
    assert "county_recheck" not in [s.name for s in available_steps(county_approver, application)]
    with pytest.raises(ValidationError):
        step("county_recheck", application, county_inspector, {**RECHECK, "births_evidence": ""})
    assert Application.objects.get(pk=application.pk).status == S.AWAITING_COUNTY


@pytest.mark.django_db
def test_returns_go_to_the_level_below(at, regions, county_approver, city_filing_officer):
    from_county = step(
        "return", at(S.AWAITING_APPROVAL), county_approver, {"opinion": "子女数不符"}
    )
    assert from_county.status == S.AWAITING_TOWNSHIP and from_county.status_reason == "子女数不符"
    from_city = step("return", at(S.APPROVED), city_filing_officer, {"opinion": "抽查不符"})
    assert from_city.status == S.AWAITING_COUNTY
    with pytest.raises(ValidationError):
        step("return", at(S.APPROVED), city_filing_officer, {"opinion": ""})


@pytest.mark.django_db
def test_bulk_approval_of_five_hundred_reports_every_row(at, regions, county_approver):
    waiting = ApplicationFactory.create_batch(
        500,
        applicant__region=regions[VILLAGE],
        status=S.AWAITING_APPROVAL,
        created_by=county_approver,
    )
    not_ready = at(S.RECHECKED)
    ids = [a.pk for a in waiting] + [not_ready.pk, 424242]
    results = bulk.run_bulk(Actor(county_approver), "approve", ids, {"opinion": "同意"}).results
    assert len(results) == 502
    assert all(r.done for r in results[:500])
    assert not results[500].done and str(S.RECHECKED.label) in results[500].message
    assert not results[501].done and results[501].message
    assert Application.objects.filter(status=S.APPROVED).count() == 500


@pytest.mark.django_db
def test_bulk_approval_refuses_each_row_for_its_own_reason(at, regions, make_officer):
    approver = make_officer(Role.COUNTY_APPROVER, COUNTY)
    approver.groups.add(*make_officer(Role.COUNTY_INSPECTOR, COUNTY).groups.all())
    approver = type(approver).objects.get(pk=approver.pk)
    ready, rechecked_by_them, other = (at(S.AWAITING_APPROVAL) for _ in range(3))
    signed(rechecked_by_them, approver, "county_recheck")
    ids = [ready.pk, rechecked_by_them.pk, ready.pk, other.pk]
    results = bulk.run_bulk(Actor(approver), "approve", ids, {"opinion": "同意"}).results
    assert [r.done for r in results] == [True, False, False, True]
    assert "须由其他工作人员签署" in results[1].message  # they signed the recheck
    assert results[2].message  # the same row twice: done once
    statuses = dict(Application.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {
        ready.pk: S.APPROVED,
        rechecked_by_them.pk: S.AWAITING_APPROVAL,
        other.pk: S.APPROVED,
    }
    approvals = AuditEntry.objects.filter(action="approve")
    assert sorted(approvals.values_list("object_id", flat=True)) == sorted(
        [str(ready.pk), str(other.pk)]
    )
    assert all(entry.opinion == "同意" for entry in approvals)


@pytest.mark.django_db
def test_bulk_approval_refuses_every_row_for_bad_input(at, county_approver):
    waiting = [at(S.AWAITING_APPROVAL) for _ in range(2)]
    ids = [a.pk for a in waiting]
    results = bulk.run_bulk(
        Actor(county_approver), "approve", ids, {"opinion": "意" * 1001}
    ).results
    assert not any(r.done for r in results) and all(r.message for r in results)
    assert not Application.objects.filter(status=S.APPROVED).exists()
    assert not AuditEntry.objects.filter(action="approve").exists()


@pytest.mark.django_db
def test_bulk_approval_costs_the_same_statements_for_ten_or_a_hundred_rows(
    at, regions, county_approver, django_assert_max_num_queries
):
    def waiting(count):
        return [
            a.pk
            for a in ApplicationFactory.create_batch(
                count,
                applicant__region=regions[VILLAGE],
                status=S.AWAITING_APPROVAL,
                created_by=county_approver,
            )
        ]

    few, many = waiting(10), waiting(100)
    bulk.run_bulk(Actor(county_approver), "approve", [at(S.AWAITING_APPROVAL).pk], {})
    with CaptureQueriesContext(connection) as counted:
        assert all(
            r.done for r in bulk.run_bulk(Actor(county_approver), "approve", few, {}).results
        )
    # A statement per kind of row, not per row: row by row, 90 more rows would be ~1,500 more
    # statements. SQLite takes at most 999 parameters a statement, so its inserts of a hundred
    # tasks and audit entries come in a few more pieces (one statement on PostgreSQL).
    with django_assert_max_num_queries(len(counted) + 12):
        assert all(
            r.done for r in bulk.run_bulk(Actor(county_approver), "approve", many, {}).results
        )


@pytest.mark.django_db
def test_filing_makes_recipients_from_the_next_period(at, regions, city_filing_officer, offices):
    special = Program.objects.get(code="special-deceased")
    assert ProgramStandard.objects.filter(program=special, period="month").exists()
    yearly = ApplicationFactory.create_batch(
        2, applicant__region=regions[VILLAGE], status=S.APPROVED, created_by=city_filing_officer
    )
    monthly = at(S.APPROVED, program=special)
    waiting = at(S.AWAITING_APPROVAL)
    ids = [a.pk for a in yearly] + [monthly.pk, waiting.pk]
    results = bulk.run_bulk(Actor(city_filing_officer), "file", ids, {"opinion": "备案"}).results
    assert [r.done for r in results] == [True, True, True, False]
    assert Filing.objects.count() == 2
    paid_from = dict(Application.objects.filter(pk__in=ids).values_list("pk", "paid_from"))
    assert paid_from[yearly[0].pk] == datetime.date(2027, 1, 1)
    assert paid_from[monthly.pk] == datetime.date(2026, 12, 1)
    assert paid_from[waiting.pk] is None


@pytest.mark.django_db
def test_annual_review_due_overdue_and_unfit(at, regions, village_officer, settings):
    settings.CASEWORK_TODAY = "2027-07-02"
    recipients_ = ApplicationFactory.create_batch(
        3,
        applicant__region=regions[VILLAGE],
        status=S.ENROLLED,
        paid_from=datetime.date(2027, 1, 1),
        created_by=village_officer,
    )
    just_filed = at(S.ENROLLED, paid_from=datetime.date(2027, 8, 1))
    assert set(Application.objects.due_for_annual_review(2027)) == set(recipients_)
    assert recipients.reviews_overdue()

    review = {"reviewed_on": "2027-07-01", "met_in_person": "on", "alive": "on"}
    with pytest.raises(ValidationError) as refusal:
        step("annual_review", recipients_[0], village_officer, review)
    assert "opinion" in refusal.value.message_dict  # not still eligible: say what was found
    unfit = step("annual_review", recipients_[0], village_officer, {**review, "opinion": "已迁出"})
    assert unfit.status == S.SUSPENDED and unfit.paid_until == datetime.date(2027, 12, 31)
    fit = {**review, "still_eligible": "on"}
    assert step("annual_review", recipients_[1], village_officer, fit).status == S.ENROLLED
    with pytest.raises(ValidationError):
        step("annual_review", recipients_[1], village_officer, fit)
    with pytest.raises(ValidationError):
        step("annual_review", recipients_[2], village_officer, {**fit, "met_in_person": ""})
    assert set(Application.objects.due_for_annual_review(2027)) == {recipients_[2]}
    assert AnnualReview.objects.count() == 2
    assert just_filed not in Application.objects.due_for_annual_review(2027)


@pytest.mark.django_db
def test_suspend_reinstate_and_terminate(at, regions, county_approver, village_officer):
    recipient = at(S.ENROLLED, paid_from=datetime.date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        step("suspend", recipient, village_officer, {"opinion": "下落不明"})
    suspended = step("suspend", recipient, county_approver, {"opinion": "下落不明"})
    assert suspended.paid_until == datetime.date(2026, 12, 31)
    reinstated = step("reinstate", suspended, county_approver)
    assert reinstated.status == S.ENROLLED and reinstated.paid_until is None
    ended = step("terminate", reinstated, county_approver, {"cause": "death", "opinion": "已故"})
    assert ended.status == S.TERMINATED and ended.paid_until == datetime.date(2026, 12, 31)
    assert available_steps(county_approver, ended)[0].name == "revoke"


@pytest.mark.django_db
def test_revocation_names_the_signers_of_the_false_steps(
    at, regions, county_approver, village_officer, township_reviewer, county_inspector, client
):
    recipient = at(S.ENROLLED, paid_from=datetime.date(2025, 1, 1))
    signed(recipient, village_officer, "apply")
    signed(recipient, village_officer, "record_visit")
    signed(recipient, township_reviewer, "pass_township_check")
    signed(recipient, county_inspector, "county_recheck")
    with pytest.raises(ValidationError) as refusal:
        step(
            "revoke",
            recipient,
            county_approver,
            {"opinion": "虚报子女数", "amount_to_recover": "-1"},
        )
    assert {"amount_to_recover", "false_steps"} <= set(refusal.value.message_dict)
    revoked = step(
        "revoke",
        recipient,
        county_approver,
        {
            "opinion": "虚报子女数",
            "amount_to_recover": "1200.00",
            "false_steps": ["village", "county_recheck"],
            "false_since": "2025-01-01",
        },
    )
    assert revoked.status == S.REVOKED and revoked.amount_to_recover_fen == 120000
    assert [(s["officer_id"], s["step"]) for s in revoked.false_signers] == [
        (village_officer.pk, "村级核实与评议"),
        (county_inspector.pk, "县级复核"),
    ]
    client.force_login(county_approver)
    page = client.get(reverse("application-detail", args=[revoked.pk])).content.decode()
    assert "1200.00" in page and str(village_officer) in page and str(county_inspector) in page
    assert str(township_reviewer) not in page.split("虚假环节签字人")[1].split("</dd>")[0]
