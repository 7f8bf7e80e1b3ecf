"""Imports from Excel or CSV: the template, the preview's row errors, all-or-nothing or the valid
rows only, the audit entries with the file's name and SHA-256, the background path, the
encodings, the second submission of a file and who may import where."""

import csv
import datetime
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from casework.factories import (
    ApplicationFactory,
    BankAccountFactory,
    HouseholdFactory,
    PersonFactory,
    synthetic_id_number,
)
from casework.imports.columns import columns_of
from casework.models import (
    Application,
    ApplicationStatus,
    BankAccount,
    DataImport,
    Household,
    ImportStatus,
    JobStatus,
    Person,
    Program,
)
from permissions.audit import Actor
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import (
    COUNTY,
    OTHER_TOWNSHIP_VILLAGE,
    OTHER_VILLAGE,
    TOWNSHIP,
    VILLAGE,
)
from workflows import imports, payments, processes

S = ApplicationStatus


def new_id(n: int, *, male=True, year=1960) -> str:
    """A valid ID number no factory hands out (a birth year of its own)."""
    return synthetic_id_number("360921", datetime.date(year, 3, 1), n, male=male)


def table(kind: str, rows: list[dict]) -> list[list[str]]:
    """The header row of ``kind`` and ``rows`` (by column key) in its column order."""
    columns = columns_of(kind)
    return [[c.header for c in columns]] + [[row.get(c.key, "") for c in columns] for row in rows]


def xlsx(kind: str, rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for cells in table(kind, rows):
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(kind: str, rows: list[dict], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(table(kind, rows))
    return out.getvalue().encode(encoding)


def upload(officer, kind, data, name="导入.xlsx"):
    return imports.upload(Actor(officer), kind, SimpleUploadedFile(name, data))


def person_row(n, **values):
    return {
        "name": "测试甲",
        "id_number": new_id(n),
        "household": "",
        "region": VILLAGE,
        "address": "东风村1组",
        "hukou": "农业",
        "phone": "13800000000",
        **values,
    }


def errors_by_row(data_import) -> dict[int, set[str]]:
    found = {}
    for error in data_import.errors:
        found.setdefault(error["row"], set()).add(error["field"])
    return found


# The template.


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["persons", "recipients", "applications"])
def test_the_template_opens_with_its_chinese_headers_an_example_and_the_explanations(
    client, village_officer, kind
):
    client.force_login(village_officer)
    response = client.get(reverse("import-template"), {"kind": kind})

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[1] == "填写说明"
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in columns_of(kind)]
    assert len(rows) == 2  # the headers and one example row
    explained = [row[0] for row in workbook["填写说明"].iter_rows(values_only=True)]
    assert all(c.header in explained for c in columns_of(kind))


@pytest.mark.django_db
def test_the_example_rows_of_the_template_pass_the_checks(village_officer, regions):
    """The template's example person is valid in the demo village it names (read back as the
    file an officer would upload after filling it in)."""
    regions_needed = "360921100201"
    from casework.factories import RegionFactory

    RegionFactory(code=regions_needed, name="东风村")
    officer = village_officer
    officer.jurisdiction_id = regions_needed
    name, data = imports.template_file("persons")
    data_import = upload(officer, "persons", data, name)
    assert data_import.errors == [] and data_import.valid_rows == 1


# The preview: every kind of bad row.


