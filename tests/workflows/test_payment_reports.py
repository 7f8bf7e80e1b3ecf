"""Paid totals (JSON and XLSX, reconciling to the fen), supervisors' findings and recoveries
through the API and the pages."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from casework.models import PaymentBatch, Recovery
from permissions.audit import Actor
from permissions.roles import Role
from tests.conftest import COUNTY, OTHER_TOWNSHIP_VILLAGE
from tests.workflows.test_payments import build
from workflows import bank_files
from workflows.transitions import perform


@pytest.fixture
def paid_batch(recipient, disburser, fund_manager, offices, regions):
    """A closed batch: three recipients in two townships, one payment failed."""
    recipient(), recipient(), recipient(village=OTHER_TOWNSHIP_VILLAGE)
    batch = build(disburser, regions[COUNTY]).batch
    perform("approve", batch, Actor(fund_manager), {})
    _type, _name, chunks = bank_files.export(Actor(disburser), batch, "csv")
    list(chunks)
    batch = perform("mark_sent", PaymentBatch.objects.get(pk=batch.pk), Actor(disburser), {})
    failing = batch.payments.order_by("id").last()
    bank_files.import_return(
        Actor(disburser), batch, bank_files.return_file_for(batch, {failing.reference: "户名不符"})
    )
    return perform("close", PaymentBatch.objects.get(pk=batch.pk), Actor(disburser), {})


@pytest.mark.django_db
def test_paid_totals_reconcile_in_json_and_xlsx(paid_batch, login_api, fund_manager, client):
    api = login_api(fund_manager)
    body = api.get("/api/v1/reports/payments/?year=2026").json()
    assert body["payments"] == 2 and body["total"] == "1920.00"
    assert [(r["township"], r["payments"]) for r in body["rows"]] == [("城关镇", 2)]
    assert api.get("/api/v1/reports/payments/?year=2025").json()["rows"] == []
    workbook = api.get("/api/v1/reports/payments/?year=2026&format=xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(workbook.content)).active.values)
    assert rows[0][0] == "扶助项目" and rows[-1] == ("合计", None, None, None, 2, "1920.00")
    client.force_login(fund_manager)
    page = client.get(reverse("paid-report") + "?year=2026").content.decode()
    assert "1920.00" in page and "东风村" in page


@pytest.mark.django_db
def test_findings_by_supervisors_only(paid_batch, login_api, fund_manager, make_officer, client):
    supervisor = make_officer(Role.SUPERVISOR, COUNTY)
    api = login_api(supervisor)
    url = f"/api/v1/payment-batches/{paid_batch.pk}/findings/"
    assert api.post(url, {"text": ""}, format="json").status_code == 400
    rows = api.post(url, {"text": "抽查3户，发放到位"}, format="json").json()
    assert [row["text"] for row in rows] == ["抽查3户，发放到位"]
    assert login_api(fund_manager).post(url, {"text": "x"}, format="json").status_code == 403
    client.force_login(supervisor)
    page = client.get(reverse("batch-detail", args=[paid_batch.pk])).content.decode()
    assert "抽查3户" in page and "登记监督意见" in page
    client.force_login(fund_manager)
    assert (
        "登记监督意见"
        not in client.get(reverse("batch-detail", args=[paid_batch.pk])).content.decode()
    )


@pytest.mark.django_db
def test_a_revocation_opens_a_recovery_repaid_through_the_api(
    paid_batch, login_api, county_approver, fund_manager, client
):
    paid = paid_batch.payments.filter(status="paid").select_related("application").first()
    application = paid.application
    revoked = perform(
        "revoke",
        application,
        Actor(county_approver),
        {
            "opinion": "虚报子女数",
            "amount_to_recover": "960.00",
            "false_steps": ["village"],
            "false_since": "2026-01-01",
        },
    )
    recovery = Recovery.objects.get(application=revoked)
    assert recovery.amount_due_fen == 96000
    api = login_api(fund_manager)
    url = f"/api/v1/recoveries/{recovery.pk}/"
    too_much = api.post(
        url + "repayments/",
        {"amount": "1000.00", "paid_on": "2026-11-20", "receipt": "收据001"},
        format="json",
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()["error"]["fields"]
    part = api.post(
        url + "repayments/",
        {"amount": "500.00", "paid_on": "2026-11-20", "receipt": "收据001"},
        format="json",
    ).json()
    assert part["outstanding"] == "460.00" and part["status"] == "open"
    client.force_login(fund_manager)
    page = client.get(reverse("application-detail", args=[application.pk])).content.decode()
    assert "460.00" in page and "收据001" in page
    client.post(
        reverse("recovery-repay", args=[recovery.pk]),
        {"amount": "460.00", "paid_on": "2026-11-21", "receipt": "收据002"},
    )
    done = api.get(url).json()
    assert done["status"] == "repaid" and done["outstanding"] == "0.00"
    assert [h["transition"] for h in done["history"]][-1] == "settle"
