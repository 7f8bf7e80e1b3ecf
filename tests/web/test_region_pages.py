"""Administrators record their regions' report lines (举报电话), which the postings print:
the list and its filters, the edit page, bad input, and other jurisdictions and roles."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from casework.models import Region
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import COUNTY, OTHER_TOWNSHIP, TOWNSHIP, VILLAGE


@pytest.fixture
def township_administrator(make_officer):
    return make_officer(Role.ADMINISTRATOR, TOWNSHIP)


@pytest.mark.django_db
def test_an_administrator_records_a_report_line_with_its_audit_entry(
    client, township_administrator
):
    client.force_login(township_administrator)
    response = client.post(
        reverse("region-edit", args=[VILLAGE]), {"report_phone": " 0797-521 0100 "}
    )
    assert response.status_code == 302 and response.url == reverse("region-list")
    assert Region.objects.get(code=VILLAGE).report_phone == "0797-521 0100"
    entry = AuditEntry.objects.get(action="record_report_phone")
    assert entry.data == {"before": "", "after": "0797-521 0100"}

    page = client.get(reverse("region-list"), {"missing": "1"}).content.decode()
    assert "0797-521 0100" not in page  # it has one now
    listed = client.get(reverse("region-list"), {"q": VILLAGE[:9], "level": "village"})
    assert "0797-521 0100" in listed.content.decode()
    workbook = client.get(reverse("region-list"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active.values)
    assert rows[0] == ("代码", "区域", "级别", "举报电话")
    assert (VILLAGE, Region.objects.get(code=VILLAGE).name, "村", "0797-521 0100") in rows


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["举报电话", "0797", "12345678901234567890123456789012345678901"])
def test_what_is_not_a_telephone_number_is_refused_and_nothing_changes(
    client, township_administrator, phone
):
    client.force_login(township_administrator)
    response = client.post(reverse("region-edit", args=[VILLAGE]), {"report_phone": phone})
    assert response.status_code == 200
    assert response.context["form"].errors["report_phone"]
    assert Region.objects.get(code=VILLAGE).report_phone == ""
    assert not AuditEntry.objects.filter(action="record_report_phone").exists()


@pytest.mark.django_db
def test_other_jurisdictions_and_other_roles_are_refused(
    client, township_administrator, village_officer
):
    client.force_login(township_administrator)
    for code in (OTHER_TOWNSHIP, COUNTY):  # beside it, and above it
        assert client.get(reverse("region-edit", args=[code])).status_code == 404
        response = client.post(reverse("region-edit", args=[code]), {"report_phone": "0797-1"})
        assert response.status_code == 404
    client.force_login(village_officer)
    assert client.get(reverse("region-list")).status_code == 403
    response = client.post(reverse("region-edit", args=[VILLAGE]), {"report_phone": "0797-52100"})
    assert response.status_code == 403
    assert Region.objects.get(code=VILLAGE).report_phone == ""


@pytest.mark.django_db
def test_the_list_page_reads_a_fixed_number_of_queries(
    client, township_administrator, django_assert_max_num_queries
):
    client.force_login(township_administrator)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("region-list")).status_code == 200