@pytest.mark.django_db
def test_the_preview_reports_every_error_of_every_bad_person_row_and_saves_nothing(
    village_officer, regions, person_here
):
    HouseholdFactory(number="H-ELSEWHERE", region=regions[OTHER_VILLAGE])
    bad_checksum = new_id(3)[:-1] + ("0" if new_id(3)[-1] != "0" else "1")
    rows = [
        person_row(1, household="H-NEW"),  # 2: good
        person_row(2, household="H-NEW"),  # 3: good, same new household
        person_row(3, id_number=bad_checksum),  # 4
        person_row(4, name=""),  # 5
        person_row(5, region=TOWNSHIP),  # 6: not a village
        person_row(6, region=OTHER_TOWNSHIP_VILLAGE),  # 7: outside the jurisdiction
        person_row(7, region="360921199999"),  # 8: no such region
        person_row(1),  # 9: same ID number as row 2
        person_row(8, id_number=person_here.id_number),  # 10: on record
        person_row(9, hukou="外国"),  # 11
        person_row(10, household="H-ELSEWHERE"),  # 12: household of another village
        person_row(11, name="", hukou=""),  # 13: two errors in one row
        person_row(12, id_number=new_id(12, year=2030)),  # 14: born in the future
    ]
    before = Person.objects.count()

    data_import = upload(village_officer, "persons", xlsx("persons", rows))

    assert data_import.status == ImportStatus.PREVIEWED
    assert (data_import.rows, data_import.valid_rows) == (13, 2)
    assert errors_by_row(data_import) == {
        4: {"id_number"},
        5: {"name"},
        6: {"region"},
        7: {"region"},
        8: {"region"},
        9: {"id_number"},
        10: {"id_number"},
        11: {"hukou"},
        12: {"household"},
        13: {"name", "hukou"},
        14: {"id_number"},
    }
    assert Person.objects.count() == before and not Household.objects.filter(number="H-NEW")


@pytest.mark.django_db
def test_the_preview_page_shows_rows_with_their_errors_and_filters_them(
    client, village_officer, regions
):
    rows = [person_row(n) for n in range(1, 60)] + [person_row(99, name="")]
    data_import = upload(village_officer, "persons", xlsx("persons", rows))
    client.force_login(village_officer)

    page = client.get(reverse("import-detail", args=[data_import.pk]))
    only_errors = client.get(reverse("import-detail", args=[data_import.pk]), {"errors": "1"})

    assert page.status_code == 200
    assert page.context["page"].paginator.count == 60
    assert [row.number for row in page.context["page"]][:2] == [2, 3]
    assert [row.number for row in only_errors.context["page"]] == [61]
    assert only_errors.context["page"][0].errors and page.context["may_commit"]


@pytest.mark.django_db
def test_the_preview_page_asks_a_bounded_number_of_queries(
    client, village_officer, regions, django_assert_max_num_queries
):
    rows = [person_row(n) for n in range(1, 200)] + [person_row(300, hukou="")]
    data_import = upload(village_officer, "persons", xlsx("persons", rows))
    client.force_login(village_officer)
    url = reverse("import-detail", args=[data_import.pk])
    client.get(url)

    with django_assert_max_num_queries(8):
        response = client.get(url, {"page": "3"})
    with django_assert_max_num_queries(8):
        client.get(url, {"errors": "1"})
    with django_assert_max_num_queries(10):
        client.get(reverse("import-list"))
    assert len(response.context["page"].object_list) == 50


# The choice: all or nothing, or the valid rows.


@pytest.mark.django_db
def test_all_or_nothing_is_refused_while_a_row_has_an_error_and_valid_only_imports_the_good_rows(
    client, village_officer, regions
):
    rows = [person_row(1, household="H-NEW"), person_row(2, household="H-NEW"), person_row(3)]
    rows.append(person_row(4, region=OTHER_VILLAGE + "X"))
    data = xlsx("persons", rows)
    client.force_login(village_officer)
    client.post(
        reverse("import-upload"),
        {"kind": "persons", "file": SimpleUploadedFile("花名册.xlsx", data)},
    )
    data_import = DataImport.objects.get()
    commit = reverse("import-commit", args=[data_import.pk])

    client.post(commit, {"mode": "all_or_nothing"})
    data_import.refresh_from_db()
    assert data_import.status == ImportStatus.PREVIEWED
    assert not Person.objects.filter(id_number__in=[r["id_number"] for r in rows])

    client.post(commit, {"mode": "valid_only"})
    data_import.refresh_from_db()
    assert data_import.status == ImportStatus.IMPORTED and data_import.imported_rows == 3
    imported = Person.objects.filter(id_number__in=[r["id_number"] for r in rows])
    assert sorted(imported.values_list("id_number", flat=True)) == sorted(
        r["id_number"] for r in rows[:3]
    )
    household = Household.objects.get(number="H-NEW")
    assert household.region_id == VILLAGE and household.members.count() == 2
    person = imported.get(id_number=rows[0]["id_number"])
    assert person.birth_date == datetime.date(1960, 3, 1) and person.sex == "male"
    assert person.hukou == "rural"

    entries = AuditEntry.objects.filter(action="imported").order_by("seq")
    assert [entry.object_id for entry in entries] == [str(p.pk) for p in imported.order_by("pk")]
    sha256 = hashlib.sha256(data).hexdigest()
    assert {(e.data["file"], e.data["sha256"]) for e in entries} == {("花名册.xlsx", sha256)}
    assert [e.data["row"] for e in entries] == [2, 3, 4]
    assert AuditEntry.objects.get(action="import").data["imported"] == 3


