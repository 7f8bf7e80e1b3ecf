"""The file of a registered two-illegal case: parties (ID numbers checked, masked in lists),
evidence (recognised by its bytes, stored once under its SHA-256, downloaded only by those who
see the case) and the chronology; only the assigned investigators add, only while the case is
registered, each addition audited."""

import datetime
import hashlib
import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from casework.id_numbers import check_character
from casework.models import (
    CaseAction,
    CaseParty,
    EnforcementCase,
    Evidence,
    EvidenceKind,
    PartyRole,
)
from permissions.audit import Actor
from permissions.models import AuditEntry
from tests.workflows import test_cases
from workflows import case_files
from workflows.transitions import TransitionConflict, history

# The fixtures of the clue's tests: three investigators, a case approver, a recorded clue.
investigators, case_approver, clue = (
    test_cases.investigators,
    test_cases.case_approver,
    test_cases.clue,
)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x0f" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64
ID_17 = "11010519800101002"
ID_NUMBER = ID_17 + check_character(ID_17)
BAD_ID_NUMBER = ID_17 + ("0" if check_character(ID_17) != "0" else "1")


@pytest.fixture
def registered(clue, login_api, investigators, case_approver):
    """The clue proposed by investigator 0 and registered with investigators 1 and 2 (so
    investigator 0 no longer sees it); returns its id."""
    url = f"/api/v1/cases/{clue}/transitions/"
    proposed = login_api(investigators[0]).post(
        url + "propose_registration/", {"opinion": "线索具体，建议立案"}, format="json"
    )
    assert proposed.status_code == 200, proposed.json()
    registered = login_api(case_approver).post(
        url + "register/",
        {"investigators": [investigators[1].pk, investigators[2].pk], "opinion": "同意立案"},
        format="json",
    )
    assert registered.json()["status"] == "registered"
    return clue


def _evidence(api, case_id, content=PDF, name="询问笔录.pdf", **fields):
    values = {
        "kind": "interview",
        "description": "对诊所经营者的询问笔录",
        "collected_on": "2026-11-23",
        **fields,
    }
    if content is not None:
        values["file"] = SimpleUploadedFile(name, content)
    return api.post(f"/api/v1/cases/{case_id}/evidence/", values, format="multipart")


def _actions(case_id, action):
    return AuditEntry.objects.filter(
        content_type__model="enforcementcase", object_id=str(case_id), action=action
    ).order_by("seq")


@pytest.mark.django_db
def test_parties_are_checked_and_masked(registered, login_api, investigators):
    api = login_api(investigators[1])
    url = f"/api/v1/cases/{registered}/parties/"
    bad = api.post(url, {"name": "张某", "role": "suspect", "id_number": BAD_ID_NUMBER})
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["id_number"]
    missing = api.post(url, {"role": "suspect"}, format="json").json()["error"]["fields"]
    assert list(missing) == ["name"]
    assert not CaseParty.objects.exists()

    person = api.post(
        url,
        {"name": "张某", "role": "medical_staff", "id_number": ID_NUMBER.lower()},
        format="json",
    )
    assert person.status_code == 201, person.json()
    assert person.json()["id_number"] == ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
    assert person.json()["is_medical_staff"] is True
    assert CaseParty.objects.get(name="张某").id_number == ID_NUMBER
    # An institution's unit code is free text (up to 30 characters), shown whole.
    clinic = api.post(
        url, {"name": "某诊所", "role": "institution", "id_number": "92360921MA00000001"}
    )
    assert clinic.status_code == 201, clinic.json()
    listed = api.get(url).json()
    assert [p["name"] for p in listed] == ["张某", "某诊所"]
    assert ID_NUMBER not in api.get(url).content.decode()
    assert listed[1]["id_number"] == "92360921MA00000001"
    entries = _actions(registered, "add_party")
    assert entries.count() == 2 and entries.first().actor == investigators[1]
    assert ID_NUMBER not in str(list(entries.values_list("data", flat=True)))


