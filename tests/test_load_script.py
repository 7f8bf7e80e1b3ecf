"""The load run's parts (benchmarks/load.py, issue 8): the audit check that compares what the
clients saw with the audit log, the audit entries it reads, the officers it makes, and its
refusal of SQLite. The run itself needs gunicorn and PostgreSQL: `make load`."""

import pytest

from benchmarks.load import (
    AuditCheck,
    Transition,
    audit_entries_since,
    check_transitions,
    database_url,
    percentile,
    roster,
)
from casework.factories import ApplicationFactory, PersonFactory
from permissions.audit import Actor, ChainReport
from permissions.models import AuditChainHead
from tests.conftest import VILLAGE
from tests.fresh_process import run_python
from workflows.transitions import TransitionConflict, perform


def t(action, application, officer="a"):
    return Transition(action, application, officer)


def test_every_success_with_its_one_entry_passes():
    done = [t("approve", 1), t("pass_township_check", 2, "b"), t("appraise", 3)]
    check = check_transitions(done, [], list(done))
    assert check.ok
    assert (check.successes, check.entries) == (3, 3)


def test_a_success_without_an_audit_entry_is_lost():
    check = check_transitions([t("approve", 1), t("approve", 2)], [], [t("approve", 1)])
    assert check.lost == [t("approve", 2)]
    assert not check.ok


def test_the_same_transition_recorded_twice_is_duplicated():
    check = check_transitions([t("approve", 1)], [], [t("approve", 1), t("approve", 1, "b")])
    assert check.duplicated == [("approve", 1)]
    assert not check.ok


def test_the_same_transition_answered_200_twice_is_duplicated():
    check = check_transitions(
        [t("approve", 1), t("approve", 1, "b")], [], [t("approve", 1), t("approve", 1, "b")]
    )
    assert check.duplicated == [("approve", 1)]


def test_an_entry_no_client_saw_succeed_is_unseen():
    check = check_transitions([t("approve", 1)], [], [t("approve", 1), t("approve", 2)])
    assert check.unseen == [t("approve", 2)]
    assert not check.ok


def test_another_transition_of_the_same_application_is_not_a_match():
    check = check_transitions([t("approve", 1)], [], [t("pass_township_check", 1)])
    assert check.lost == [t("approve", 1)]
    assert check.unseen == [t("pass_township_check", 1)]


def test_an_entry_signed_by_another_officer_is_reported():
    check = check_transitions([t("approve", 1, "a")], [], [t("approve", 1, "b")])
    assert check.wrong_officer == [t("approve", 1, "a")]
    assert not check.ok


def test_a_lost_race_is_explained_by_the_winner():
    winner, loser = t("approve", 1, "a"), t("approve", 1, "b")
    assert check_transitions([winner], [loser], [winner]).ok
    # The winner may be the refused officer itself, earlier, from a list read before.
    assert check_transitions([winner], [winner], [winner]).ok


def test_a_refusal_nobody_won_is_unexplained():
    check = check_transitions([], [t("approve", 1, "b")], [])
    assert check.unexplained_refusals == [t("approve", 1, "b")]
    assert not check.ok


def test_a_broken_chain_fails_the_check():
    check = AuditCheck(successes=0, entries=0, chain=ChainReport(10, 4, "missing entry"))
    assert not check.ok
    assert "BROKEN at 4: missing entry" in "\n".join(check.lines())
    assert AuditCheck(successes=0, entries=0, chain=ChainReport(10)).ok


@pytest.mark.parametrize(("share", "expected"), [(50, 5), (95, 10), (99, 10), (10, 1), (100, 10)])
def test_percentile_is_the_nearest_rank(share, expected):
    assert percentile([float(n) for n in range(10, 0, -1)], share) == expected


def test_the_roster_spreads_fifty_officers_over_distinct_places():
    villages = [f"v{n}" for n in range(120)]
    townships = [f"t{n}" for n in range(6)]
    specs = roster(villages, townships, ["c1"], 50)
    assert len(specs) == len({s.username for s in specs}) == 50
    by_role = {}
    for spec in specs:
        by_role.setdefault(spec.role, []).append(spec.region)
    assert len(by_role["village_officer"]) == len(set(by_role["village_officer"])) == 22
    # Every township gets a reviewer before any gets a second one (a racing partner).
    assert set(by_role["township_reviewer"]) == set(townships)
    assert by_role["township_reviewer"][6:] == ["t0", "t1"]
    assert set(by_role["county_approver"]) == {"c1"}
    assert {"county_inspector", "supervisor"} <= set(by_role)


def test_sqlite_is_refused_with_a_reason():
    with pytest.raises(SystemExit, match="needs PostgreSQL"):
        database_url("sqlite:///var/casework.sqlite3", fresh=True)
    with pytest.raises(SystemExit, match="needs PostgreSQL"):
        database_url("", fresh=False)


@pytest.mark.django_db
def test_the_audit_entries_read_back_are_the_transitions_of_applications(
    regions, township_reviewer, village_officer
):
    application = ApplicationFactory(
        applicant=PersonFactory(region=regions[VILLAGE]),
        status="awaiting_township",
        created_by=village_officer,
    )
    start = AuditChainHead.objects.get(pk=1).seq
    perform("township_check", application, Actor(township_reviewer), {"opinion": "同意"})
    with pytest.raises(TransitionConflict):
        perform("township_check", application, Actor(township_reviewer), {"opinion": "同意"})
    entries = audit_entries_since(start)
    assert entries == [
        Transition("pass_township_check", application.pk, township_reviewer.username)
    ]
    done = [Transition("pass_township_check", application.pk, township_reviewer.username)]
    assert check_transitions(done, done, entries).ok


def test_the_load_runs_settings_load_with_the_project(tmp_path):
    """They import config.settings, whose package loads the Celery app: that app must not read
    the settings while they are still loading (it did, and `make load` stopped at start)."""
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.PASSWORD_HASHERS[0], settings.CASEWORK_TASK_QUEUES)"
    )
    output = run_python(script, tmp_path, DJANGO_SETTINGS_MODULE="benchmarks.load_settings")
    assert output.returncode == 0, output.stderr[-2000:]
    assert output.stdout.split()[0] == "django.contrib.auth.hashers.MD5PasswordHasher"
