"""The data comparison API (../shared/API.md, 半年数据比对): ``POST comparisons/`` (multipart
``file`` and ``source``) answers 201 with the row errors and findings; the scoped lists (also
as a workbook), the detail, and a finding's ``confirm`` and ``dismiss`` by its row number."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from casework.models import Application, ApplicationStatus, Comparison, FindingStatus, Program
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import COUNTY, OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE, TOWNSHIP

HEADER = "身份证号码,姓名,事项,日期,备注"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CJK = re.compile("[\u4e00-\u9fff]")
URL = "/api/v1/comparisons/"


def extract(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def post_extract(api, data: bytes, source="public_security", name="公安.csv"):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return api.post(URL, {"source": source, "file": upload}, format="multipart")


@pytest.fixture
def people(recipient):
    """A monthly program's recipient and a yearly one in the township; one elsewhere."""
    monthly = recipient(program=Program.objects.get(code="special-deceased"))
    yearly = recipient()
    away = recipient(village=OTHER_TOWNSHIP_VILLAGE)
    return monthly, yearly, away


@pytest.fixture
def the_extract(people) -> bytes:
    """Row 2: a death; 3: outside the township; 4: a bad ID number; 5: an unknown 事项;
    6: a move out."""
    monthly, yearly, away = (application.applicant for application in people)
    return extract(
        f"{monthly.id_number},{monthly.name},死亡,2026-09-20,死亡证明0012",
        f"{away.id_number},{away.name},死亡,2026-08-01,",
        "3609211960,某某某,死亡,2026-08-01,",
        f"{yearly.id_number},{yearly.name},出生,2026-08-01,",
        f"{yearly.id_number},{yearly.name},户籍迁出,2026-10-08,迁往广东省",
    )


@pytest.fixture
def reviewer_api(login_api, township_reviewer):
    return login_api(township_reviewer)


@pytest.fixture
def created(reviewer_api, the_extract) -> dict:
    response = post_extract(reviewer_api, the_extract)
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.mark.django_db
def test_an_upload_answers_the_contracts_body(people, created):
    monthly, yearly, away = people
    assert {"id", "source", "rows", "errors", "findings"} <= set(created)
    assert created["source"] == "public_security" and created["rows"] == 5
    assert created["outside"] == 1 and created["half_year_label"] == "2026年下半年"
    assert [error["row"] for error in created["errors"]] == [4, 5]
    assert all(CJK.search(error["message"]) for error in created["errors"])
    death, moved = created["findings"]
    assert {"row", "person", "application", "kind", "message", "status"} <= set(death)
    assert (death["row"], death["person"], death["application"]) == (
        2,
        monthly.applicant_id,
        monthly.pk,
    )
    assert death["kind"] == "death" and death["status"] == "open"
    assert death["available_transitions"] == ["confirm", "dismiss"]
    assert "死亡证明0012" in death["message"]
    assert (moved["row"], moved["kind"], moved["application"]) == (6, "moved_out", yearly.pk)
    assert away.applicant_id not in [finding["person"] for finding in created["findings"]]
    assert AuditEntry.objects.filter(action="compare", object_id=str(created["id"])).exists()


