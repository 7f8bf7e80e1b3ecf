"""The two-way agreement pages (流动人口双向协议): a migrant-service officer of either township
records the agreement both signed; both sides see it, a village officer does not; the
schedule flags the overdue periods; the inflow officer reports on each woman through the
period's page (once per woman and period), the outflow officer reads the reports but records
none; bad terms and bad reports are refused in Chinese and write nothing; the filters, the
workbooks and the queries of the list and the detail."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext, override
from openpyxl import load_workbook

from casework.factories import RegionFactory
from casework.models import MigrantFeedback, MigrationAgreement
from permissions.audit import Actor
from permissions.roles import Role
from tests.conftest import OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE
from tests.workflows.test_agreements import terms, woman
from workflows import agreements

D = datetime.date
TODAY = D(2026, 11, 24)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def in_chinese(text: str) -> str:
    with override("zh-hans"):
        return gettext(text)


def form_terms(**changed) -> dict:
    """The agreement form's fields as a browser posts them."""
    values = {
        key.removesuffix("_id"): value.isoformat() if isinstance(value, D) else value
        for key, value in terms().items()
    }
    return {**values, "note": "流入地每季度末10日内反馈。", **changed}


def report(certificate, /, period="2026-07-01", **changed) -> dict:
    return {
        "certificate": certificate.pk,
        "period_start": period,
        "contraception": "iud",
        "pregnancy_check": "not_pregnant",
        "checked_on": "2026-09-15",
        "note": "",
        **changed,
    }


@pytest.fixture
def outflow_officer(make_officer):
    return make_officer(Role.MIGRANT_SERVICE_OFFICER, TOWNSHIP, username="outflow")


@pytest.fixture
def inflow_officer(make_officer):
    return make_officer(Role.MIGRANT_SERVICE_OFFICER, OTHER_TOWNSHIP, username="inflow")


@pytest.fixture
def agreement(regions, outflow_officer):
    return agreements.sign_agreement(Actor(outflow_officer), **terms())


@pytest.fixture
def women(regions, agreement):
    """Two women the agreement covers, and one living at home (not covered)."""
    first, second = woman(regions), woman(regions)
    woman(regions, living_in=VILLAGE)
    return first, second


def detail(agreement, **query) -> str:
    url = reverse("agreement-detail", args=[agreement.pk])
    return f"{url}?period={query['period']}" if query else url