@pytest.mark.django_db
def test_evidence_is_recognised_hashed_and_scoped(
    registered, login_api, investigators, case_approver
):
    api = login_api(investigators[1])
    kept = _evidence(api, registered)
    assert kept.status_code == 201, kept.json()
    body = kept.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["size"] == len(PDF)
    evidence = Evidence.objects.get()
    assert evidence.file.name.endswith(f"{body['sha256']}.pdf")
    assert evidence.collected_by == investigators[1]

    forged = _evidence(api, registered, content=b"MZ\x90\x00 not a pdf", name="forged.pdf")
    assert forged.status_code == 400 and "file" in forged.json()["error"]["fields"]
    future = _evidence(api, registered, collected_on="2026-11-25")
    assert "collected_on" in future.json()["error"]["fields"]
    no_file = _evidence(api, registered, content=None)
    assert "file" in no_file.json()["error"]["fields"]
    assert Evidence.objects.count() == 1

    for content, name in ((MP3, "录音.mp3"), (MP4, "录像.mp4"), (WAV, "录音.wav")):
        response = _evidence(api, registered, content=content, name=name, kind="audio_video")
        assert response.status_code == 201, response.json()
    assert {os.path.splitext(e.file.name)[1] for e in Evidence.objects.all()} == {
        ".pdf",
        ".mp3",
        ".mp4",
        ".wav",
    }

    file_url = f"/api/v1/cases/{registered}/evidence/{evidence.pk}/file/"
    downloaded = api.get(file_url)
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == PDF
    assert downloaded["Content-Type"] == "application/pdf"
    assert login_api(case_approver).get(file_url).status_code == 200
    # Investigator 0 was taken off the case at registration: it is out of their reach.
    outsider = login_api(investigators[0])
    assert outsider.get(file_url).status_code == 404
    assert outsider.get(f"/api/v1/cases/{registered}/evidence/").status_code == 404

    listed = login_api(investigators[2]).get(f"/api/v1/cases/{registered}/evidence/").json()
    assert listed[0]["sha256"] == body["sha256"]
    entry = _actions(registered, "add_evidence").first()
    assert entry.data["sha256"] == body["sha256"] and entry.data["size"] == len(PDF)


@pytest.mark.django_db
def test_the_same_bytes_are_stored_once_and_read_only(registered, investigators):
    case = EnforcementCase.objects.get(pk=registered)
    actor = Actor(investigators[1])
    day = datetime.date(2026, 11, 23)
    first = case_files.add_evidence(
        actor, case, SimpleUploadedFile("a.pdf", PDF), "document", "处方单", day
    )
    second = case_files.add_evidence(
        actor, case, SimpleUploadedFile("b.pdf", PDF), "document", "处方单复印件", day
    )
    assert first.file.name == second.file.name
    assert not os.access(first.file.path, os.W_OK) or os.geteuid() == 0
    assert first.file.read() == PDF


def test_evidence_larger_than_50_mb_is_refused():
    upload = SimpleUploadedFile("big.mp4", MP4)
    upload.size = case_files.MAX_EVIDENCE_BYTES + 1
    with pytest.raises(ValidationError) as refused:
        case_files.inspect_evidence(upload)
    assert "file" in refused.value.message_dict


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (PDF, "application/pdf"),
        (b"\xff\xd8\xff\xe0 jpeg", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n png", "image/png"),
        (MP3, "audio/mpeg"),
        (b"\xff\xfb\x90\x00 mp3 frame", "audio/mpeg"),
        (MP4, "video/mp4"),
        (WAV, "audio/wav"),
    ],
)
def test_evidence_files_are_recognised_by_their_bytes(head, content_type):
    upload = SimpleUploadedFile("whatever.bin", head)
    assert case_files.inspect_evidence(upload)[0] == content_type


@pytest.mark.parametrize(
    "head", [b"", b"RIFF\x00\x00\x00\x00AVI LIST", b"PK\x03\x04 docx", b"<html>%PDF-"]
)
def test_other_files_are_refused(head):
    with pytest.raises(ValidationError):
        case_files.inspect_evidence(SimpleUploadedFile("x.pdf", head))


@pytest.mark.django_db
def test_the_chronology_refuses_future_dates(registered, login_api, investigators):
    api = login_api(investigators[2])
    url = f"/api/v1/cases/{registered}/chronology/"
    future = api.post(url, {"happened_on": "2026-11-25", "description": "现场检查"})
    assert future.status_code == 400
    assert list(future.json()["error"]["fields"]) == ["happened_on"]
    assert "description" in api.post(url, {"happened_on": "2026-11-24"}).json()["error"]["fields"]
    added = api.post(url, {"happened_on": "2026-11-24", "description": "对诊所进行现场检查"})
    assert added.status_code == 201, added.json()
    earlier = api.post(url, {"happened_on": "2026-11-21", "description": "询问举报人"})
    assert earlier.status_code == 201
    assert [e["happened_on"] for e in api.get(url).json()] == ["2026-11-21", "2026-11-24"]
    assert api.get(url).json()[0]["officer"] == str(investigators[2])
    assert _actions(registered, "add_action").count() == 2
    labels = [e["transition_display"] for e in history(EnforcementCase.objects.get(pk=registered))]
    assert "add_action" not in labels


@pytest.mark.django_db
def test_an_approver_who_is_not_assigned_cannot_add(registered, login_api, case_approver):
    api = login_api(case_approver)
    base = f"/api/v1/cases/{registered}/"
    party = api.post(base + "parties/", {"name": "张某", "role": "suspect"})
    assert party.status_code == 403 and party.json()["error"]["code"] == "forbidden"
    # Refused before the input is even read: no field errors for someone who may not add.
    assert api.post(base + "parties/", {}).status_code == 403
    assert _evidence(api, registered).status_code == 403
    entry = api.post(base + "chronology/", {"happened_on": "2026-11-24", "description": "x"})
    assert entry.status_code == 403
    case = EnforcementCase.objects.get(pk=registered)
    with pytest.raises(PermissionDenied):
        case_files.add_action(Actor(case_approver), case, datetime.date(2026, 11, 24), "x")
    assert not (CaseParty.objects.exists() or Evidence.objects.exists())
    assert not CaseAction.objects.exists()
    assert api.get(base + "parties/").status_code == 200


