"""Certificates and notices through the API: create, transitions, history, refusals, scoping."""

import datetime

import pytest

from casework.models import CertificateKind, CertificateNotice, MigrantCertificate
from permissions.audit import Actor
from permissions.roles import Role
from tests.conftest import OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE
from tests.workflows.test_certificates import HOLDER_ID
from workflows import certificates

APPLICATION = {
    "kind": "marriage_childbearing",
    "holder_name": "韩秀英",
    "holder_id_number": HOLDER_ID,
    "registration_region": VILLAGE,
    "registration_address": "城关镇东风村5组",
    "marital_status": "married",
    "married_on": "2018-10-01",
    "spouse_name": "杨志强",
    "children": [{"name": "杨小春", "sex": "女", "birth_date": "2019-06-12"}],
}


@pytest.fixture
def migrant_officer(make_officer, offices):
    return make_officer(Role.MIGRANT_SERVICE_OFFICER, TOWNSHIP, username="migrant_officer")


@pytest.fixture
def other_migrant_officer(make_officer, offices):
    return make_officer(Role.MIGRANT_SERVICE_OFFICER, OTHER_TOWNSHIP, username="other_officer")


def transition(api, certificate_id, name, **data):
    return api.post(
        f"/api/v1/certificates/{certificate_id}/transitions/{name}/", data, format="json"
    )


