"""Two county approvers approve the same application at the same moment (PostgreSQL row locks):
exactly one approval goes through, the other is refused as a conflict, and the approval is
recorded once, in the audit log and in the application's viewflow process."""

import threading
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from casework.factories import ApplicationFactory
from casework.models import Application, ApplicationStatus
from permissions.audit import Actor, verify_chain
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import COUNTY, VILLAGE
from workflows import bulk, processes, transitions
from workflows.transitions import TransitionConflict

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under concurrency need PostgreSQL"
)

# How long the approver who gets the row first keeps it locked after moving it: long enough
# for the other approver to be waiting on the lock, not merely to arrive after the commit.
HOLD_SECONDS = 0.5
# A deadlock or a lock that is never released fails the test instead of hanging it.
JOIN_TIMEOUT = 60


@pytest.fixture
def application(regions, village_officer):
    return ApplicationFactory(
        applicant__region=regions[VILLAGE],
        status=ApplicationStatus.AWAITING_APPROVAL,
        created_by=village_officer,
    )


@pytest.fixture
def approvers(make_officer):
    """Two different county approvers, so separation of duties refuses neither of them."""
    return [
        make_officer(Role.COUNTY_APPROVER, COUNTY, username=f"county_approver_{n}") for n in (1, 2)
    ]


@pytest.fixture
def lock_held_a_while(monkeypatch):
    """Every move (and bulk move) sleeps inside its transaction, after the status changed and
    while the rows are still locked (``on_move`` listeners run there); restored after the
    test."""

    def hold(*moved):
        time.sleep(HOLD_SECONDS)

    monkeypatch.setattr(transitions, "_MOVE_LISTENERS", list(transitions._MOVE_LISTENERS))
    transitions.on_move(hold, hold)


def run_together(*calls):
    """Run each call in its own thread, all released at once; what each returned or raised,
    in the order of ``calls``."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def work(index, call):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # Collected and asserted on by the caller.
            outcomes[index] = error
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=work, args=(index, call)) for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "an approval never finished"
    return outcomes


def assert_approved_once(application, by):
    """Approved, by ``by``, with one audit entry, an intact chain and one open task."""
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.APPROVED
    approvals = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=str(application.pk),
        action="approve",
    )
    assert approvals.count() == 1
    entry = approvals.get()
    assert entry.actor_id == by.pk
    assert (entry.from_state, entry.to_state) == (
        ApplicationStatus.AWAITING_APPROVAL,
        ApplicationStatus.APPROVED,
    )
    assert verify_chain().intact
    open_tasks = Task.objects.filter(
        status__in=processes.OPEN, process__artifact_object_id=application.pk
    )
    assert open_tasks.count() == 1
    assert processes.open_task(application).flow_task.name == "approved"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_approvals_one_succeeds_the_other_conflicts(
    application, approvers, lock_held_a_while
):
    def approve(officer):
        def call():
            # Each approver loads the application on its own, as two requests would.
            mine = Application.objects.get(pk=application.pk)
            return transitions.perform("approve", mine, Actor(officer), {"opinion": "同意"})

        return call

    outcomes = run_together(*(approve(officer) for officer in approvers))

    succeeded = [i for i, outcome in enumerate(outcomes) if isinstance(outcome, Application)]
    conflicted = [
        i for i, outcome in enumerate(outcomes) if isinstance(outcome, TransitionConflict)
    ]
    assert (len(succeeded), len(conflicted)) == (1, 1), outcomes
    assert outcomes[succeeded[0]].status == ApplicationStatus.APPROVED
    assert_approved_once(application, by=approvers[succeeded[0]])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_api_approvals_answer_200_and_409(
    application, approvers, lock_held_a_while
):
    def client_for(officer):
        token, _ = Token.objects.get_or_create(user=officer)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    url = f"/api/v1/applications/{application.pk}/transitions/approve/"

    def approve(client):
        return lambda: client.post(url, {"opinion": "同意"}, format="json")

    responses = run_together(*(approve(client_for(officer)) for officer in approvers))

    assert not [r for r in responses if isinstance(r, Exception)], responses
    codes = [response.status_code for response in responses]
    assert sorted(codes) == [200, 409], [response.content for response in responses]
    winner = codes.index(200)
    assert responses[winner].json()["status"] == ApplicationStatus.APPROVED
    assert responses[1 - winner].json()["error"]["code"] == "conflict"
    assert_approved_once(application, by=approvers[winner])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_bulk_approvals_approve_each_row_once(
    application, approvers, lock_held_a_while
):
    def approve(officer):
        return lambda: bulk.run_bulk(Actor(officer), "approve", [application.pk], {}).results

    outcomes = run_together(*(approve(officer) for officer in approvers))

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    done = [rows[0].done for rows in outcomes]
    assert sorted(done) == [False, True]
    assert_approved_once(application, by=approvers[done.index(True)])
