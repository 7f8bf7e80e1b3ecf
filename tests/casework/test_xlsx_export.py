"""Every API list answers ?format=xlsx with the same filtered, scoped rows, Chinese headers and
ID numbers masked as in the JSON; list pages export their own columns (test_list_exports)."""

import io

import pytest
from openpyxl import load_workbook

from casework.factories import PersonFactory
from tests.conftest import OTHER_VILLAGE, VILLAGE


def sheet_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)


@pytest.mark.django_db
def test_persons_as_a_workbook(login_api, village_officer, regions):
    mine = PersonFactory.create_batch(3, region=regions[VILLAGE])
    PersonFactory(region=regions[OTHER_VILLAGE])
    api = login_api(village_officer)
    rows = sheet_rows(api.get("/api/v1/persons/?format=xlsx"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("ID", "身份证号码", "姓名", "性别")
    assert len(body) == 3
    assert all(row[1].count("*") == 8 for row in body)
    assert {p.name for p in mine} == {row[header.index("姓名")] for row in body}
    filtered = sheet_rows(api.get(f"/api/v1/persons/?format=xlsx&q={mine[0].name}"))
    assert len(filtered) >= 2 and filtered[1][header.index("姓名")] == mine[0].name


@pytest.mark.django_db
def test_every_list_answers_xlsx(login_api, administrator, regions):
    api = login_api(administrator)
    for path in ("regions", "programs", "applications", "postings", "documents", "certificates"):
        response = api.get(f"/api/v1/{path}/?format=xlsx")
        assert response.status_code == 200, path
        assert sheet_rows(response)[0], path


@pytest.mark.django_db
def test_list_pages_link_their_filters_to_their_own_workbook(client, village_officer, regions):
    person = PersonFactory(region=regions[VILLAGE])
    client.force_login(village_officer)
    page = client.get(f"/persons/?q={person.name}")
    url = page.context["export_url"]
    assert url.startswith("/persons/?") and "format=xlsx" in url and "q=" in url
    assert "导出Excel" in page.content.decode()
    rows = sheet_rows(client.get(url))
    assert [row[0] for row in rows[1:]] == [person.name]


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/documents/?kind=posting_notice", "/notices/?status=sent"])
def test_the_document_and_notice_pages_link_their_workbook(client, administrator, regions, page):
    client.force_login(administrator)
    response = client.get(page)
    url = response.context["export_url"]
    assert "format=xlsx" in url and page.split("?")[1] in url
    assert "导出Excel" in response.content.decode()
    assert sheet_rows(client.get(url))[0]
