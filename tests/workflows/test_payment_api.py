"""Payment batches through the API, each step by its role; account numbers whole only for the
fund and disbursement roles; another county's batch is not found."""

import io

import pytest

from casework.factories import RegionFactory
from casework.models import PaymentBatch
from permissions.factories import OfficerFactory
from permissions.roles import Role
from tests.conftest import COUNTY
from tests.workflows.test_payments import build
from workflows import bank_files


@pytest.mark.django_db
def test_a_batch_from_build_to_close(
    login_api, recipient, disburser, fund_manager, make_officer, offices
):
    applications = [recipient() for _ in range(2)]
    api = login_api(disburser)
    built = api.post(
        "/api/v1/payment-batches/",
        {"program": "rural-reward", "county": COUNTY, "day": "2026-11-24"},
        format="json",
    )
    assert built.status_code == 201, built.json()
    body = built.json()
    assert body["payment_count"] == 2 and body["total"] == "1920.00"
    assert body["changes"]["new"] == 2 and body["by_village"][0]["payments"] == 2
    batch_id = body["id"]
    again = api.post(
        "/api/v1/payment-batches/",
        {"program": "rural-reward", "county": COUNTY, "day": "2026-06-01"},
        format="json",
    )
    assert again.status_code == 400 and again.json()["error"]["code"] == "invalid"

    refused = api.post(
        f"/api/v1/payment-batches/{batch_id}/transitions/approve/", {}, format="json"
    )
    assert refused.status_code == 403
    manager = login_api(fund_manager)
    approved = manager.post(
        f"/api/v1/payment-batches/{batch_id}/transitions/approve/",
        {"opinion": "同意"},
        format="json",
    )
    assert approved.json()["status"] == "approved"

    api = login_api(disburser)
    download = api.post(f"/api/v1/payment-batches/{batch_id}/bank-file/", {}, format="json")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    assert content.splitlines()[-1].startswith("合计,2,") and "1920.00" in content
    xlsx = api.post(
        f"/api/v1/payment-batches/{batch_id}/bank-file/", {"kind": "xlsx"}, format="json"
    )
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sent = api.post(f"/api/v1/payment-batches/{batch_id}/transitions/mark_sent/", {}, format="json")
    assert sent.json()["status"] == "sent"

    returned = bank_files.return_file_for(PaymentBatch.objects.get(pk=batch_id))
    bad = api.post(
        f"/api/v1/payment-batches/{batch_id}/bank-return/",
        {"file": io.BytesIO(returned.replace(b"1920.00", b"1910.00"))},
        format="multipart",
    )
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["file"]
    imported = api.post(
        f"/api/v1/payment-batches/{batch_id}/bank-return/",
        {"file": io.BytesIO(returned)},
        format="multipart",
    )
    summary = imported.json()
    assert (summary["paid"], summary["failed"], summary["paid_fen"]) == (2, 0, 192000)
    assert summary["letters_job"]
    closed = api.post(f"/api/v1/payment-batches/{batch_id}/transitions/close/", {}, format="json")
    assert closed.json()["status"] == "closed"
    assert [h["transition"] for h in closed.json()["history"]] == [
        "build",
        "approve",
        "export",
        "export",
        "mark_sent",
        "import_return",
        "close",
    ]

    rows = api.get(f"/api/v1/payment-batches/{batch_id}/payments/").json()["results"]
    assert rows[0]["account_number"].isdigit() and rows[0]["status"] == "paid"
    supervisor = login_api(make_officer(Role.SUPERVISOR, COUNTY))
    masked = supervisor.get(f"/api/v1/payment-batches/{batch_id}/payments/").json()["results"]
    assert "*" in masked[0]["account_number"]
    assert {r["application"] for r in masked} == {a.pk for a in applications}
    assert (
        supervisor.post(
            f"/api/v1/payment-batches/{batch_id}/follow-up/", {}, format="json"
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_another_countys_batch_is_not_found(login_api, recipient, disburser, regions):
    recipient()
    batch = build(disburser, regions[COUNTY]).batch
    elsewhere = RegionFactory(code="360922000000", name="邻县")
    other = login_api(OfficerFactory(roles=[Role.DISBURSEMENT_OFFICER], jurisdiction=elsewhere))
    assert other.get(f"/api/v1/payment-batches/{batch.pk}/").status_code == 404
    assert other.get("/api/v1/payment-batches/").json()["count"] == 0
    assert login_api(disburser).get("/api/v1/payment-batches/").json()["count"] == 1
