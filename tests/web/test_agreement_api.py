"""The two-way agreement API (../shared/API.md, 流动人口双向协议): ``POST agreements/`` records an
agreement (201), refused in Chinese with the fields named; both townships see it in the
scoped list (also as a workbook) and the detail with its ``schedule``, others get 404 or an
empty list; ``agreements/{id}/feedback/`` lists a period's women with their reports and takes
the inflow township's report on one woman (201), once, never the outflow township's (403)."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from casework.factories import RegionFactory
from casework.models import MigrantFeedback, MigrationAgreement
from permissions.audit import Actor
from permissions.factories import OfficerFactory
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE
from tests.workflows.test_agreements import terms, woman
from workflows import agreements

D = datetime.date
TODAY = D(2026, 11, 24)
CJK = re.compile("[\u4e00-\u9fff]")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "/api/v1/agreements/"
THIRD_TOWNSHIP = "360921102000"


def body(**changed) -> dict:
    """An agreement's terms as a caller sends them."""
    values = {
        key.removesuffix("_id"): value.isoformat() if isinstance(value, D) else value
        for key, value in terms().items()
    }
    return {**values, **changed}


def report(certificate, /, period="2026-07-01", **changed) -> dict:
    return {
        "certificate": certificate.pk,
        "period_start": period,
        "contraception": "iud",
        "pregnancy_check": "not_pregnant",
        "checked_on": "2026-09-15",
        **changed,
    }


@pytest.fixture
def outflow_officer(make_officer):
    return make_officer(Role.MIGRANT_SERVICE_OFFICER, TOWNSHIP, username="outflow")


@pytest.fixture
def inflow_officer(make_officer):
    return make_officer(Role.MIGRANT_SERVICE_OFFICER, OTHER_TOWNSHIP, username="inflow")


@pytest.fixture
def third_township_officer(regions):
    """A migrant-service officer of a township that signed nothing."""
    township = RegionFactory(code=THIRD_TOWNSHIP, name="白鹭乡")
    return OfficerFactory(roles=[Role.MIGRANT_SERVICE_OFFICER], jurisdiction=township)