@pytest.mark.django_db
def test_all_or_nothing_imports_a_clean_file(village_officer, regions):
    data_import = upload(village_officer, "persons", xlsx("persons", [person_row(1)]))

    imports.commit(Actor(village_officer), data_import, "all_or_nothing")

    assert data_import.status == ImportStatus.IMPORTED
    assert Person.objects.filter(id_number=new_id(1)).exists()


@pytest.mark.django_db
def test_rows_that_went_bad_after_the_preview_refuse_all_or_nothing(village_officer, regions):
    data_import = upload(village_officer, "persons", xlsx("persons", [person_row(1)]))
    PersonFactory(id_number=new_id(1), region=regions[VILLAGE])

    with pytest.raises(Exception, match="预览后系统记录已变化"):
        imports.commit(Actor(village_officer), data_import, "all_or_nothing")

    data_import.refresh_from_db()
    assert data_import.status == ImportStatus.PREVIEWED and data_import.valid_rows == 0


@pytest.mark.django_db
def test_the_same_file_is_not_imported_twice_by_one_office(village_officer, regions):
    data = xlsx("persons", [person_row(1)])
    first = upload(village_officer, "persons", data)
    again_before_import = upload(village_officer, "persons", data)  # not imported yet: allowed
    imports.commit(Actor(village_officer), first, "valid_only")

    with pytest.raises(Exception, match="不能重复导入"):
        upload(village_officer, "persons", data)
    with pytest.raises(Exception, match="不能重复导入"):
        imports.commit(Actor(village_officer), again_before_import, "valid_only")


# Files: encodings and the header row.


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_files_are_read_in_utf8_with_or_without_bom_and_in_gb18030(
    village_officer, regions, encoding
):
    data = csv_bytes("persons", [person_row(1, name="欧阳秀英"), person_row(2)], encoding)

    data_import = upload(village_officer, "persons", data, "花名册.csv")
    imports.commit(Actor(village_officer), data_import, "all_or_nothing")

    assert Person.objects.get(id_number=new_id(1)).name == "欧阳秀英"


@pytest.mark.django_db
def test_a_file_without_the_required_columns_is_refused_naming_them(village_officer, regions):
    data = "姓名,电话\n张三,1\n".encode()

    with pytest.raises(Exception, match="身份证号码"):
        upload(village_officer, "persons", data, "x.csv")
    assert not DataImport.objects.exists()


# The background path.


@pytest.mark.django_db
def test_a_long_file_is_checked_and_imported_by_background_jobs_with_progress(
    settings, immediate_tasks, django_capture_on_commit_callbacks, village_officer, regions
):
    settings.CASEWORK_IMPORT_INLINE_ROWS = 3
    rows = [person_row(n) for n in range(1, 6)] + [person_row(9, hukou="")]

    with django_capture_on_commit_callbacks(execute=True):
        data_import = upload(village_officer, "persons", xlsx("persons", rows))
    data_import.refresh_from_db()
    check_job = data_import.job
    assert check_job.status == JobStatus.DONE and check_job.done == check_job.total == 6
    assert data_import.status == ImportStatus.PREVIEWED and data_import.valid_rows == 5

    with django_capture_on_commit_callbacks(execute=True):
        imports.commit(Actor(village_officer), data_import, "valid_only")
    data_import.refresh_from_db()
    import_job = data_import.job
    assert import_job != check_job and import_job.status == JobStatus.DONE
    assert import_job.done == 6 and import_job.result["imported"] == 5
    assert data_import.status == ImportStatus.IMPORTED
    assert AuditEntry.objects.filter(action="imported").count() == 5