@pytest.mark.django_db
@pytest.mark.parametrize("side", ["outflow", "inflow"])
def test_either_side_records_the_agreement_and_both_see_it(
    client, regions, side, outflow_officer, inflow_officer, village_officer
):
    recorder = outflow_officer if side == "outflow" else inflow_officer
    client.force_login(recorder)
    assert reverse("agreement-list") in client.get(reverse("home")).content.decode()
    listed = client.get(reverse("agreement-list"))
    assert listed.context["may_record"] and reverse("agreement-create") in listed.content.decode()
    assert 'class="empty"' in listed.content.decode()

    form = client.get(reverse("agreement-create")).context["form"]
    choices = {str(value) for value, _label in form.fields["inflow_region"].choices if value}
    assert choices == {TOWNSHIP, OTHER_TOWNSHIP}
    response = client.post(reverse("agreement-create"), form_terms())
    agreement = MigrationAgreement.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("agreement-detail", args=[agreement.pk])
    assert shown_messages(response) == [in_chinese("The agreement was recorded.")]
    assert agreement.recorded_by == recorder and agreement.feedback_months == 3
    assert (agreement.outflow_region_id, agreement.inflow_region_id) == (TOWNSHIP, OTHER_TOWNSHIP)

    for officer in (outflow_officer, inflow_officer):
        client.force_login(officer)
        (row,) = client.get(reverse("agreement-list")).context["page"].object_list
        assert row == agreement
        page = client.get(reverse("agreement-detail", args=[agreement.pk]))
        assert page.status_code == 200 and "双向协议2026-001" in page.content.decode()

    client.force_login(village_officer)
    assert client.get(reverse("agreement-list")).status_code == 403
    assert client.get(reverse("agreement-create")).status_code == 403
    assert client.get(reverse("agreement-detail", args=[agreement.pk])).status_code == 404
    assert reverse("agreement-list") not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_the_schedule_flags_what_is_overdue(client, agreement, women, inflow_officer):
    agreements.record_feedback(
        Actor(inflow_officer),
        agreement,
        women[0],
        D(2026, 7, 1),
        contraception="iud",
        pregnancy_check="not_pregnant",
        checked_on=D(2026, 9, 15),
    )
    client.force_login(inflow_officer)
    page = client.get(reverse("agreement-detail", args=[agreement.pk]))
    # One statement counts what the service counts with two queries a period.
    states = [state for state, _overdue, _past in page.context["states"]]
    assert states == agreements.schedule(agreement, TODAY)
    assert [(s.period.start, s.covered, s.reported) for s in states] == [
        (D(2026, 10, 1), 2, 0),
        (D(2026, 7, 1), 2, 1),
        (D(2026, 4, 1), 2, 0),
        (D(2026, 1, 1), 2, 0),
    ]
    assert [overdue for _state, overdue, _past in page.context["states"]] == [0, 1, 2, 2]
    assert page.context["agreement"].overdue_count == agreements.overdue_count(agreement, TODAY)
    body = page.content.decode()
    assert "2026-07-01 — 2026-09-30" in body and "2026-10-10" in body
    assert 'class="badge overdue"' in body
    # The latest period begun is shown by default: not due yet, so missing, not overdue.
    assert page.context["state"].period.start == D(2026, 10, 1)
    assert {state for _c, _r, state, _f, _v in page.context["rows"]} == {"missing"}

    (row,) = client.get(reverse("agreement-list")).context["page"].object_list
    assert (row.overdue_count, row.covered_now) == (5, 2)
    assert 'class="badge overdue"' in client.get(reverse("agreement-list")).content.decode()

    chosen = client.get(detail(agreement, period="2026-07-01"))
    states = {c: state for c, _r, state, _f, _v in chosen.context["rows"]}
    assert states == {women[0]: "reported", women[1]: "overdue"}
    assert client.get(detail(agreement, period="2026-08-01")).status_code == 404
    assert client.get(detail(agreement, period="2027-01-01")).status_code == 404
    assert client.get(detail(agreement, period="nonsense")).status_code == 404


@pytest.mark.django_db
def test_the_inflow_officer_reports_once_through_the_page(client, agreement, women, inflow_officer):
    client.force_login(inflow_officer)
    page = client.get(detail(agreement, period="2026-07-01"))
    forms = [form for _c, _r, _s, form, _v in page.context["rows"]]
    assert all(forms) and len(forms) == 2
    assert reverse("agreement-feedback", args=[agreement.pk]) in page.content.decode()

    url = reverse("agreement-feedback", args=[agreement.pk])
    response = client.post(url, report(women[0]))
    assert response.status_code == 302
    assert response.url == detail(agreement, period="2026-07-01")
    (message,) = shown_messages(response)
    assert women[0].holder_name in message
    feedback = MigrantFeedback.objects.get()
    assert (feedback.certificate, feedback.period_start) == (women[0], D(2026, 7, 1))
    assert feedback.recorded_by == inflow_officer and feedback.checked_on == D(2026, 9, 15)

    again = client.post(url, report(women[0], contraception="implant"))
    assert again.status_code == 302
    assert shown_messages(again)[-1] == "此人本期的信息已反馈，请勿重复填报。"
    assert MigrantFeedback.objects.get().contraception == "iud"

    page = client.get(detail(agreement, period="2026-07-01"))
    rows = {c: (r, form) for c, r, _s, form, _v in page.context["rows"]}
    assert rows[women[0]] == (feedback, None) and rows[women[1]][1] is not None


