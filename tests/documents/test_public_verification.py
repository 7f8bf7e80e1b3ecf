"""What the public learns when a document is no longer valid: the fixed message for its status
(and, for a replaced one, the number of its new version), never the free text an officer typed
when revoking or re-issuing it; officers still read that text inside."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import issuing
from permissions.audit import Actor
from tests.documents.test_issuing import pdf_of

# A reason as officers type them: with somebody's name in it.
REASON = "误发给张三丰本人"


def public_answers(client, api_client, document, data) -> dict[str, str]:
    """Every public answer about ``document``, by where it is given."""
    upload = {"file": SimpleUploadedFile("a.pdf", data)}
    return {
        "upload page": client.post(reverse("verify"), upload).content.decode(),
        "code page": client.get(reverse("verify-code", args=[document.code])).content.decode(),
        "upload API": api_client.post(
            "/api/v1/documents/verify/",
            {"file": SimpleUploadedFile("a.pdf", data)},
            format="multipart",
        ).content.decode(),
        "code API": api_client.get(f"/api/v1/verify/{document.code}/").content.decode(),
    }


@pytest.mark.django_db
def test_the_public_never_sees_the_reason_typed_at_revocation(
    client, api_client, issue, administrator, county_approver
):
    document = issue("application_form")
    data = pdf_of(document)
    issuing.revoke(document, Actor(administrator), REASON)

    answers = public_answers(client, api_client, document, data)

    assert {where: "张三丰" in text for where, text in answers.items()} == dict.fromkeys(
        answers, False
    )
    assert "已作废" in answers["upload page"] and "已作废" in answers["code page"]
    assert '"reason":"revoked"' in answers["upload API"].replace(" ", "")
    client.force_login(county_approver)
    inside = client.get(reverse("document-detail", args=[document.pk])).content.decode()
    assert REASON in inside


@pytest.mark.django_db
def test_a_replaced_document_names_its_new_number_but_not_the_reason(
    client, api_client, issue, administrator
):
    document = issue("application_form")
    data = pdf_of(document)
    new = issuing.reissue(document, Actor(administrator), REASON)

    answers = public_answers(client, api_client, document, data)

    assert not any("张三丰" in text for text in answers.values())
    assert all(new.number in text for text in answers.values())