@pytest.mark.django_db
def test_a_background_all_or_nothing_refusal_is_shown_on_the_job(
    settings, immediate_tasks, django_capture_on_commit_callbacks, village_officer, regions
):
    settings.CASEWORK_IMPORT_INLINE_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        data_import = upload(
            village_officer, "persons", xlsx("persons", [person_row(1), person_row(2)])
        )
    data_import.refresh_from_db()
    PersonFactory(id_number=new_id(2), region=regions[VILLAGE])

    with django_capture_on_commit_callbacks(execute=True):
        imports.commit(Actor(village_officer), data_import, "all_or_nothing")

    data_import.refresh_from_db()
    assert data_import.status == ImportStatus.PREVIEWED
    assert "refused" in data_import.job.result
    assert not Person.objects.filter(id_number=new_id(1)).exists()


# Enrolled recipients.


def recipient_row(person, **values):
    return {
        "id_number": person.id_number,
        "program": "rural-reward",
        "enrolled_since": "2020-03-01",
        "last_paid": "2025",
        "bank": "示范农村商业银行",
        "account_number": "6217990000000000001",
        **values,
    }


@pytest.mark.django_db
def test_recipients_are_enrolled_from_the_period_after_their_last_paid_one(
    village_officer, regions, disburser
):
    people = [PersonFactory(region=regions[VILLAGE]) for _ in range(3)]
    BankAccountFactory(person=people[1], recorded_by=village_officer)
    rows = [
        recipient_row(people[0]),
        recipient_row(people[1], bank="", account_number=""),  # the account on record
        recipient_row(
            people[2],
            program="special-disabled",
            last_paid="2026-09",
            account_number="6217990000000000003",
        ),
    ]
    data_import = upload(village_officer, "recipients", xlsx("recipients", rows))
    assert data_import.errors == []

    imports.commit(Actor(village_officer), data_import, "all_or_nothing")

    enrolled = {a.applicant_id: a for a in Application.objects.filter(applicant__in=people)}
    assert {a.status for a in enrolled.values()} == {S.ENROLLED}
    assert enrolled[people[0].pk].paid_from == datetime.date(2026, 1, 1)
    assert enrolled[people[0].pk].year == 2020
    assert enrolled[people[2].pk].paid_from == datetime.date(2026, 10, 1)
    assert BankAccount.objects.filter(person__in=people, replaced_at__isnull=True).count() == 3
    for application in enrolled.values():
        assert processes.open_task(application).flow_task.name == S.ENROLLED
    entries = AuditEntry.objects.filter(action="imported")
    assert {e.to_state for e in entries} == {S.ENROLLED} and entries.count() == 3
    # Paid from the period after the last paid one, never again for a paid one.
    rural = Program.objects.get(code="rural-reward")
    county = regions[COUNTY]
    due_2025 = payments.due_for_payment(
        rural, county, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    )
    due_2026 = payments.due_for_payment(
        rural, county, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    )
    assert enrolled[people[0].pk] not in due_2025 and enrolled[people[0].pk] in due_2026


