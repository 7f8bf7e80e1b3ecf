"""The data comparison pages (半年数据比对): a township reviewer uploads another department's
extract, sees its row errors and findings, confirms a death (the entitlement ends as an
approved death change ends it) and dismisses a finding with an opinion; the same file twice is
refused; a village officer may neither upload nor see a comparison; the lists' queries."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext, override
from openpyxl import load_workbook

from casework.models import (
    Application,
    ApplicationStatus,
    Comparison,
    ComparisonFinding,
    FindingStatus,
    Program,
)
from permissions.roles import Role
from tests.conftest import COUNTY, OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE

HEADER = "身份证号码,姓名,事项,日期,备注"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def extract(*rows: str) -> bytes:
    """A department's extract as UTF-8 CSV: the header, then ``rows``."""
    return "\n".join([HEADER, *rows]).encode()


def upload(client, data: bytes, source="public_security", name="公安死亡人员.csv"):
    return client.post(
        reverse("comparison-upload"),
        {"source": source, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def in_chinese(text: str) -> str:
    with override("zh-hans"):
        return gettext(text)


@pytest.fixture
def people(recipient):
    """A recipient of a monthly program in the township's village, one of a yearly program
    there, and one of another township."""
    monthly = recipient(program=Program.objects.get(code="special-deceased"))
    yearly = recipient()
    away = recipient(village=OTHER_TOWNSHIP_VILLAGE)
    return monthly, yearly, away


@pytest.fixture
def the_extract(people) -> bytes:
    """Row 2: the monthly recipient died; 3: the other township's recipient died (outside);
    4: a bad ID number; 5: an unknown 事项; 6: the yearly recipient moved out."""
    monthly, yearly, away = (application.applicant for application in people)
    return extract(
        f"{monthly.id_number},{monthly.name},死亡,2026-09-20,死亡证明0012",
        f"{away.id_number},{away.name},死亡,2026-08-01,",
        "3609211960,某某某,死亡,2026-08-01,",
        f"{yearly.id_number},{yearly.name},出生,2026-08-01,",
        f"{yearly.id_number},{yearly.name},户籍迁出,2026-10-08,迁往广东省",
    )


@pytest.fixture
def compared(client, township_reviewer, the_extract):
    client.force_login(township_reviewer)
    response = upload(client, the_extract)
    comparison = Comparison.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("comparison-detail", args=[comparison.pk])
    return comparison


@pytest.mark.django_db
def test_an_upload_shows_its_row_errors_and_findings(client, township_reviewer, people, compared):
    monthly, yearly, away = people
    assert compared.rows == 5 and compared.outside == 1 and compared.region_id == "360921100000"
    assert sorted(error["row"] for error in compared.errors) == [4, 5]

    page = client.get(reverse("comparison-detail", args=[compared.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert [finding.row for finding, _id, _steps in page.context["rows"]] == [2, 6]
    assert monthly.applicant.name in body and yearly.applicant.name in body
    # The other township's recipient is counted, never shown.
    assert away.applicant.name not in body and away.applicant.id_number not in body
    # A township reviewer sees whole numbers in his own township.
    assert monthly.applicant.id_number in body
    assert [error["row"] for error in page.context["errors"]] == [4, 5]
    # Each open finding offers confirm (with its warning) and dismiss.
    assert reverse("step", args=["findings", compared.findings.get(row=2).pk, "confirm"]) in body
    assert reverse("step", args=["findings", compared.findings.get(row=6).pk, "dismiss"]) in body
    assert "confirm(" in body

    listed = client.get(reverse("comparison-list"))
    assert listed.status_code == 200
    (row,) = listed.context["page"].object_list
    assert (row.findings_count, row.open_count, row.outside) == (2, 2, 1)
    assert row.half_year_label == "2026年下半年"
    assert reverse("comparison-template") in listed.content.decode()
    assert reverse("comparison-list") in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_confirming_a_death_terminates_the_entitlement(client, people, compared):
    monthly = people[0]
    death = compared.findings.get(row=2)
    detail = reverse("comparison-detail", args=[compared.pk])
    response = client.post(
        reverse("step", args=["findings", death.pk, "confirm"]),
        {"opinion": "已核实", "next": f"{detail}?status=open"},
    )
    assert response.status_code == 302 and response.url == f"{detail}?status=open"
    assert shown_messages(response)[-1] == in_chinese("Done.")

    application = Application.objects.get(pk=monthly.pk)
    assert application.status == ApplicationStatus.TERMINATED
    assert application.paid_until == datetime.date(2026, 9, 30)
    death.refresh_from_db()
    assert death.status == FindingStatus.CONFIRMED and death.opinion == "已核实"
    assert death.outcome and str(monthly.pk) in death.outcome

    page = client.get(detail)
    assert death.outcome in page.content.decode()
    rows = {finding.row: steps for finding, _id, steps in page.context["rows"]}
    assert rows[2] == [] and [step.name for step, _form in rows[6]] == ["confirm", "dismiss"]
    assert [f.row for f, _i, _s in client.get(detail, {"status": "open"}).context["rows"]] == [6]
    assert [f.row for f, _i, _s in client.get(detail, {"kind": "death"}).context["rows"]] == [2]


@pytest.mark.django_db
def test_a_dismissal_needs_an_opinion(client, people, compared):
    yearly = people[1]
    moved = compared.findings.get(row=6)
    path = reverse("step", args=["findings", moved.pk, "dismiss"])

    refused = client.post(path, {"opinion": ""})
    assert refused.status_code == 302
    assert refused.url == reverse("comparison-detail", args=[compared.pk])
    assert shown_messages(refused)[-1] == "请填写理由。"
    moved.refresh_from_db()
    assert moved.status == FindingStatus.OPEN

    client.post(path, {"opinion": "系同名同号录入错误，本人仍在本村"})
    moved.refresh_from_db()
    assert moved.status == FindingStatus.DISMISSED
    assert moved.opinion == "系同名同号录入错误，本人仍在本村"
    assert Application.objects.get(pk=yearly.pk).status == ApplicationStatus.ENROLLED
    assert (
        "系同名同号录入错误"
        in client.get(reverse("comparison-detail", args=[compared.pk])).content.decode()
    )


@pytest.mark.django_db
def test_the_same_file_again_is_refused(client, the_extract, compared):
    response = upload(client, the_extract, source="civil_affairs", name="again.csv")
    assert response.status_code == 302 and response.url == reverse("comparison-list")
    assert shown_messages(response)[-1] == in_chinese("This file has been compared already.")
    assert Comparison.objects.count() == 1


@pytest.mark.django_db
def test_a_bad_upload_is_refused_with_the_reason(client, township_reviewer, people):
    client.force_login(township_reviewer)
    response = client.post(reverse("comparison-upload"), {"source": "public_security"})
    assert response.status_code == 302
    assert shown_messages(response) == [in_chinese("Choose the file to upload.")]
    response = upload(client, "姓名,日期\n张三,2026-01-01\n".encode())
    assert response.status_code == 302 and "身份证号码" in shown_messages(response)[-1]
    assert not Comparison.objects.exists()


@pytest.mark.django_db
def test_a_village_officer_may_not_upload_nor_see_a_comparison(
    client, village_officer, the_extract, compared
):
    finding = compared.findings.get(row=2)
    client.force_login(village_officer)
    assert upload(client, the_extract, name="mine.csv").status_code == 403
    assert client.get(reverse("comparison-list")).status_code == 403
    assert client.get(reverse("comparison-template")).status_code == 403
    assert client.get(reverse("comparison-detail", args=[compared.pk])).status_code == 404
    step = reverse("step", args=["findings", finding.pk, "dismiss"])
    assert client.post(step, {"opinion": "不是本人"}).status_code == 404
    assert reverse("comparison-list") not in client.get(reverse("home")).content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


@pytest.mark.django_db
def test_a_supervisor_sees_the_comparison_but_decides_nothing(
    client, make_officer, people, compared
):
    client.force_login(make_officer(Role.SUPERVISOR, COUNTY))
    listed = client.get(reverse("comparison-list"))
    assert listed.status_code == 200 and listed.context["form"] is None
    page = client.get(reverse("comparison-detail", args=[compared.pk]))
    assert all(steps == [] for _finding, _id, steps in page.context["rows"])
    body = page.content.decode()
    # Supervisors see ID numbers masked.
    assert people[0].applicant.id_number not in body
    assert people[0].applicant.masked_id_number in body
    finding = compared.findings.get(row=2)
    client.post(reverse("step", args=["findings", finding.pk, "confirm"]), {"opinion": "x"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


@pytest.mark.django_db
def test_the_template_and_the_findings_workbook(client, compared):
    template = client.get(reverse("comparison-template"))
    assert template.status_code == 200 and template["Content-Type"] == XLSX
    header = next(load_workbook(io.BytesIO(template.content)).active.values)
    assert list(header) == ["身份证号码", "姓名", "事项", "日期", "备注"]

    detail = reverse("comparison-detail", args=[compared.pk])
    page = client.get(detail)
    assert "format=xlsx" in page.context["export_url"]
    workbook = client.get(detail, {"format": "xlsx", "kind": "death"})
    assert workbook.status_code == 200 and workbook["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active.values)
    assert len(rows) == 2 and rows[1][0] == 2
    assert list(rows[0]) == [str(column.label) for column in page.context["columns"]]

    listed = client.get(reverse("comparison-list"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(listed.streaming_content))).active.values)
    assert len(rows) == 2 and rows[1][0] == "公安死亡人员.csv"


@pytest.mark.django_db
def test_the_filters_of_the_list(client, township_reviewer, people, compared):
    monthly = people[0].applicant
    upload(
        client,
        extract(f"{monthly.id_number},{monthly.name},婚姻登记,2026-03-01,"),
        source="civil_affairs",
        name="民政.csv",
    )
    url = reverse("comparison-list")
    assert len(client.get(url).context["page"].object_list) == 2
    found = client.get(url, {"source": "civil_affairs"}).context["page"].object_list
    assert [comparison.file_name for comparison in found] == ["民政.csv"]
    assert len(client.get(url, {"half_year": "2026-07-01"}).context["page"].object_list) == 2
    empty = client.get(url, {"source": "education", "half_year": "2026-07-01"})
    assert not empty.context["page"].object_list and 'class="empty"' in empty.content.decode()
    # A half-year of no comparison is no choice: refused, as any filter's bad value is.
    assert "half_year" in client.get(url, {"half_year": "2025-01-01"}).context["filter"].errors


@pytest.mark.django_db
def test_the_list_and_the_detail_take_a_fixed_number_of_queries(
    client, township_reviewer, recipient, django_assert_max_num_queries
):
    client.force_login(township_reviewer)
    applicants = [recipient().applicant for _ in range(12)]
    for n in range(6):
        rows = [
            f"{person.id_number},{person.name},户籍迁出,2026-10-{n + 1:02d},第{n}批"
            for person in applicants
        ]
        assert upload(client, extract(*rows), name=f"extract-{n}.csv").status_code == 302
    # The session, the officer, his permissions (2), the half-years, the count, the page.
    with django_assert_max_num_queries(7):
        listed = client.get(reverse("comparison-list"))
    assert len(listed.context["page"].object_list) == 6
    comparison = Comparison.objects.first()
    assert ComparisonFinding.objects.filter(comparison=comparison).count() == 12
    # The same four, the comparison, the count, the page, the officer's roles.
    with django_assert_max_num_queries(8):
        page = client.get(reverse("comparison-detail", args=[comparison.pk]))
    assert len(page.context["rows"]) == 12
    assert all(len(steps) == 2 for _finding, _id, steps in page.context["rows"])


@pytest.mark.django_db
def test_the_other_townships_comparisons_are_not_found(client, make_officer, people, compared):
    client.force_login(make_officer(Role.TOWNSHIP_REVIEWER, OTHER_TOWNSHIP))
    assert not client.get(reverse("comparison-list")).context["page"].object_list
    assert client.get(reverse("comparison-detail", args=[compared.pk])).status_code == 404