@pytest.mark.django_db
def test_a_clue_takes_attachments_but_no_parties_or_chronology(clue, login_api, investigators):
    api = login_api(investigators[0])  # the recorder, assigned to the clue
    base = f"/api/v1/cases/{clue}/"
    party = api.post(base + "parties/", {"name": "张某", "role": "suspect"})
    assert party.status_code == 409 and party.json()["error"]["code"] == "conflict"
    # The clue's attachments (the tip letter, photos) are kept as evidence from the start.
    assert _evidence(api, clue).status_code == 201
    entry = api.post(base + "chronology/", {"happened_on": "2026-11-24", "description": "x"})
    assert entry.status_code == 409
    assert not CaseParty.objects.exists() and Evidence.objects.count() == 1
    assert not CaseAction.objects.exists()
    assert not _actions(clue, "add_party").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["decision_proposed", "decided", "closed"])
def test_the_file_is_frozen_after_the_investigation(registered, investigators, status):
    EnforcementCase.objects.filter(pk=registered).update(status=status)
    case = EnforcementCase.objects.get(pk=registered)
    with pytest.raises(TransitionConflict) as refused, translation.override("en"):
        case_files.add_party(Actor(investigators[1]), case, {"name": "张某", "role": "suspect"})
    assert ("read-only" in refused.value.message) == (status == "closed")
    assert not CaseParty.objects.exists()


@pytest.mark.django_db
def test_the_case_file_through_the_pages(
    registered, client, investigators, case_approver, django_assert_max_num_queries
):
    detail = reverse("case-detail", args=[registered])
    client.force_login(investigators[1])
    page = client.get(detail).content.decode()
    for action in ("case-add-party", "case-add-evidence", "case-add-action"):
        assert reverse(action, args=[registered]) in page
    # The forms offer exactly the model's choices.
    for value in [*PartyRole.values, *EvidenceKind.values]:
        assert f'value="{value}"' in page

    bad = client.post(
        reverse("case-add-party", args=[registered]),
        {"name": "张某", "role": "suspect", "id_number": BAD_ID_NUMBER},
        follow=True,
    )
    assert bad.redirect_chain[-1][0] == detail
    assert 'class="message error"' in bad.content.decode()
    assert not CaseParty.objects.exists()

    def add_one_of_each(n):
        client.post(
            reverse("case-add-party", args=[registered]),
            {"name": f"当事人{n}", "role": "suspect", "id_number": ID_NUMBER},
        )
        client.post(
            reverse("case-add-evidence", args=[registered]),
            {
                "kind": "document",
                "description": f"书证{n}",
                "collected_on": "2026-11-23",
                "file": SimpleUploadedFile(f"{n}.pdf", PDF + bytes([n])),
            },
        )
        client.post(
            reverse("case-add-action", args=[registered]),
            {"happened_on": f"2026-11-2{n % 4 + 1}", "description": f"调查步骤{n}"},
        )

    add_one_of_each(0)
    with django_assert_max_num_queries(14) as captured:
        client.get(detail)
    with_one_row = len(captured)  # now: the captured list is read from the connection's log
    for n in range(1, 4):
        add_one_of_each(n)
    assert CaseParty.objects.count() == Evidence.objects.count() == CaseAction.objects.count() == 4
    # The sections cost one query each, however long the case file grows.
    with django_assert_max_num_queries(with_one_row):
        page = client.get(detail).content.decode()
    assert "当事人2" in page and "调查步骤2" in page
    assert ID_NUMBER not in page and ID_NUMBER[:6] + "********" + ID_NUMBER[-4:] in page
    evidence = Evidence.objects.first()
    assert evidence.sha256[:12] in page
    download = reverse("case-evidence-download", args=[registered, evidence.pk])
    assert download in page
    assert b"".join(client.get(download).streaming_content).startswith(b"%PDF-")

    # The approver sees the file but gets no forms; the investigator taken off gets 404.
    client.force_login(case_approver)
    page = client.get(detail).content.decode()
    assert "当事人0" in page and reverse("case-add-party", args=[registered]) not in page
    refused = client.post(
        reverse("case-add-action", args=[registered]),
        {"happened_on": "2026-11-24", "description": "x"},
        follow=True,
    )
    assert 'class="message error"' in refused.content.decode()
    assert CaseAction.objects.count() == 4
    client.force_login(investigators[0])
    assert client.get(download).status_code == 404
    assert client.post(reverse("case-add-party", args=[registered]), {}).status_code == 404
