"""Payment batches through the pages: build, review, bank file, return file, close; the list
and the batch page keep their queries flat."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.models import PaymentBatch
from permissions.roles import Role
from tests.conftest import COUNTY
from workflows import bank_files


@pytest.mark.django_db
def test_a_batch_through_the_pages(
    client, recipient, disburser, fund_manager, make_officer, offices, django_assert_max_num_queries
):
    for _ in range(3):
        recipient()
    client.force_login(disburser)
    page = client.get(reverse("batch-list")).content.decode()
    assert "生成发放批次" in page
    response = client.post(
        reverse("batch-build"),
        {"program": "rural-reward", "county": COUNTY, "day": "2026-11-24"},
        follow=True,
    )
    batch = PaymentBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("batch-detail", args=[batch.pk])
    text = response.content.decode()
    assert "2880.00" in text and "城关镇" in text

    client.force_login(fund_manager)
    client.post(reverse("step", args=["payments", batch.pk, "approve"]), {"opinion": "同意"})
    batch.refresh_from_db()
    assert batch.status == "approved"

    client.force_login(disburser)
    download = client.post(reverse("batch-bank-file", args=[batch.pk]), {"kind": "csv"})
    assert b"".join(download.streaming_content).decode("utf-8-sig").count("\n") == 5
    client.post(reverse("step", args=["payments", batch.pk, "mark_sent"]), {})
    batch.refresh_from_db()
    returned = bank_files.return_file_for(batch)
    bad = client.post(
        reverse("step", args=["payments", batch.pk, "import_return"]),
        {"file": SimpleUploadedFile("r.csv", returned.replace("合计".encode(), b"x"))},
        follow=True,
    )
    assert "合计" in bad.content.decode()
    client.post(
        reverse("step", args=["payments", batch.pk, "import_return"]),
        {"file": SimpleUploadedFile("r.csv", returned)},
    )
    client.post(reverse("step", args=["payments", batch.pk, "close"]), {})
    batch.refresh_from_db()
    assert batch.status == "closed"

    supervisor = make_officer(Role.SUPERVISOR, COUNTY)
    client.force_login(supervisor)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("batch-detail", args=[batch.pk])).content.decode()
    assert "6217" in page and "****" in page and "生成发放批次" not in page
    with django_assert_max_num_queries(10):
        client.get(reverse("batch-list"))


@pytest.mark.django_db
def test_building_refuses_bad_input(client, disburser):
    client.force_login(disburser)
    response = client.post(
        reverse("batch-build"),
        {"program": "rural-reward", "county": COUNTY, "day": "2026-13-01"},
        follow=True,
    )
    assert not PaymentBatch.objects.exists() and "日期" in response.content.decode()
    response = client.post(
        reverse("batch-build"),
        {"program": "rural-reward", "county": COUNTY, "day": datetime.date(2026, 5, 1)},
        follow=True,
    )
    assert "该周期没有应发放的对象" in response.content.decode()
    assert not PaymentBatch.objects.exists()
