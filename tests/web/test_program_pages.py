"""Programs as data on their pages and in the API: the list and its filters, a county
approver adding a program (conditions, documents, insurer, first standard), changing one and
adding a standard, bad input refused in Chinese with nothing written, and roles refused."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from casework.models import Program, ProgramStandard
from permissions.models import AuditEntry
from web.api.serializers import ProgramSerializer

CJK = re.compile("[\u4e00-\u9fff]")
INSURER = {
    "payee_name": "县城乡居民社会养老保险经办中心",
    "payee_bank": "县农村信用合作联社",
    "payee_account": "9000000000000000002",
}


def page_data(**changed):
    """A valid new program as the add page posts it: sterilised since 2010-10-01 and a
    complication of grade 2 or worse, 4,000 yuan once, paid once a year."""
    data = {
        "code": "test-reward",
        "name": "测试节育奖",
        "kind": "one_time",
        "posting_days": "7",
        "description": "县里新增的奖励",
        "documents": ["application_form", "payment_letter"],
        "payee_name": "",
        "payee_bank": "",
        "payee_account": "",
        "conditions": ["sterilised", "complication_grade", "rural_hukou"],
        "since_sterilised": "2010-10-01",
        "number_complication_grade": "2",
        "number_pregnancy_ended_within": "3",
        "effective_from": "2026-01-01",
        "amount": "4000.00",
        "payment_cycle": "",
        "min_age": "",
        "min_mother_age": "",
    }
    data.update(changed)
    return data


def api_body(**changed):
    """The same program as the API takes it."""
    body = {
        "code": "test-reward",
        "name": "测试节育奖",
        "kind": "one_time",
        "posting_days": 7,
        "description": "",
        "documents": ["application_form", "payment_letter"],
        "payee_name": "",
        "payee_bank": "",
        "payee_account": "",
        "conditions": [
            {"condition": "sterilised", "since": "2010-10-01", "number": None},
            {"condition": "complication_grade", "number": 2},
        ],
        "standard": {
            "effective_from": "2026-01-01",
            "amount": "4000.00",
            "payment_cycle": "",
            "min_age": None,
            "min_mother_age": None,
        },
    }
    body.update(changed)
    return body


def errors_of(response, field) -> list[str]:
    return response.context["form"].errors[field]


def nothing_written(programs_before: int) -> bool:
    return (
        Program.objects.count() == programs_before
        and not Program.objects.filter(code="test-reward").exists()
        and not AuditEntry.objects.filter(action="add_program").exists()
    )


# The list.


@pytest.mark.django_db
def test_the_list_shows_every_program_in_a_fixed_number_of_queries(
    client, village_officer, django_assert_max_num_queries
):
    client.force_login(village_officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("program-list"))
    page = response.content.decode()
    assert len(response.context["rows"]) == Program.objects.count() >= 16
    assert "农村部分计划生育家庭奖励扶助" in page and "960.00" in page and "600.00" in page
    assert 'id="program-rural-reward"' in page
    # A contribution names its insurer; its account is masked for roles that see no accounts.
    assert "县城乡居民社会养老保险经办中心" in page
    assert "9000000000000000001" not in page
    # The village officer adds and edits nothing: no buttons.
    assert reverse("program-add") not in page
    assert reverse("program-edit", args=["rural-reward"]) not in page
    assert reverse("program-standard-add", args=["rural-reward"]) not in page


@pytest.mark.django_db
def test_a_county_approver_sees_the_buttons(client, county_approver):
    client.force_login(county_approver)
    page = client.get(reverse("program-list")).content.decode()
    assert reverse("program-add") in page
    assert reverse("program-edit", args=["rural-reward"]) in page
    assert reverse("program-standard-add", args=["rural-reward"]) in page


@pytest.mark.django_db
def test_search_and_filters(client, village_officer):
    client.force_login(village_officer)

    def codes(**params):
        response = client.get(reverse("program-list"), params)
        return {row.program.code for row in response.context["rows"]}

    assert codes(q="营养补助") == {
        "nutrition-first-birth",
        "nutrition-later-birth",
        "nutrition-ended-pregnancy",
    }
    assert codes(q="RURAL-rew") == {"rural-reward"}
    contributions = codes(kind="contribution")
    assert contributions == set(
        Program.objects.filter(kind="contribution").values_list("code", flat=True)
    )
    assert "pension-daughters" in contributions and "rural-reward" not in contributions
    assert codes(kind="nonsense") == set(Program.objects.values_list("code", flat=True))
    Program.objects.filter(code="rural-reward").update(active=False)
    assert codes(active="0") == {"rural-reward"}
    assert "rural-reward" not in codes(active="1")


@pytest.mark.django_db
def test_a_search_matching_nothing_shows_the_empty_state(client, village_officer):
    client.force_login(village_officer)
    response = client.get(reverse("program-list"), {"q": "没有这个项目"})
    assert response.status_code == 200 and response.context["rows"] == []
    assert 'class="empty"' in response.content.decode()


# Adding a program on its page.


@pytest.mark.django_db
def test_a_county_approver_adds_a_program_with_its_conditions_and_standard(client, county_approver):
    client.force_login(county_approver)
    form = client.get(reverse("program-add"))
    assert form.status_code == 200
    assert 'name="since_sterilised"' in form.content.decode()
    assert form.context["form"]["number_complication_grade"].value() == 3  # the default

    response = client.post(reverse("program-add"), page_data())
    assert response.status_code == 302
    assert response.url == reverse("program-list") + "#program-test-reward"
    program = Program.objects.get(code="test-reward")
    assert (program.name, program.kind, program.posting_days) == ("测试节育奖", "one_time", 7)
    assert program.documents == ["application_form", "payment_letter"]
    chosen = [(c.condition, c.since, c.number) for c in program.conditions.all()]
    # In the catalogue's order, each with its parameter and nothing else.
    assert chosen == [
        ("rural_hukou", None, None),
        ("sterilised", datetime.date(2010, 10, 1), None),
        ("complication_grade", None, 2),
    ]
    standard = program.standards.get()
    assert (standard.effective_from, standard.amount_fen, standard.period) == (
        datetime.date(2026, 1, 1),
        400000,
        "once",
    )
    entry = AuditEntry.objects.get(action="add_program")
    assert entry.data["kind"] == "one_time" and entry.data["standard"]["amount_fen"] == 400000

    listed = client.get(response.url).content.decode()
    assert 'id="program-test-reward"' in listed and "4000.00" in listed
    assert "2010-10-01" in listed


@pytest.mark.django_db
def test_a_contribution_program_with_its_insurer(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("program-add"),
        page_data(kind="contribution", amount="100", payment_cycle="year", **INSURER),
    )
    assert response.status_code == 302
    program = Program.objects.get(code="test-reward")
    assert program.pays_insurer and program.payee_account == INSURER["payee_account"]
    assert program.standards.get().period == "year"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changed, field",
    [
        ({"code": "rural-reward"}, "code"),
        ({"conditions": []}, "conditions"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"kind": "contribution"}, "payee_account"),
        # The program is valid, its first standard not: the program is not kept either.
        ({"kind": "yearly", "payment_cycle": "month"}, "payment_cycle"),
    ],
    ids=["code taken", "no condition", "amount not a number", "amount zero", "no insurer", "cycle"],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
    client, county_approver, changed, field
):
    client.force_login(county_approver)
    before = Program.objects.count()
    response = client.post(reverse("program-add"), page_data(**changed))
    assert response.status_code == 200
    messages = errors_of(response, field)
    assert messages and all(CJK.search(message) for message in messages), messages
    assert nothing_written(before)
    assert not ProgramStandard.objects.filter(program_id="test-reward").exists()


# Changing a program and adding a standard on their pages.


@pytest.mark.django_db
def test_a_county_approver_changes_a_program_on_its_page(client, county_approver):
    client.force_login(county_approver)
    program = Program.objects.get(code="sterilisation-reward")
    before = [c.condition for c in program.conditions.all()]
    page = client.get(reverse("program-edit", args=[program.code]))
    form = page.context["form"]
    assert form["conditions"].value() == before
    assert str(form["since_sterilised"].value()) == "2010-10-01"

    # Saved as shown: nothing changes, nothing is audited.
    unchanged = {
        "name": program.name,
        "posting_days": str(program.posting_days),
        "description": program.description,
        "documents": program.documents,
        "active": "on",
        "conditions": before,
        "since_sterilised": "2010-10-01",
        "number_complication_grade": "3",
        "number_pregnancy_ended_within": "3",
    }
    response = client.post(reverse("program-edit", args=[program.code]), unchanged)
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="change_program").exists()

    changed = {
        **unchanged,
        "name": "农村双女户节育奖（新）",
        "posting_days": "10",
        "active": "",
        "conditions": [code for code in before if code != "births_outside_policy"]
        + ["poor_household"],
        "since_sterilised": "2012-10-01",
    }
    response = client.post(reverse("program-edit", args=[program.code]), changed)
    assert response.status_code == 302
    assert response.url == reverse("program-list") + "#program-sterilisation-reward"
    program.refresh_from_db()
    assert (program.name, program.posting_days, program.active) == (
        "农村双女户节育奖（新）",
        10,
        False,
    )
    # Its own conditions keep their order; the new one comes after them.
    assert [(c.condition, c.since) for c in program.conditions.all()] == [
        ("rural_hukou", None),
        ("two_daughters", None),
        ("sterilised", datetime.date(2012, 10, 1)),
        ("poor_household", None),
    ]
    entry = AuditEntry.objects.get(action="change_program")
    assert entry.data["after"] == {
        "name": "农村双女户节育奖（新）",
        "posting_days": 10,
        "active": False,
    }

    refused = client.post(
        reverse("program-edit", args=[program.code]), {**changed, "conditions": []}
    )
    assert refused.status_code == 200 and CJK.search(errors_of(refused, "conditions")[0])
    assert program.conditions.count() == 4


@pytest.mark.django_db
def test_a_county_approver_adds_a_standard_on_its_page(client, county_approver):
    client.force_login(county_approver)
    url = reverse("program-standard-add", args=["rural-reward"])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["min_age"].value() == 60  # from the latest standard
    data = {
        "effective_from": "2028-01-01",
        "amount": "1200",
        "payment_cycle": "",
        "min_age": "60",
        "min_mother_age": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("program-list") + "#program-rural-reward"
    added = ProgramStandard.objects.get(program_id="rural-reward", effective_from="2028-01-01")
    assert (added.amount_fen, added.period, added.min_age) == (120000, "year", 60)
    assert AuditEntry.objects.filter(action="add_standard").count() == 1

    again = client.post(url, {**data, "amount": "1300"})
    assert again.status_code == 200 and CJK.search(errors_of(again, "effective_from")[0])
    zero = client.post(url, {**data, "effective_from": "2029-01-01", "amount": "0"})
    assert zero.status_code == 200 and CJK.search(errors_of(zero, "amount")[0])
    assert ProgramStandard.objects.filter(program_id="rural-reward").count() == 3
    assert AuditEntry.objects.filter(action="add_standard").count() == 1


@pytest.mark.django_db
def test_a_village_officer_is_refused_every_program_change(client, login_api, village_officer):
    client.force_login(village_officer)
    pages = [
        reverse("program-add"),
        reverse("program-edit", args=["rural-reward"]),
        reverse("program-standard-add", args=["rural-reward"]),
    ]
    for url in pages:
        assert client.get(url).status_code == 403
        assert client.post(url, page_data()).status_code == 403
    api = login_api(village_officer)
    assert api.post("/api/v1/programs/", api_body(), format="json").status_code == 403
    patched = api.patch("/api/v1/programs/rural-reward/", {"name": "改名"}, format="json")
    assert patched.status_code == 403 and CJK.search(patched.json()["error"]["message"])
    standard = api_body()["standard"] | {"effective_from": "2028-01-01"}
    added = api.post("/api/v1/programs/rural-reward/standards/", standard, format="json")
    assert added.status_code == 403
    assert not Program.objects.filter(code="test-reward").exists()
    assert Program.objects.get(code="rural-reward").name == "农村部分计划生育家庭奖励扶助"
    assert not ProgramStandard.objects.filter(effective_from="2028-01-01").exists()
    assert not AuditEntry.objects.filter(action__in=["add_program", "change_program"]).exists()


@pytest.mark.django_db
def test_a_missing_program_is_not_found(client, county_approver):
    client.force_login(county_approver)
    assert client.get(reverse("program-edit", args=["no-such-program"])).status_code == 404
    url = reverse("program-standard-add", args=["no-such-program"])
    assert client.get(url).status_code == 404


# The API.


@pytest.mark.django_db
def test_the_api_adds_changes_and_adds_a_standard(login_api, county_approver):
    api = login_api(county_approver)
    response = api.post("/api/v1/programs/", api_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "test-reward" and body["kind"] == "one_time"
    assert [(c["condition"], c["since"], c["number"]) for c in body["conditions"]] == [
        ("sterilised", "2010-10-01", None),
        ("complication_grade", None, 2),
    ]
    assert "2010-10-01" in body["conditions"][0]["label"]  # as the catalogue describes it
    assert body["documents"] == ["application_form", "payment_letter"]
    assert body["standards"][0]["amount"] == "4000.00" and body["standard_amount"] == "4000.00"
    assert AuditEntry.objects.filter(action="add_program").count() == 1

    patched = api.patch(
        "/api/v1/programs/test-reward/",
        {"name": "测试节育奖（改）", "conditions": [{"condition": "rural_hukou"}]},
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["name"] == "测试节育奖（改）"
    assert [c["condition"] for c in patched.json()["conditions"]] == ["rural_hukou"]
    assert AuditEntry.objects.filter(action="change_program").count() == 1

    added = api.post(
        "/api/v1/programs/test-reward/standards/",
        {"effective_from": "2027-01-01", "amount": "5000", "payment_cycle": "half_year"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    assert added.json()["amount"] == "5000.00" and added.json()["period"] == "once"
    listed = api.get("/api/v1/programs/test-reward/").json()
    assert [row["effective_from"] for row in listed["standards"]] == ["2027-01-01", "2026-01-01"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changed, field",
    [
        ({"code": "rural-reward"}, "code"),
        ({"code": "不是代码"}, "code"),
        ({"conditions": []}, "conditions"),
        ({"conditions": [{"condition": "no_such_condition"}]}, "conditions"),
        ({"kind": "contribution"}, "payee_account"),
        ({"standard": {"effective_from": "2026-01-01", "amount": "abc"}}, "standard"),
        ({"standard": {"effective_from": "2026-01-01", "amount": "0"}}, "standard"),
    ],
    ids=["code taken", "code", "no condition", "unknown condition", "no insurer", "abc", "zero"],
)
def test_the_api_refuses_bad_programs_with_400(login_api, county_approver, changed, field):
    api = login_api(county_approver)
    before = Program.objects.count()
    response = api.post("/api/v1/programs/", api_body(**changed), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert all(CJK.search(message) for message in error["fields"][field]), error
    assert nothing_written(before)


@pytest.mark.django_db
def test_the_api_refuses_bad_changes_and_standards_with_400(login_api, administrator):
    api = login_api(administrator)
    fixed = api.patch("/api/v1/programs/rural-reward/", {"kind": "yearly"}, format="json")
    assert fixed.status_code == 400 and "kind" in fixed.json()["error"]["fields"]
    no_insurer = api.patch(
        "/api/v1/programs/pension-daughters/", {"payee_account": ""}, format="json"
    )
    assert no_insurer.status_code == 400
    assert "payee_account" in no_insurer.json()["error"]["fields"]
    twice = api.post(
        "/api/v1/programs/rural-reward/standards/",
        {"effective_from": "2026-01-01", "amount": "960"},
        format="json",
    )
    assert twice.status_code == 400 and "effective_from" in twice.json()["error"]["fields"]
    assert not AuditEntry.objects.filter(action__in=["change_program", "add_standard"]).exists()
    missing = api.post("/api/v1/programs/none-such/standards/", {}, format="json")
    assert missing.status_code == 404


@pytest.mark.django_db
def test_the_api_list_and_its_workbook(login_api, village_officer, django_assert_max_num_queries):
    api = login_api(village_officer)
    with django_assert_max_num_queries(7):
        body = api.get("/api/v1/programs/", {"page_size": 100}).json()
    rows = {row["code"]: row for row in body["results"]}
    pension = rows["pension-daughters"]
    assert pension["payee_name"] == "县城乡居民社会养老保险经办中心"
    assert "payee_account" not in pension
    assert {item["condition"] for item in pension["conditions"]} == {
        "rural_hukou",
        "daughters_only",
        "gave_up_second_birth",
    }
    assert rows["rural-reward"]["standards"][0]["amount"] == "960.00"

    workbook = api.get("/api/v1/programs/", {"format": "xlsx"})
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    values = list(sheet.values)
    assert len(values) == Program.objects.count() + 1
    row = next(row for row in values if row[0] == "rural-reward")
    # Lists as text a reader can take in: the conditions, the documents, the standards.
    columns = list(ProgramSerializer().fields)
    conditions = row[columns.index("conditions")]
    assert isinstance(conditions, str) and conditions.count("；") == 3
    assert row[columns.index("standards")].startswith("2026-01-01 960.00")