@pytest.mark.django_db
def test_each_kind_of_bad_recipient_row_is_reported(village_officer, regions, person_elsewhere):
    here = [PersonFactory(region=regions[VILLAGE]) for _ in range(8)]
    outside = PersonFactory(region=regions[OTHER_TOWNSHIP_VILLAGE])
    ApplicationFactory(
        applicant=here[4],
        program=Program.objects.get(code="special-deceased"),
        status=S.ENROLLED,
        created_by=village_officer,
    )
    ApplicationFactory(
        applicant=here[5], year=2020, status=S.TERMINATED, created_by=village_officer
    )
    rows = [
        recipient_row(here[0], program="no-such-program"),  # 2
        recipient_row(here[1], enrolled_since="2027-01-01"),  # 3: future
        recipient_row(here[2], enrolled_since="2020-02-30"),  # 4: not a date
        recipient_row(here[3], account_number=""),  # 5: no account anywhere
        recipient_row(here[4], program="special-disabled"),  # 6: excluded by special-deceased
        recipient_row(here[5]),  # 7: same program and year on record
        {**recipient_row(here[0]), "id_number": new_id(40)},  # 8: not on record
        recipient_row(outside),  # 9: outside the jurisdiction
        recipient_row(here[6], last_paid="2019"),  # 10: before the enrolment
        recipient_row(here[6], program="special-disabled"),  # 11: the same person again
        recipient_row(here[7], last_paid="2027"),  # 12: a period not begun
        recipient_row(here[1], account_number="12AB"),  # 13: bad account; 3's person again
    ]

    data_import = upload(village_officer, "recipients", xlsx("recipients", rows))

    found = errors_by_row(data_import)
    assert found == {
        2: {"program"},
        3: {"enrolled_since"},
        4: {"enrolled_since"},
        5: {"account_number"},
        6: {"program"},
        7: {"program"},
        8: {"id_number"},
        9: {"id_number"},
        10: {"last_paid"},
        11: {"id_number"},
        12: {"last_paid"},
        13: {"id_number", "account_number"},
    }
    assert data_import.valid_rows == 0


@pytest.mark.django_db
def test_an_account_other_than_the_one_on_record_is_refused(village_officer, regions):
    person = PersonFactory(region=regions[VILLAGE])
    BankAccountFactory(person=person, recorded_by=village_officer)

    row = recipient_row(person, account_number="6228480000000000099")
    data_import = upload(village_officer, "recipients", xlsx("recipients", [row]))

    assert errors_by_row(data_import) == {2: {"account_number"}}


# New applications.


def application_row(person, **values):
    return {
        "id_number": person.id_number,
        "program": "rural-reward",
        "year": "2026",
        "living_children": "1",
        "living_daughters": "1",
        "children_evidence": "户口簿",
        "births_outside_policy": "0",
        "births_evidence": "计生档案",
        **values,
    }