@pytest.mark.django_db
def test_lists_detail_filters_and_workbook(reviewer_api, people, created):
    listed = reviewer_api.get(URL).json()
    assert listed["count"] == 1
    (row,) = listed["results"]
    assert (row["findings_count"], row["open_count"], row["error_count"]) == (2, 2, 2)
    assert reviewer_api.get(URL, {"source": "education"}).json()["count"] == 0
    assert reviewer_api.get(URL, {"half_year": "2026-07-01"}).json()["count"] == 1

    detail = reviewer_api.get(f"{URL}{created['id']}/").json()
    assert [finding["row"] for finding in detail["findings"]] == [2, 6]
    assert [error["row"] for error in detail["errors"]] == [4, 5]
    # The township reviewer sees the whole number in his township.
    assert detail["findings"][0]["id_number"] == people[0].applicant.id_number

    findings = f"{URL}{created['id']}/findings/"
    assert [f["row"] for f in reviewer_api.get(findings).json()["results"]] == [2, 6]
    assert [f["row"] for f in reviewer_api.get(findings, {"kind": "death"}).json()["results"]] == [
        2
    ]
    assert reviewer_api.get(findings, {"status": "dismissed"}).json()["count"] == 0
    assert reviewer_api.get(findings, {"status": "nonsense"}).status_code == 400
    one = reviewer_api.get(f"{findings}6/").json()
    assert one["kind"] == "moved_out" and one["history"] == []

    workbook = reviewer_api.get(findings, {"format": "xlsx"})
    assert workbook.status_code == 200 and workbook["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active.values)
    assert len(rows) == 3 and rows[0][1] == "行号" and [row[1] for row in rows[1:]] == [2, 6]
    listed_workbook = reviewer_api.get(URL, {"format": "xlsx"})
    assert listed_workbook.status_code == 200 and listed_workbook["Content-Type"] == XLSX

    template = reviewer_api.get(f"{URL}template/")
    assert template.status_code == 200 and template["Content-Type"] == XLSX


@pytest.mark.django_db
def test_confirming_a_death_terminates_the_entitlement(reviewer_api, people, created):
    monthly = people[0]
    url = f"{URL}{created['id']}/findings/2/transitions/confirm/"
    response = reviewer_api.post(url, {"opinion": "已核实"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "confirmed" and body["opinion"] == "已核实"
    assert str(monthly.pk) in body["outcome"] and body["available_transitions"] == []
    assert [entry["transition"] for entry in body["history"]] == ["confirm"]
    application = Application.objects.get(pk=monthly.pk)
    assert application.status == ApplicationStatus.TERMINATED
    assert application.paid_until == datetime.date(2026, 9, 30)

    again = reviewer_api.post(url, {"opinion": "已核实"}, format="json")
    assert again.status_code == 409


@pytest.mark.django_db
def test_a_dismissal_needs_an_opinion(reviewer_api, people, created):
    url = f"{URL}{created['id']}/findings/6/transitions/dismiss/"
    refused = reviewer_api.post(url, {}, format="json")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["fields"]["opinion"] == ["请填写理由。"] and CJK.search(error["message"])

    done = reviewer_api.post(url, {"opinion": "非本人，系录入错误"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == FindingStatus.DISMISSED
    assert Application.objects.get(pk=people[1].pk).status == ApplicationStatus.ENROLLED


@pytest.mark.django_db
def test_bad_uploads_are_refused_naming_the_field(reviewer_api, the_extract, created):
    again = post_extract(reviewer_api, the_extract, source="civil_affairs", name="again.csv")
    assert again.status_code == 400 and "file" in again.json()["error"]["fields"]
    upload = SimpleUploadedFile("x.csv", extract("1,2,死亡,2026-01-01,"))
    no_source = reviewer_api.post(URL, {"file": upload}, format="multipart")
    assert no_source.status_code == 400 and "source" in no_source.json()["error"]["fields"]
    no_file = reviewer_api.post(URL, {"source": "education"}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()["error"]["fields"]
    assert Comparison.objects.count() == 1


@pytest.mark.django_db
def test_out_of_reach_is_forbidden_or_not_found(
    login_api, village_officer, make_officer, the_extract, created
):
    api = login_api(village_officer)
    refused = post_extract(api, the_extract, name="village.csv")
    assert refused.status_code == 403 and CJK.search(refused.json()["error"]["message"])
    assert api.get(f"{URL}template/").status_code == 403
    assert api.get(URL).json()["count"] == 0
    assert api.get(f"{URL}{created['id']}/").status_code == 404
    assert api.get(f"{URL}{created['id']}/findings/").status_code == 404
    confirm = f"{URL}{created['id']}/findings/2/transitions/confirm/"
    assert api.post(confirm, {"opinion": "x"}, format="json").status_code == 404

    api = login_api(make_officer(Role.TOWNSHIP_REVIEWER, OTHER_TOWNSHIP))
    assert api.get(URL).json()["count"] == 0
    assert api.get(f"{URL}{created['id']}/").status_code == 404
    assert api.post(confirm, {"opinion": "x"}, format="json").status_code == 404

    api = login_api(make_officer(Role.SUPERVISOR, COUNTY))
    detail = api.get(f"{URL}{created['id']}/").json()
    assert all(finding["available_transitions"] == [] for finding in detail["findings"])
    assert all("*" in finding["id_number"] for finding in detail["findings"])
    assert api.post(confirm, {"opinion": "x"}, format="json").status_code == 403

    api = login_api(make_officer(Role.TOWNSHIP_REVIEWER, TOWNSHIP, username="other"))
    assert api.get(f"{URL}{created['id']}/findings/99/").status_code == 404
    assert api.get(f"{URL}{created['id']}/findings/9999999999/").status_code == 404
    unknown = f"{URL}{created['id']}/findings/2/transitions/approve/"
    assert api.post(unknown, {"opinion": "x"}, format="json").status_code == 404


@pytest.mark.django_db
def test_the_lists_take_a_fixed_number_of_queries(
    reviewer_api, recipient, django_assert_max_num_queries
):
    applicants = [recipient().applicant for _ in range(10)]
    for n in range(5):
        rows = [
            f"{person.id_number},{person.name},户籍迁出,2026-10-{n + 1:02d},第{n}批"
            for person in applicants
        ]
        assert post_extract(reviewer_api, extract(*rows), name=f"{n}.csv").status_code == 201
    comparison = Comparison.objects.first()
    with django_assert_max_num_queries(8):
        assert reviewer_api.get(URL).json()["count"] == 5
    with django_assert_max_num_queries(8):
        assert len(reviewer_api.get(f"{URL}{comparison.pk}/").json()["findings"]) == 10
    with django_assert_max_num_queries(8):
        listed = reviewer_api.get(f"{URL}{comparison.pk}/findings/").json()
    assert listed["count"] == 10


@pytest.mark.django_db
def test_the_half_year_filter_offers_the_comparisons_half_years_after_the_schema_was_built(
    reviewer_api, people, created
):
    """The API schema builds the filter's field from the class; a filter set built after it
    still offers the half-years of the user's comparisons."""
    assert reviewer_api.get("/api/v1/schema/").status_code == 200
    assert reviewer_api.get(URL, {"half_year": "2026-07-01"}).json()["count"] == 1
    assert reviewer_api.get(URL, {"half_year": "2026-01-01"}).status_code == 400
