"""Each step is declared once, as data, and everything else is derived from the declarations:
the registry (workflows/steps.py, the one place that registers), the inbox lines and their
roles."""

import importlib
import pkgutil

import pytest

import workflows
from casework.models import Application, ApplicationStatus, CaseStatus, EnforcementCase
from documents.kinds import DocumentKind
from permissions import rules
from workflows import bulk, inbox, steps, transitions
from workflows.applications import form_rows

S = ApplicationStatus


def test_every_declaration_of_every_process_is_registered_in_one_place():
    declared = []
    for module in pkgutil.iter_modules(workflows.__path__):
        found = getattr(importlib.import_module(f"workflows.{module.name}"), "DECLARED", ())
        if module.name != "steps":
            declared += found
    assert declared, "the processes declare their steps as DECLARED"
    assert all(any(item is registered for registered in steps.DECLARED) for item in declared)
    for item in declared:
        for step in item.steps:
            assert transitions.steps_of(item.model)[step.name] is step


def test_the_inbox_lines_follow_the_steps_and_the_declared_waits_in_the_order_of_the_chain():
    lines = [(line.status, line.permission, line.flagged) for line in inbox.steps()]
    village = rules.may_work_at_village.permission
    township = rules.may_check_at_township.permission
    county = rules.may_approve_at_county.permission
    assert lines == [
        (S.SUBMITTED, village, True),
        (S.VISITED, village, True),
        (S.APPRAISED, village, True),
        (S.VILLAGE_POSTED, village, False),
        (S.AWAITING_TOWNSHIP, township, True),
        (S.TOWNSHIP_CHECKED, township, True),
        (S.TOWNSHIP_POSTED, township, False),
        (S.AWAITING_COUNTY, rules.may_recheck_at_county.permission, True),
        (S.RECHECKED, county, True),
        (S.COUNTY_POSTED, county, False),
        (S.AWAITING_APPROVAL, county, True),
        (S.APPROVED, rules.may_file_at_city.permission, True),
        (S.SUSPENDED, county, True),
    ]


def test_a_steps_inbox_line_waits_where_its_transition_starts_for_the_role_of_its_rule():
    approve = transitions.steps_of(Application)["approve"]
    line = next(line for line in inbox.steps() if line.action == approve.inbox)
    assert line.status == S.AWAITING_APPROVAL
    assert line.permission == approve.allowed.permission == "casework.approve_at_county"


def test_what_each_action_signs_is_declared_with_it_and_read_in_the_order_of_the_chain():
    signing = transitions.signing_of(Application)
    by_level = {}
    for action, signs in signing.items():
        by_level.setdefault(signs.level, []).append(action)
    assert by_level == {
        "village": ["submit", "record_visit", "apply", "appraise", "post_in_village"],
        "township": ["pass_township_check", "post_in_township"],
        "county_recheck": ["county_recheck"],
        "county_approval": ["approve", "post_in_county"],
        "city": ["file"],
    }
    approve = transitions.steps_of(Application)["approve"]
    assert signing["approve"] is approve.signs
    assert list(form_rows().values()) == [
        "申报登记",
        "村级入户核实",
        "民主评议",
        "乡镇审核",
        "县级复核",
        "县级审批",
        "市级备案",
    ]


@pytest.mark.django_db
def test_the_bulk_steps_are_offered_to_the_roles_their_rules_name(
    village_officer, township_reviewer, county_approver, city_filing_officer
):
    def offered(officer):
        return [name for name, _label in bulk.bulk_steps_for(officer)]

    either_way = ["defer", "resume", "reject"]
    assert offered(village_officer) == ["annual_review", *either_way]
    assert offered(township_reviewer) == ["township_check", "return", *either_way]
    assert offered(county_approver) == ["approve", "return", *either_way]
    assert offered(city_filing_officer) == ["file", "return", *either_way]


def test_every_declared_document_is_a_kind_the_registry_knows():
    kinds = set(DocumentKind.values)
    for item in steps.DECLARED:
        for step in item.steps:
            assert set(step.issues) <= kinds, step.name


def test_the_case_inbox_lines_follow_the_case_steps():
    lines = [(line.status, line.permission) for line in transitions.waiting_at(EnforcementCase)]
    investigate = rules.may_investigate.permission
    approve = rules.may_approve_case.permission
    assert lines == [
        (CaseStatus.CLUE, investigate),
        (CaseStatus.REGISTRATION_PROPOSED, approve),
        (CaseStatus.DECLINE_PROPOSED, approve),
        (CaseStatus.REGISTERED, investigate),
        (CaseStatus.DECISION_PROPOSED, approve),
        (CaseStatus.DECIDED, investigate),
        (CaseStatus.CLOSING_PROPOSED, approve),
    ]


def test_registering_the_declarations_again_changes_nothing():
    lines, signing = inbox.steps(), transitions.signing_of(Application)
    steps.register_all()
    assert inbox.steps() == lines
    assert transitions.signing_of(Application) == signing