@pytest.fixture
def created(login_api, regions, outflow_officer) -> dict:
    response = login_api(outflow_officer).post(URL, body(note="每季度反馈。"), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def agreement(created):
    return MigrationAgreement.objects.get(pk=created["id"])


@pytest.fixture
def women(regions, agreement):
    """Two women the agreement covers, and one living at home (not covered)."""
    first, second = woman(regions), woman(regions)
    woman(regions, living_in=VILLAGE)
    return first, second


@pytest.mark.django_db
def test_recording_answers_the_agreement_with_its_schedule(created, outflow_officer):
    assert created["number"] == "双向协议2026-001"
    assert (created["outflow_region"], created["inflow_region"]) == (TOWNSHIP, OTHER_TOWNSHIP)
    assert created["inflow_region_name"] == "石桥乡" and created["status"] == "in_force"
    assert created["feedback_months"] == 3 and created["note"] == "每季度反馈。"
    assert [period["start"] for period in created["schedule"]] == [
        "2026-10-01",
        "2026-07-01",
        "2026-04-01",
        "2026-01-01",
    ]
    assert created["covered_now"] == 0 and created["overdue_count"] == 0
    assert AuditEntry.objects.filter(action="sign_agreement", object_id=str(created["id"]))


@pytest.mark.django_db
def test_the_inflow_side_records_one_too(login_api, regions, inflow_officer):
    response = login_api(inflow_officer).post(URL, body(), format="json")
    assert response.status_code == 201
    assert MigrationAgreement.objects.get().recorded_by == inflow_officer


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changed, field, message",
    [
        (
            {"valid_from": "2029-01-01", "valid_until": "2028-01-01"},
            "valid_until",
            "协议的终止日期须晚于生效日期。",
        ),
        ({"inflow_region": TOWNSHIP}, "inflow_region", "流入地须为流出地以外的乡镇。"),
        ({"inflow_region": OTHER_TOWNSHIP_VILLAGE}, "inflow_region", None),
        ({"feedback_months": 12}, "feedback_months", None),
        ({"feedback_days": -1}, "feedback_days", None),
        ({"valid_until": "2028-02-30"}, "valid_until", None),
        ({"number": "x" * 41}, "number", None),
    ],
)
def test_bad_terms_are_refused_in_chinese(
    login_api, regions, outflow_officer, changed, field, message
):
    response = login_api(outflow_officer).post(URL, body(**changed), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [field]
    if message:
        assert error["fields"][field] == [message]
    assert all(CJK.search(text) for text in error["fields"][field])
    assert CJK.search(error["message"])
    assert not MigrationAgreement.objects.exists()


@pytest.mark.django_db
def test_the_same_number_or_dates_again_are_refused(login_api, created, outflow_officer):
    api = login_api(outflow_officer)
    again = api.post(URL, body(valid_from="2030-01-01", valid_until="2031-01-01"), format="json")
    assert again.status_code == 400
    assert again.json()["error"]["fields"] == {"number": ["已有相同编号的协议。"]}
    overlapping = api.post(URL, body(number="双向协议2026-009"), format="json")
    assert overlapping.json()["error"]["fields"] == {
        "valid_from": ["这两个乡镇在该期间已有有效的协议。"]
    }
    assert MigrationAgreement.objects.count() == 1


@pytest.mark.django_db
def test_roles_without_the_right_are_forbidden(
    login_api, regions, village_officer, third_township_officer
):
    refused = login_api(village_officer).post(URL, body(), format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "您无权为这两个乡镇登记协议。"
    # An officer of a third township records no agreement of two others.
    neither = login_api(third_township_officer).post(URL, body(), format="json")
    assert neither.status_code == 403
    assert neither.json()["error"]["message"] == "您无权为这两个乡镇登记协议。"
    assert not MigrationAgreement.objects.exists()


@pytest.mark.django_db
def test_both_sides_see_it_and_no_one_else(
    login_api,
    created,
    women,
    outflow_officer,
    inflow_officer,
    village_officer,
    third_township_officer,
):
    for officer in (outflow_officer, inflow_officer):
        api = login_api(officer)
        (row,) = api.get(URL).json()["results"]
        assert row["id"] == created["id"] and row["overdue_count"] == 6
        assert row["covered_now"] == 2
        assert api.get(f"{URL}{created['id']}/").status_code == 200
        assert api.get(f"{URL}{created['id']}/feedback/").status_code == 200

    for officer in (village_officer, third_township_officer):
        api = login_api(officer)
        assert api.get(URL).json()["count"] == 0
        assert api.get(f"{URL}{created['id']}/").status_code == 404
        assert api.get(f"{URL}{created['id']}/feedback/").status_code == 404
        posted = api.post(f"{URL}{created['id']}/feedback/", report(women[0]), format="json")
        assert posted.status_code == 404
    assert not MigrantFeedback.objects.exists()


@pytest.mark.django_db
def test_the_schedule_shows_the_overdue_period(login_api, agreement, women, inflow_officer):
    agreements.record_feedback(
        Actor(inflow_officer),
        agreement,
        women[0],
        D(2026, 7, 1),
        contraception="iud",
        pregnancy_check="not_pregnant",
        checked_on=D(2026, 9, 15),
    )
    detail = login_api(inflow_officer).get(f"{URL}{agreement.pk}/").json()
    schedule = {period["start"]: period for period in detail["schedule"]}
    assert schedule["2026-07-01"] == {
        "start": "2026-07-01",
        "end": "2026-09-30",
        "due_on": "2026-10-10",
        "covered": 2,
        "reported": 1,
        "missing": 1,
        "overdue": 1,
    }
    assert schedule["2026-10-01"]["missing"] == 2 and schedule["2026-10-01"]["overdue"] == 0
    assert detail["overdue_count"] == agreements.overdue_count(agreement, TODAY) == 5


@pytest.mark.django_db
def test_the_inflow_officer_reports_once_and_the_outflow_officer_reads_it(
    login_api, agreement, women, inflow_officer, outflow_officer
):
    feedback = f"{URL}{agreement.pk}/feedback/"
    inflow = login_api(inflow_officer)
    listed = inflow.get(feedback).json()
    assert listed["period"]["start"] == "2026-10-01" and listed["may_report"] is True
    assert {w["certificate"] for w in listed["women"]} == {women[0].pk, women[1].pk}
    assert {w["report_state"] for w in listed["women"]} == {"missing"}

    created = inflow.post(feedback, report(women[0], note="按时孕检"), format="json")
    assert created.status_code == 201, created.json()
    answer = created.json()
    assert answer["certificate"] == women[0].pk and answer["period_start"] == "2026-07-01"
    assert answer["contraception_display"] == "上环" and answer["note"] == "按时孕检"

    again = inflow.post(feedback, report(women[0], contraception="implant"), format="json")
    assert again.status_code == 400
    assert again.json()["error"]["fields"] == {
        "certificate": ["此人本期的信息已反馈，请勿重复填报。"]
    }

    outflow = login_api(outflow_officer)
    refused = outflow.post(feedback, report(women[1]), format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "信息反馈由流入地流动人口专干填报。"
    read = outflow.get(feedback, {"period": "2026-07-01"}).json()
    assert read["may_report"] is False and read["period"]["overdue"] == 1
    states = {w["certificate"]: (w["report_state"], w["feedback"]) for w in read["women"]}
    assert states[women[1].pk] == ("overdue", None)
    assert states[women[0].pk][0] == "reported"
    assert states[women[0].pk][1]["id"] == answer["id"]
    assert all("*" in w["holder_id_number"] for w in read["women"])
    assert MigrantFeedback.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changed, field, message",
    [
        ({"contraception": "magic"}, "contraception", "请选择避孕措施。"),
        ({"pregnancy_check": "maybe"}, "pregnancy_check", "请选择孕检情况。"),
        ({"checked_on": "2026-12-01"}, "checked_on", "孕检日期不能晚于今天。"),
        ({"checked_on": None}, "checked_on", "请填写孕检日期。"),
        ({"pregnancy_check": "not_checked", "checked_on": None}, "note", "请说明未孕检的原因。"),
        ({"period_start": "2026-08-01"}, "period_start", "请为协议中已开始的反馈期填报。"),
        ({"period_start": "2026-13-01"}, "period_start", None),
        ({"certificate": 999999}, "certificate", "该期间本协议不涵盖此人。"),
        ({"certificate": "abc"}, "certificate", "该期间本协议不涵盖此人。"),
    ],
)
def test_bad_reports_are_refused_in_chinese(
    login_api, agreement, women, inflow_officer, changed, field, message
):
    response = login_api(inflow_officer).post(
        f"{URL}{agreement.pk}/feedback/", report(women[0], **changed), format="json"
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == [field]
    if message:
        assert fields[field] == [message]
    assert all(CJK.search(text) for text in fields[field])
    assert not MigrantFeedback.objects.exists()


@pytest.mark.django_db
def test_a_period_that_has_not_begun_is_no_period(login_api, agreement, inflow_officer):
    api = login_api(inflow_officer)
    for period in ("2027-01-01", "2026-08-01", "nonsense"):
        response = api.get(f"{URL}{agreement.pk}/feedback/", {"period": period})
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["period"]


@pytest.mark.django_db
def test_filters_and_workbook(login_api, agreement, women, inflow_officer):
    back = agreements.sign_agreement(
        Actor(inflow_officer),
        **terms(
            number="石城双向2026-002", outflow_region_id=OTHER_TOWNSHIP, inflow_region_id=TOWNSHIP
        ),
    )
    api = login_api(inflow_officer)

    def numbers(**query) -> list[str]:
        return sorted(row["number"] for row in api.get(URL, query).json()["results"])

    assert numbers() == sorted([agreement.number, back.number])
    assert numbers(side="inflow") == [agreement.number]
    assert numbers(side="outflow") == [back.number]
    assert numbers(overdue="true") == [agreement.number]
    assert numbers(q="002") == [back.number]
    assert api.get(URL, {"side": "both"}).status_code == 400

    workbook = api.get(URL, {"format": "xlsx"})
    assert workbook.status_code == 200 and workbook["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active.values)
    header = list(rows[0])
    assert header[1] == "协议编号" and len(rows) == 3
    by_number = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    first = by_number[agreement.number]
    assert (first[header[-2]], first[header[-1]]) == (2, 6)


@pytest.mark.django_db
def test_the_list_and_the_detail_take_a_fixed_number_of_queries(
    login_api, regions, outflow_officer, django_assert_max_num_queries
):
    for n in range(6):
        agreements.sign_agreement(
            Actor(outflow_officer),
            **terms(
                number=f"双向协议{2014 + 2 * n}",
                signed_on=D(2014 + 2 * n, 1, 1),
                valid_from=D(2014 + 2 * n, 1, 1),
                valid_until=D(2015 + 2 * n, 12, 31) if n < 5 else D(2028, 12, 31),
                feedback_months=1,
            ),
        )
    for _ in range(10):
        woman(regions)
    api = login_api(outflow_officer)
    # The token, the officer's permissions (2), the count, the page, the counts.
    with django_assert_max_num_queries(6):
        listed = api.get(URL).json()
    assert listed["count"] == 6
    latest = MigrationAgreement.objects.get(number="双向协议2024")
    with django_assert_max_num_queries(6):
        detail = api.get(f"{URL}{latest.pk}/").json()
    assert len(detail["schedule"]) == 35 and detail["covered_now"] == 10
    with django_assert_max_num_queries(8):
        feedback = api.get(f"{URL}{latest.pk}/feedback/", {"period": "2026-10-01"}).json()
    assert len(feedback["women"]) == 10
