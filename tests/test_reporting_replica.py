"""With a read replica configured, the reports read from it and nothing else does."""

import copy

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

from casework.models import PaymentBatch
from casework.replica import REPLICA, reporting_database
from permissions.audit import Actor
from permissions.roles import Role
from tests.conftest import COUNTY
from tests.workflows.test_payments import build
from workflows import bank_files
from workflows.transitions import perform


@pytest.fixture(scope="module")
def replica(django_db_setup):
    """A ``replica`` alias on the test database, as TEST MIRROR makes it when
    CASEWORK_REPLICA_URL is set; added before the test case is set up, so the test may use it."""
    connections.settings[REPLICA] = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", REPLICA])
def test_the_reports_read_from_the_replica(
    replica, recipient, disburser, fund_manager, offices, regions, login_api, make_officer
):
    assert reporting_database() == REPLICA
    recipient(), recipient()
    batch = build(disburser, regions[COUNTY]).batch
    perform("approve", batch, Actor(fund_manager), {})
    list(bank_files.export(Actor(disburser), batch, "csv")[2])
    batch = perform("mark_sent", PaymentBatch.objects.get(pk=batch.pk), Actor(disburser), {})
    with CaptureQueriesContext(replica) as steps_on_replica:
        bank_files.import_return(Actor(disburser), batch, bank_files.return_file_for(batch))
    # A step reads what it changes from the primary, never from a replica that may lag.
    assert steps_on_replica.captured_queries == []

    api = login_api(fund_manager)
    with CaptureQueriesContext(replica) as on_replica:
        body = api.get("/api/v1/reports/payments/?year=2026").json()
    assert body["payments"] == 2 and body["total"] == "1920.00"
    assert any("casework_payment" in query["sql"] for query in on_replica.captured_queries)

    supervisor = login_api(make_officer(Role.SUPERVISOR, COUNTY))
    with CaptureQueriesContext(replica) as on_replica:
        report = supervisor.get(f"/api/v1/reports/enforcement/?year=2026&region={COUNTY}")
    assert report.status_code == 200 and report.json()["total"]["cases_handled"] == 0
    assert any("casework_enforcementcase" in q["sql"] for q in on_replica.captured_queries)
