"""The registry through the pages and the API: scoping, downloads, revoking, public verification."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document, DocumentStatus
from permissions.roles import Role
from tests.casework.test_list_exports import page_table, same, workbook_rows
from tests.conftest import COUNTY, OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE
from tests.documents.test_issuing import pdf_of


@pytest.fixture
def approver(make_officer):
    return make_officer(Role.COUNTY_APPROVER, COUNTY, username="county_approver")


@pytest.fixture
def here_and_elsewhere(issue, regions):
    """One application's form in the first township's village, one in the other township."""
    return issue("application_form", region=VILLAGE), issue(
        "application_form", region=OTHER_TOWNSHIP_VILLAGE
    )


@pytest.mark.django_db
def test_the_list_shows_only_the_jurisdiction(client, township_reviewer, here_and_elsewhere):
    here, elsewhere = here_and_elsewhere
    client.force_login(township_reviewer)
    page = client.get(reverse("document-list")).content.decode()
    assert here.number in page and elsewhere.number not in page

    assert client.get(reverse("document-detail", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("document-pdf", args=[elsewhere.pk])).status_code == 404
    response = client.get(reverse("document-pdf", args=[here.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_of(here)


@pytest.mark.django_db
def test_the_lists_workbook_has_its_columns_and_only_the_jurisdiction(
    client, township_reviewer, here_and_elsewhere, django_assert_max_num_queries
):
    here, elsewhere = here_and_elsewhere
    client.force_login(township_reviewer)
    page = client.get(reverse("document-list"))
    table = page_table(page)
    with django_assert_max_num_queries(7):
        rows = workbook_rows(client.get(page.context["export_url"]))
    assert page.context["export_url"] == reverse("document-list") + "?format=xlsx"
    assert rows[0] == table.header == [str(c.label) for c in page.context["columns"]]
    assert len(rows) == 2 and rows[1][0] == here.number
    for text, cell in zip(table.rows[0], rows[1], strict=True):
        assert same(text, cell), (text, cell)
    assert all(elsewhere.number not in str(cell) for cell in rows[1])


@pytest.mark.django_db
def test_the_list_searches_and_filters(client, approver, issue):
    form = issue("application_form")
    notice = issue("posting_notice")
    client.force_login(approver)

    def numbers(**query):
        response = client.get(reverse("document-list"), query)
        return {
            number for number in (form.number, notice.number) if number in response.content.decode()
        }

    assert numbers() == {form.number, notice.number}
    assert numbers(kind="posting_notice") == {notice.number}
    assert numbers(q=form.code.lower()) == {form.number}
    assert numbers(q="公示") == {notice.number}
    assert numbers(region=OTHER_TOWNSHIP) == set()
    assert "没有" in client.get(reverse("document-list"), {"q": "不存在的文号"}).content.decode()


@pytest.mark.django_db
def test_list_page_and_api_keep_a_constant_number_of_queries(
    client, approver, issue, login_api, django_assert_max_num_queries
):
    for _ in range(3):
        issue("application_form")
    client.force_login(approver)
    api = login_api(approver)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("document-list")).status_code == 200
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/documents/").status_code == 200
    for _ in range(6):
        issue("application_form")
    with django_assert_max_num_queries(8):
        client.get(reverse("document-list"))
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/documents/").json()["count"] == 9


@pytest.mark.django_db
def test_revoke_through_the_page_needs_the_role_and_a_reason(
    client, approver, township_reviewer, issue
):
    document = issue("application_form", region=VILLAGE)
    url = reverse("document-revoke", args=[document.pk])

    client.force_login(township_reviewer)
    assert client.post(url, {"reason": "误发"}).status_code == 403
    client.force_login(approver)
    client.post(url, {"reason": ""})
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID

    response = client.post(url, {"reason": "误发"}, follow=True)
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVOKED
    assert "已作废" in response.content.decode() or "revoked" in response.content.decode()


@pytest.mark.django_db
def test_reissue_through_the_page_leads_to_the_new_version(client, approver, issue):
    document = issue("application_form")
    client.force_login(approver)
    response = client.post(reverse("document-reissue", args=[document.pk]), {"reason": "更正"})

    new = Document.objects.get(previous=document)
    assert response.status_code == 302 and response.url == reverse("document-detail", args=[new.pk])
    page = client.get(response.url).content.decode()
    assert document.number in page


@pytest.mark.django_db
def test_the_public_code_page_shows_status_and_masked_data_only(client, issue, administrator):
    document = issue("migrant_certificate")
    page = client.get(
        reverse("verify-code", args=[f"{document.code[:5].lower()}-{document.code[5:]}"])
    )
    text = page.content.decode()

    assert page.status_code == 200
    assert document.number in text and "360921********0028" in text
    assert client.get(reverse("verify-code", args=["ZZZZZZZZZZ"])).status_code == 404
    assert client.get(reverse("verify-code", args=["<script>"])).status_code == 404


@pytest.mark.django_db
def test_the_public_upload_page_answers_valid_and_altered(client, issue):
    data = pdf_of(issue("payment_letter"))
    good = client.post(reverse("verify"), {"file": SimpleUploadedFile("a.pdf", data)})
    assert "真实有效" in good.content.decode() or "Authentic" in good.content.decode()

    altered = bytearray(data)
    altered[len(altered) // 5] ^= 0x01
    bad = client.post(reverse("verify"), {"file": SimpleUploadedFile("a.pdf", bytes(altered))})
    assert "未通过" in bad.content.decode() or "Not accepted" in bad.content.decode()

    missing = client.post(reverse("verify"), {})
    assert "请选择" in missing.content.decode() or "Choose" in missing.content.decode()


@pytest.mark.django_db
def test_api_verify_by_code_is_public_and_masked(api_client, issue, administrator):
    document = issue("migrant_certificate")
    body = api_client.get(f"/api/v1/verify/{document.code}/").json()

    assert body["number"] == document.number and body["status"] == "valid"
    assert ["公民身份号码", "360921********0028"] in body["public_summary"]
    assert "context" not in body and "sha256" not in body
    missing = api_client.get("/api/v1/verify/ZZZZZZZZZZ/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_api_verify_upload(api_client, issue, administrator):
    from documents import issuing
    from permissions.audit import Actor

    document = issue("payment_letter")
    data = pdf_of(document)
    body = api_client.post(
        "/api/v1/documents/verify/", {"file": SimpleUploadedFile("a.pdf", data)}, format="multipart"
    ).json()
    assert body["valid"] is True and body["document_number"] == document.number
    assert body["kind"] == "payment_letter" and body["issuer"] == "安和县卫生健康委员会"
    assert body["revoked"] is False

    issuing.revoke(document, Actor(administrator), "误发")
    body = api_client.post(
        "/api/v1/documents/verify/", {"file": SimpleUploadedFile("a.pdf", data)}, format="multipart"
    ).json()
    assert body["valid"] is False and body["revoked"] is True and body["reason"] == "revoked"

    missing = api_client.post("/api/v1/documents/verify/", {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["error"]["fields"]


@pytest.mark.django_db
def test_api_documents_are_scoped_and_download(login_api, township_reviewer, here_and_elsewhere):
    here, elsewhere = here_and_elsewhere
    api = login_api(township_reviewer)

    listed = api.get("/api/v1/documents/").json()
    assert [row["number"] for row in listed["results"]] == [here.number]
    assert api.get(f"/api/v1/documents/{elsewhere.pk}/").status_code == 404
    assert api.get(f"/api/v1/documents/{elsewhere.pk}/pdf/").status_code == 404
    download = api.get(f"/api/v1/documents/{here.pk}/pdf/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_api_documents_need_a_login(api_client, issue):
    issue("payment_letter")
    assert api_client.get("/api/v1/documents/").status_code == 401


@pytest.mark.django_db
def test_a_township_officer_outside_the_county_office_region_cannot_manage(make_officer, issue):
    from permissions import rules

    document = issue("payment_letter", region=VILLAGE)
    outsider = make_officer(Role.ADMINISTRATOR, OTHER_TOWNSHIP)
    insider = make_officer(Role.ADMINISTRATOR, TOWNSHIP)
    assert not rules.may_manage_document(outsider, document)
    assert rules.may_manage_document(insider, document)


@pytest.mark.django_db
def test_every_public_check_is_logged_and_rate_limited(client, api_client, issue, settings):
    from documents.models import VerificationCheck

    document = issue("migrant_certificate")
    client.get(reverse("verify-code", args=[document.code]))
    client.get(reverse("verify-code", args=["ZZZZZZZZZZ"]))
    api_client.get(f"/api/v1/verify/{document.code}/")

    logged = list(
        VerificationCheck.objects.order_by("id").values_list("channel", "code", "outcome")
    )
    assert logged == [
        ("page", document.code, "valid"),
        ("page", "ZZZZZZZZZZ", "not_found"),
        ("api", document.code, "valid"),
    ]
    assert VerificationCheck.objects.filter(document=document).count() == 2
    assert VerificationCheck.objects.first().client_address == "127.0.0.1"

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"verify": "2/min"},
    }
    cache.clear()
    answers = [
        client.get(reverse("verify-code", args=[document.code])).status_code for _ in range(3)
    ]
    assert answers == [200, 200, 429]


@pytest.mark.django_db
def test_a_wrong_code_close_to_a_real_one_gets_the_same_answer(client, issue):
    document = issue("migrant_certificate")
    near = document.code[:-1] + ("2" if document.code[-1] != "2" else "3")
    far = "ZZZZZZZZZZ" if document.code != "ZZZZZZZZZZ" else "2222222222"
    near_page = client.get(reverse("verify-code", args=[near]))
    far_page = client.get(reverse("verify-code", args=[far]))
    assert near_page.status_code == far_page.status_code == 404

    def main(page, code):
        html = page.content.decode()
        return html[html.index("<main>") : html.index("</main>")].replace(code, "X")

    assert main(near_page, near) == main(far_page, far)