@pytest.mark.django_db
def test_from_application_to_issue_through_the_api(login_api, migrant_officer):
    api = login_api(migrant_officer)
    created = api.post("/api/v1/certificates/", APPLICATION, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["available_transitions"] == ["submit"]
    assert body["holder_id_number"] == HOLDER_ID

    pk = body["id"]
    assert transition(api, pk, "submit").json()["status"] == "submitted"
    assert transition(api, pk, "verify", opinion="属实").json()["status"] == "verified"
    issued = transition(api, pk, "issue").json()
    assert issued["status"] == "issued" and issued["valid_until"] == "2029-11-23"
    assert [item["transition"] for item in issued["history"]] == [
        "apply",
        "submit",
        "verify",
        "issue",
    ]
    assert issued["history"][2]["opinion"] == "属实" and issued["history"][2]["actor"]

    documents = api.get(f"/api/v1/certificates/{pk}/documents/").json()
    assert [d["number"] for d in documents] == [issued["document_number"]]
    code = documents[0]["code"]
    public = api.get(f"/api/v1/verify/{code}/").json()
    assert public["status"] == "valid" and ["持证人", "韩**"] in public["public_summary"]

    listed = api.get("/api/v1/certificates/").json()["results"]
    assert listed[0]["holder_id_number"] == "360921********002X"


@pytest.mark.django_db
def test_api_refusals(login_api, migrant_officer, other_migrant_officer, village_officer):
    api = login_api(migrant_officer)
    bad = api.post(
        "/api/v1/certificates/", {**APPLICATION, "holder_id_number": "123"}, format="json"
    )
    assert bad.status_code == 400 and "holder_id_number" in bad.json()["error"]["fields"]
    assert not MigrantCertificate.objects.exists()

    pk = api.post("/api/v1/certificates/", {**APPLICATION, "submit": True}, format="json").json()[
        "id"
    ]
    assert transition(api, pk, "issue").status_code == 409
    assert transition(api, pk, "fly_away").status_code == 404
    refused = transition(api, pk, "reject", opinion="")
    assert refused.status_code == 400 and "opinion" in refused.json()["error"]["fields"]

    assert (
        login_api(village_officer)
        .post("/api/v1/certificates/", APPLICATION, format="json")
        .status_code
        == 403
    )
    other = login_api(other_migrant_officer)
    assert other.get(f"/api/v1/certificates/{pk}/").status_code == 404
    assert transition(other, pk, "verify", opinion="x").status_code == 404


@pytest.mark.django_db
def test_notices_for_the_other_township(login_api, migrant_officer, other_migrant_officer, regions):
    certificate = certificates.apply(
        Actor(migrant_officer),
        MigrantCertificate(
            kind=CertificateKind.SERVICE,
            holder_name="韩秀英",
            holder_id_number=HOLDER_ID,
            registration_region=regions[OTHER_TOWNSHIP_VILLAGE],
            registration_address="石桥村",
            residence_region=regions[VILLAGE],
            residence_since=datetime.date(2026, 5, 6),
            marital_status="unmarried",
        ),
    )
    api = login_api(migrant_officer)
    sent = api.post(
        f"/api/v1/certificates/{certificate.pk}/notices/",
        {"topic": "moved_again", "message": "已迁往外省"},
        format="json",
    )
    assert sent.status_code == 201 and sent.json()["to_region"] == OTHER_TOWNSHIP

    other = login_api(other_migrant_officer)
    assert other.get(f"/api/v1/certificates/{certificate.pk}/").status_code == 404
    inbox = other.get("/api/v1/notices/?direction=in&status=sent").json()["results"]
    assert [row["id"] for row in inbox] == [sent.json()["id"]]
    assert inbox[0]["holder_id_number"] == "360921********002X"
    assert inbox[0]["available_transitions"] == ["acknowledge"]
    acknowledged = other.post(
        f"/api/v1/notices/{inbox[0]['id']}/transitions/acknowledge/",
        {"reply": "收到"},
        format="json",
    )
    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "acknowledged"
    again = other.post(
        f"/api/v1/notices/{inbox[0]['id']}/transitions/acknowledge/", {}, format="json"
    )
    assert again.status_code in (403, 409)
    assert CertificateNotice.objects.get(pk=inbox[0]["id"]).reply == "收到"


@pytest.mark.django_db
def test_lists_keep_a_constant_number_of_queries(
    login_api, migrant_officer, regions, django_assert_max_num_queries
):
    api = login_api(migrant_officer)

    def add(count):
        for index in range(count):
            certificates.apply(
                Actor(migrant_officer),
                MigrantCertificate(**{**_facts(regions), "holder_name": f"韩{index}"}),
            )

    add(2)
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/certificates/").json()["count"] == 2
    add(8)
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/certificates/").json()["count"] == 10
    with django_assert_max_num_queries(6):
        api.get("/api/v1/notices/")


def _facts(regions):
    return {
        "kind": CertificateKind.MARRIAGE_CHILDBEARING,
        "holder_id_number": HOLDER_ID,
        "registration_region": regions[VILLAGE],
        "registration_address": "东风村",
        "marital_status": "unmarried",
    }


@pytest.mark.django_db
def test_attachments_are_checked_by_content_and_scoped(
    login_api, migrant_officer, other_migrant_officer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api = login_api(migrant_officer)
    pk = api.post("/api/v1/certificates/", APPLICATION, format="json").json()["id"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    added = api.post(
        f"/api/v1/certificates/{pk}/attachments/",
        {
            "file": SimpleUploadedFile("scan.png", png, content_type="image/png"),
            "description": "结婚证",
        },
        format="multipart",
    )
    assert added.status_code == 201 and added.json()["content_type"] == "image/png"
    disguised = api.post(
        f"/api/v1/certificates/{pk}/attachments/",
        {
            "file": SimpleUploadedFile(
                "scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
            ),
            "description": "户口簿",
        },
        format="multipart",
    )
    assert disguised.status_code == 400 and "file" in disguised.json()["error"]["fields"]
    nameless = api.post(
        f"/api/v1/certificates/{pk}/attachments/",
        {"file": SimpleUploadedFile("scan.png", png, content_type="image/png"), "description": " "},
        format="multipart",
    )
    assert nameless.status_code == 400
    assert [
        a["description"] for a in api.get(f"/api/v1/certificates/{pk}/attachments/").json()
    ] == ["结婚证"]
    other = login_api(other_migrant_officer)
    assert other.get(f"/api/v1/certificates/{pk}/attachments/").status_code == 404


@pytest.mark.django_db
def test_attachment_download_through_the_page(
    client, migrant_officer, other_migrant_officer, login_api
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casework.models import CertificateAttachment

    api = login_api(migrant_officer)
    pk = api.post("/api/v1/certificates/", APPLICATION, format="json").json()["id"]
    pdf = b"%PDF-1.4 scanned"
    client.force_login(migrant_officer)
    client.post(
        f"/certificates/{pk}/attachments/",
        {
            "file": SimpleUploadedFile("a.pdf", pdf, content_type="application/pdf"),
            "description": "户口簿",
        },
    )
    attachment = CertificateAttachment.objects.get()
    response = client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    client.force_login(other_migrant_officer)
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404