@pytest.mark.django_db
def test_the_outflow_officer_reads_the_reports_but_records_none(
    client, agreement, women, inflow_officer, outflow_officer
):
    agreements.record_feedback(
        Actor(inflow_officer),
        agreement,
        women[0],
        D(2026, 7, 1),
        contraception="iud",
        pregnancy_check="not_checked",
        note="外出务工未归",
    )
    client.force_login(outflow_officer)
    page = client.get(detail(agreement, period="2026-07-01"))
    assert page.context["may_report"] is False
    assert all(form is None for _c, _r, _s, form, _v in page.context["rows"])
    body = page.content.decode()
    assert "外出务工未归" in body and in_chinese("intrauterine device (上环)") in body
    assert 'action="' + reverse("agreement-feedback", args=[agreement.pk]) not in body

    refused = client.post(reverse("agreement-feedback", args=[agreement.pk]), report(women[1]))
    assert refused.status_code == 403
    assert MigrantFeedback.objects.count() == 1


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
        ({"feedback_months": "2"}, "feedback_months", None),
        ({"signed_on": "2026-02-01"}, "signed_on", "签订日期不能晚于生效日期。"),
        ({"number": ""}, "number", None),
    ],
)
def test_bad_terms_are_refused_in_chinese(
    client, regions, outflow_officer, changed, field, message
):
    client.force_login(outflow_officer)
    response = client.post(reverse("agreement-create"), form_terms(**changed))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert all(any("\u4e00" <= c <= "\u9fff" for c in text) for text in errors[field])
    assert not MigrationAgreement.objects.exists()