@pytest.mark.django_db
def test_new_applications_are_recorded_as_drafts_through_the_apply_step(village_officer, regions):
    applicant, spouse = (PersonFactory(region=regions[VILLAGE]) for _ in range(2))
    rows = [application_row(applicant, spouse=spouse.id_number)]
    data_import = upload(village_officer, "applications", xlsx("applications", rows))
    assert data_import.errors == []

    imports.commit(Actor(village_officer), data_import, "all_or_nothing")

    application = Application.objects.get(applicant=applicant)
    assert application.status == S.DRAFT and application.spouse == spouse
    assert {f.code: f.value for f in application.facts.all()}["living_children"] == 1
    actions = set(
        AuditEntry.objects.filter(
            content_type__model="application", object_id=str(application.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {"apply", "imported"}


@pytest.mark.django_db
def test_each_kind_of_bad_application_row_is_reported(village_officer, regions):
    here = [PersonFactory(region=regions[VILLAGE]) for _ in range(6)]
    ApplicationFactory(applicant=here[3], status=S.SUBMITTED, created_by=village_officer)
    Program.objects.filter(code="single-child-reward").update(active=False)
    rows = [
        application_row(here[0], year="2020"),  # 2
        application_row(here[1], spouse=new_id(41)),  # 3: spouse not on record
        application_row(here[2], living_children="-1"),  # 4: a bad fact
        application_row(here[3]),  # 5: already applied this year
        application_row(here[4], program="single-child-reward"),  # 6: not accepting
        application_row(here[5], spouse=here[5].id_number),  # 7: spouse is the applicant
        application_row(here[0], year=""),  # 8: year missing; row 2's person again
    ]

    data_import = upload(village_officer, "applications", xlsx("applications", rows))

    assert errors_by_row(data_import) == {
        2: {"year"},
        3: {"spouse"},
        4: {"living_children"},
        5: {"program"},
        6: {"program"},
        7: {"spouse"},
        8: {"year", "id_number"},
    }


@pytest.mark.django_db
def test_a_spouse_out_of_reach_or_of_the_applicants_sex_is_reported_in_the_preview(
    village_officer, regions
):
    """The preview names the rows the apply step would refuse, instead of the commit refusing
    the whole import."""
    women = [PersonFactory(region=regions[VILLAGE], male=False) for _ in range(3)]
    elsewhere = PersonFactory(region=regions[OTHER_VILLAGE], male=True)
    rows = [
        application_row(women[0], spouse=elsewhere.id_number),  # 2: another village's person
        application_row(women[1], spouse=women[2].id_number),  # 3: two women
    ]

    data_import = upload(village_officer, "applications", xlsx("applications", rows))

    assert errors_by_row(data_import) == {2: {"spouse"}, 3: {"spouse"}}
    messages = " ".join(error["message"] for error in data_import.errors)
    assert elsewhere.name not in messages and elsewhere.id_number not in messages


# Who may import where.


@pytest.mark.django_db
def test_other_roles_may_not_import(client, county_approver, regions):
    client.force_login(county_approver)

    assert client.get(reverse("import-list")).status_code == 403
    assert client.get(reverse("import-template"), {"kind": "persons"}).status_code == 403
    with pytest.raises(Exception, match="不能导入此类记录"):
        upload(county_approver, "persons", xlsx("persons", [person_row(1)]))


@pytest.mark.django_db
def test_township_reviewers_import_persons_in_their_township_but_not_applications(
    township_reviewer, regions
):
    rows = [person_row(1), person_row(2, region=OTHER_VILLAGE), person_row(3, region=COUNTY)]
    data_import = upload(township_reviewer, "persons", xlsx("persons", rows))

    assert errors_by_row(data_import) == {4: {"region"}}
    with pytest.raises(Exception, match="不能导入此类记录"):
        upload(township_reviewer, "applications", xlsx("applications", []))


@pytest.mark.django_db
def test_a_village_officer_imports_only_into_their_village_and_sees_only_their_office(
    client, village_officer, make_officer, regions
):
    other = make_officer(Role.VILLAGE_OFFICER, OTHER_VILLAGE)
    data_import = upload(village_officer, "persons", xlsx("persons", [person_row(1)]))
    client.force_login(other)

    assert client.get(reverse("import-detail", args=[data_import.pk])).status_code == 404
    response = client.post(reverse("import-commit", args=[data_import.pk]), {"mode": "valid_only"})
    assert response.status_code == 404
    other_file = upload(other, "persons", xlsx("persons", [person_row(2)]))
    assert errors_by_row(other_file) == {2: {"region"}}


# The API.


@pytest.mark.django_db
def test_the_api_previews_refuses_all_or_nothing_with_409_and_imports_the_valid_rows(
    login_api, village_officer, regions
):
    api = login_api(village_officer)
    data = xlsx("persons", [person_row(1), person_row(2, hukou="")])

    created = api.post(
        "/api/v1/imports/",
        {"kind": "persons", "file": SimpleUploadedFile("a.xlsx", data)},
        format="multipart",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["rows"], body["valid_rows"]) == ("previewed", 2, 1)
    assert body["errors"] == [{"row": 3, "field": "hukou", "message": body["errors"][0]["message"]}]

    url = f"/api/v1/imports/{body['id']}/commit/"
    refused = api.post(url, {"mode": "all_or_nothing"}, format="multipart")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"
    done = api.post(url, {"mode": "valid_only"}, format="multipart")
    assert done.status_code == 200 and done.json()["imported_rows"] == 1
    template = api.get("/api/v1/imports/template/", {"kind": "recipients"})
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).sheetnames[1] == "填写说明"


@pytest.mark.django_db
def test_the_api_list_of_imports_is_filtered_and_answers_a_workbook(
    login_api, village_officer, regions
):
    """The list answers its filters (they were ignored once) and ``?format=xlsx`` like every
    list of the API."""
    done = upload(village_officer, "persons", xlsx("persons", [person_row(1)]))
    imports.commit(Actor(village_officer), done, "valid_only")
    previewed = upload(village_officer, "persons", xlsx("persons", [person_row(2)]))
    api = login_api(village_officer)

    listed = api.get("/api/v1/imports/", {"status": "previewed"}).json()["results"]
    assert [row["id"] for row in listed] == [previewed.pk]
    assert api.get("/api/v1/imports/", {"status": "nonsense"}).status_code == 400
    workbook = api.get("/api/v1/imports/", {"format": "xlsx"})
    assert workbook.status_code == 200
    assert load_workbook(io.BytesIO(workbook.getvalue())).active.max_row == 3


@pytest.mark.django_db
def test_workbook_dates_numbers_and_blank_rows_are_read_as_excel_shows_them(
    village_officer, regions
):
    """Dates typed into Excel are date cells, phone numbers typed as numbers are numbers, and a
    blank row keeps the numbering of the rows after it."""
    person = PersonFactory(region=regions[VILLAGE])
    workbook = Workbook()
    sheet = workbook.active
    header, *_rows = table("recipients", [])
    sheet.append(header)
    sheet.append([person.id_number, "rural-reward", datetime.datetime(2020, 3, 1), 2025])
    sheet.cell(row=2, column=3).number_format = "yyyy/m/d"
    sheet.cell(row=2, column=5, value="示范农村商业银行")
    sheet.cell(row=2, column=6, value="6217990000000000001")
    sheet.append([])
    sheet.append(["bad", "rural-reward", "2020-03-01"])
    out = io.BytesIO()
    workbook.save(out)

    data_import = upload(village_officer, "recipients", out.getvalue())

    assert data_import.rows == 2 and data_import.valid_rows == 1
    assert errors_by_row(data_import) == {4: {"id_number"}}
    imports.commit(Actor(village_officer), data_import, "valid_only")
    application = Application.objects.get(applicant=person)
    assert application.year == 2020 and application.paid_from == datetime.date(2026, 1, 1)


@pytest.mark.django_db
def test_a_file_that_is_neither_a_workbook_nor_text_is_refused(village_officer, regions):
    with pytest.raises(Exception, match="无法读取该Excel文件"):
        upload(village_officer, "persons", b"PK\x03\x04not really a zip")
    with pytest.raises(Exception, match="XLSX"):
        upload(village_officer, "persons", b"\x00\x01\x02binary")


@pytest.mark.django_db
def test_the_facts_of_every_program_are_imported_in_the_words_of_the_template(
    village_officer, regions
):
    woman = PersonFactory(region=regions[VILLAGE], male=False)
    other = PersonFactory(region=regions[VILLAGE], male=False)
    sterilised = application_row(
        woman,
        program="sterilisation-reward",
        living_children="2",
        living_daughters="2",
        sterilised_on="2011-05-16",
        contraception_evidence="节育手术证明",
        marriage_history="初婚",
        marriage_evidence="结婚证",
        complication_grade="三级",
        complication_evidence="鉴定书",
        university_admission="女儿",
        admission_evidence="录取通知书",
        poor_household="是",
        poverty_evidence="低保证",
    )
    bad = application_row(
        other,
        program="sterilisation-reward",
        sterilised_on="2099-01-01",
        complication_grade="四级",
    )
    data_import = upload(village_officer, "applications", xlsx("applications", [sterilised, bad]))
    assert errors_by_row(data_import) == {3: {"sterilised_on", "complication_grade"}}

    imports.commit(Actor(village_officer), data_import, "valid_only")

    facts = {f.code: f.value for f in Application.objects.get(applicant=woman).facts.all()}
    assert facts["sterilised_on"] == "2011-05-16"
    assert facts["marriage_history"] == "first_marriage"
    assert facts["complication_grade"] == 3
    assert facts["university_admission"] == "daughter"
    assert facts["poor_household"] == "yes"
    assert not Application.objects.filter(applicant=other).exists()