@pytest.mark.django_db
def test_an_agreement_of_two_other_townships_is_refused(client, regions, make_officer):
    RegionFactory(code="360921102000", name="白鹭乡")
    client.force_login(make_officer(Role.MIGRANT_SERVICE_OFFICER, OTHER_TOWNSHIP))
    response = client.post(reverse("agreement-create"), form_terms(inflow_region="360921102000"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["您无权为这两个乡镇登记协议。"]
    assert not MigrationAgreement.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changed, message",
    [
        ({"contraception": "magic"}, "请选择避孕措施。"),
        ({"pregnancy_check": ""}, "请选择孕检情况。"),
        ({"checked_on": "2026-12-01"}, "孕检日期不能晚于今天。"),
        ({"checked_on": ""}, "请填写孕检日期。"),
        ({"period_start": "2027-01-01"}, "请为协议中已开始的反馈期填报。"),
        ({"certificate": "999999"}, "该期间本协议不涵盖此人。"),
    ],
)
def test_bad_reports_are_refused_in_chinese(
    client, agreement, women, inflow_officer, changed, message
):
    client.force_login(inflow_officer)
    response = client.post(
        reverse("agreement-feedback", args=[agreement.pk]), report(women[0], **changed)
    )
    assert response.status_code == 302
    assert shown_messages(response) == [message]
    assert not MigrantFeedback.objects.exists()


@pytest.mark.django_db
def test_a_woman_living_at_home_gets_no_report(client, regions, agreement, inflow_officer):
    staying = woman(regions, living_in=VILLAGE)
    client.force_login(inflow_officer)
    response = client.post(reverse("agreement-feedback", args=[agreement.pk]), report(staying))
    assert shown_messages(response) == ["该期间本协议不涵盖此人。"]
    assert not MigrantFeedback.objects.exists()


@pytest.mark.django_db
def test_the_filters_of_the_list(client, agreement, women, inflow_officer, outflow_officer):
    back = agreements.sign_agreement(
        Actor(inflow_officer),
        **terms(
            number="石城双向2026-002", outflow_region_id=OTHER_TOWNSHIP, inflow_region_id=TOWNSHIP
        ),
    )
    client.force_login(outflow_officer)
    url = reverse("agreement-list")

    def numbers(**query) -> list[str]:
        return [row.number for row in client.get(url, query).context["page"].object_list]

    assert sorted(numbers()) == sorted([agreement.number, back.number])
    assert numbers(side="outflow") == [agreement.number]
    assert numbers(side="inflow") == [back.number]
    assert numbers(overdue="true") == [agreement.number]
    assert numbers(overdue="true", side="inflow") == []
    assert numbers(q="002") == [back.number]
    empty = client.get(url, {"q": "没有"})
    assert 'class="empty"' in empty.content.decode()
    assert "side" in client.get(url, {"side": "both"}).context["filter"].errors


@pytest.mark.django_db
def test_the_workbooks_of_the_list_and_of_a_period(client, agreement, women, inflow_officer):
    agreements.record_feedback(
        Actor(inflow_officer),
        agreement,
        women[0],
        D(2026, 7, 1),
        contraception="implant",
        pregnancy_check="not_pregnant",
        checked_on=D(2026, 9, 15),
    )
    client.force_login(inflow_officer)
    listed = client.get(reverse("agreement-list"))
    assert "format=xlsx" in listed.context["export_url"]
    workbook = client.get(reverse("agreement-list"), {"format": "xlsx"})
    assert workbook.status_code == 200 and workbook["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active.values)
    assert list(rows[0]) == [str(column.label) for column in listed.context["columns"]]
    assert rows[1][0] == agreement.number and rows[1][-3:-1] == (2, 5)

    page = client.get(detail(agreement, period="2026-07-01"))
    assert "period=2026-07-01" in page.context["export_url"]
    workbook = client.get(page.context["export_url"])
    assert workbook.status_code == 200 and workbook["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active.values)
    by_name = {row[0]: row for row in rows[1:]}
    assert len(rows) == 3 and rows[0][0] == "姓名"
    assert by_name[women[0].holder_name][3:6] == (
        in_chinese("reported"),
        in_chinese("implant (皮埋)"),
        "未孕",
    )
    assert by_name[women[1].holder_name][3] == "逾期"
    assert women[0].holder_id_number not in str(rows)


@pytest.mark.django_db
def test_the_list_and_the_detail_take_a_fixed_number_of_queries(
    client, regions, outflow_officer, inflow_officer, django_assert_max_num_queries
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
    covered = [woman(regions) for _ in range(12)]
    latest = MigrationAgreement.objects.get(number="双向协议2024")
    agreements.record_feedback(
        Actor(inflow_officer),
        latest,
        covered[0],
        D(2026, 10, 1),
        contraception="iud",
        pregnancy_check="not_pregnant",
        checked_on=D(2026, 10, 15),
    )
    client.force_login(inflow_officer)
    # The session, the officer, his permissions (2), the count, the page, the counts.
    with django_assert_max_num_queries(7):
        listed = client.get(reverse("agreement-list"))
    rows = listed.context["page"].object_list
    assert len(rows) == 6 and {row.number: row.covered_now for row in rows}["双向协议2024"] == 12
    # Her certificate is valid from June 2025: 17 months past due, one woman reported once.
    assert sum(row.overdue_count for row in rows) == 17 * 12 - 1
    assert {row.number: row.overdue_count for row in rows} == {
        row.number: agreements.overdue_count(row, TODAY) for row in rows
    }
    # The same four, the agreement, its 35 periods' counts, the women's count, their page,
    # their reports, which of them he may open.
    with django_assert_max_num_queries(10):
        page = client.get(detail(latest, period="2026-10-01"))
    assert len(page.context["states"]) == 35 and len(page.context["rows"]) == 12
    assert sum(form is not None for _c, _r, _s, form, _v in page.context["rows"]) == 11


@pytest.mark.django_db
def test_bad_queries_and_bodies_are_no_server_error(client, agreement, women, inflow_officer):
    client.force_login(inflow_officer)
    long, nul = "x" * 100_000, "a\x00b"
    for query in ({"q": long}, {"side": nul}, {"overdue": "abc"}, {"page": "9" * 30}):
        assert client.get(reverse("agreement-list"), query).status_code < 500
    for period in (nul, long, "9" * 30, "-1"):
        assert client.get(detail(agreement, period=period)).status_code in (400, 404)
    created = client.post(
        reverse("agreement-create"), form_terms(number=long, feedback_days="9" * 30)
    )
    assert created.status_code == 200 and not created.context["form"].is_valid()
    url = reverse("agreement-feedback", args=[agreement.pk])
    for bad in ({"certificate": "9" * 30}, {"note": long}, {"period_start": nul}):
        assert client.post(url, report(women[0], **bad)).status_code in (302, 400)
    assert MigrationAgreement.objects.count() == 1 and not MigrantFeedback.objects.exists()
