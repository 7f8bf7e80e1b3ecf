"""The pipeline: numbering, rendering with an embedded CJK font, signing, registering, auditing."""

import hashlib
import io
import subprocess

import pytest
import segno
from django.core.exceptions import ImproperlyConfigured
from pypdf import PdfReader

from documents import issuing, keys, rendering, signing, typeface
from documents.kinds import KINDS
from documents.models import Document, DocumentSequence, DocumentStatus
from permissions.audit import Actor, verify_chain
from permissions.models import AuditEntry
from tests.conftest import COUNTY, VILLAGE
from tests.document_fixtures import TITLES, subject_for


def pdf_of(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def scan_qr(data: bytes, tmp_path, *, dpi: int = 200) -> str:
    """What a scanner reads from the QR code on the first page, drawn by poppler at ``dpi``."""
    (tmp_path / "scanned.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-l", "1", "-singlefile"]
        + [tmp_path / "scanned.pdf", tmp_path / "scanned"],
        check=True,
    )
    return subprocess.run(
        ["zbarimg", "--quiet", "--raw", tmp_path / "scanned.png"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def text_of(data: bytes) -> str:
    """The text of every page with all whitespace removed, so line breaks do not matter."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return "".join(text.split())


def fonts_of(data: bytes) -> dict[str, bool]:
    """Every font used on any page → whether its file is embedded."""
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font
            if "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()
            descriptor = descriptor["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_chinese_with_an_embedded_cjk_font(issue, kind):
    document = issue(kind)
    data = pdf_of(document)

    fonts = fonts_of(data)
    assert fonts and all(fonts.values()), fonts
    # Set from the CJK typeface cut down to the common characters (documents/typeface.py).
    assert any(typeface.COMMON_FAMILY.replace(" ", "-") in name for name in fonts), fonts
    text = text_of(data)
    for written in (TITLES[kind], document.number, "安和县卫生健康委员会", "演示证书"):
        assert "".join(written.split()) in text


@pytest.mark.django_db
def test_issue_numbers_signs_stores_and_registers(issue, administrator, signing):
    first = issue("payment_letter")
    second = issue("payment_letter")
    certificate = issue("migrant_certificate")

    assert first.number == "安和县卫健〔2026〕奖扶发字第0001号"
    assert second.number == "安和县卫健〔2026〕奖扶发字第0002号"
    assert certificate.number == "安和县卫健〔2026〕婚育证字第0001号"
    data = pdf_of(first)
    assert hashlib.sha256(data).hexdigest() == first.sha256
    assert first.size == len(data) and first.pages >= 1
    assert first.signer_fingerprint == keys.load_office_key("county-wjw").fingerprint
    assert first.issued_by == administrator and first.status == DocumentStatus.VALID
    assert len(first.code) == 10 and first.code != second.code
    entry = AuditEntry.objects.get(action="document.issue", object_id=str(first.pk))
    assert entry.data["sha256"] == first.sha256 and entry.to_state == "valid"
    assert verify_chain().intact


@pytest.mark.django_db
def test_numbers_restart_each_year_and_are_kept_per_office(issue, offices, settings):
    issue("payment_letter")
    township = issue("payment_letter", office=offices["chengguan"])
    settings.CASEWORK_TODAY = "2027-01-04"
    next_year = issue("payment_letter")

    assert township.number == "城关镇〔2026〕奖扶发字第0001号"
    assert next_year.number == "安和县卫健〔2027〕奖扶发字第0001号"


@pytest.mark.django_db
def test_a_failed_issue_leaves_no_number_row_file_or_audit_entry(issue, monkeypatch, settings):
    def broken_signing(*args, **kwargs):
        raise RuntimeError("the signing device failed")

    monkeypatch.setattr(signing, "sign_pdf", broken_signing)
    with pytest.raises(RuntimeError):
        issue("payment_letter")
    monkeypatch.undo()

    assert not Document.objects.exists()
    assert not AuditEntry.objects.filter(action="document.issue").exists()
    assert not list((settings.MEDIA_ROOT).rglob("*.pdf"))
    assert issue("payment_letter").serial == 1


@pytest.mark.django_db
def test_a_public_summary_with_a_whole_id_number_is_refused(issue):
    with pytest.raises(ValueError, match="身份证|ID"):
        issue(public_summary=[("公民身份号码", "36092119660308002X")])
    assert not Document.objects.exists()
    assert not DocumentSequence.objects.filter(last_serial__gt=0).exists()


@pytest.mark.django_db
def test_the_signature_widget_lies_over_the_drawn_seal(issue):
    reader = PdfReader(io.BytesIO(pdf_of(issue("payment_letter"))))
    widgets = [
        annotation.get_object()
        for annotation in reader.pages[-1].get("/Annots", [])
        if annotation.get_object().get("/FT") == "/Sig"
    ]
    assert len(widgets) == 1
    left, bottom, right, top = (float(value) for value in widgets[0]["/Rect"])
    width_mm, height_mm = (right - left) / 72 * 25.4, (top - bottom) / 72 * 25.4
    assert 55 < width_mm < 70 and 40 < height_mm < 55


@pytest.mark.django_db
def test_the_visible_block_names_the_signers_of_each_step(issue):
    signers = [
        issuing.Signer("村级入户核实", "村专干甲", "2026年11月2日", "情况属实"),
        issuing.Signer("乡镇审核", "乡镇审核员", "2026年11月10日", "同意上报"),
    ]
    text = text_of(pdf_of(issue("migrant_certificate", signers=signers)))
    for expected in ("村专干甲", "乡镇审核员", "同意上报", "电子签章"):
        assert expected in text


@pytest.mark.django_db
def test_the_approval_form_leaves_blank_lines_for_the_levels_nobody_signed(issue, make_request):
    signers = [
        issuing.Signer("村级入户核实", "村专干甲", "2026年11月2日", "情况属实"),
        issuing.Signer("乡镇审核", "乡镇审核员", "2026年11月10日", "同意上报"),
    ]
    text = text_of(pdf_of(issue("application_form", signers=signers)))

    assert "签字：村专干甲" in text and "签字：乡镇审核员" in text
    # 民主评议, 县级复核, 县级审批 and 市级备案 are still to be signed by hand.
    assert text.count("意见：__________") == 4
    # The signed levels' blank lines are not in the page at all, not merely hidden.
    body = issuing.document_body(
        make_request("application_form", signers=signers), "第0001号", "ABCDE23456", demo=True
    )
    assert body.count('class="signed blank"') == 4


@pytest.mark.django_db
def test_a_long_posting_prints_page_numbers_and_every_row(issue):
    document = issue("posting_notice", rows=120)
    text = text_of(pdf_of(document))

    assert document.pages >= 3
    assert f"第1页共{document.pages}页" in text
    assert "共120人" in text
    assert "360921********1119" in text  # the last row


@pytest.mark.django_db
def test_reissue_supersedes_the_old_version(issue, administrator):
    old = issue("payment_letter")
    new = issuing.reissue(old, Actor(administrator), "银行卡号更正")

    old.refresh_from_db()
    assert old.status == DocumentStatus.SUPERSEDED and old.status_reason == "银行卡号更正"
    assert new.previous == old and new.version == 2 and new.number != old.number
    assert "本件为第2版" in text_of(pdf_of(new))
    assert AuditEntry.objects.filter(action="document.supersede", object_id=str(old.pk)).exists()
    with pytest.raises(ValueError):
        issuing.reissue(old, Actor(administrator), "再次更正")


@pytest.mark.django_db
def test_revoke_needs_a_reason_and_happens_once(issue, administrator):
    document = issue("payment_letter")
    with pytest.raises(ValueError):
        issuing.revoke(document, Actor(administrator), "  ")

    issuing.revoke(document, Actor(administrator), "发放对象死亡，告知书作废")
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVOKED
    entry = AuditEntry.objects.get(action="document.revoke")
    assert entry.opinion == "发放对象死亡，告知书作废" and entry.from_state == "valid"
    with pytest.raises(ValueError):
        issuing.revoke(document, Actor(administrator), "again")


@pytest.mark.django_db
def test_the_registry_is_write_once(issue):
    document = issue("payment_letter")
    document.title = "篡改"
    with pytest.raises(ValueError):
        document.save()
    with pytest.raises(ValueError):
        document.delete()
    with pytest.raises(ValueError):
        Document.objects.get().delete()
    assert Document.objects.get().title == TITLES["payment_letter"]


@pytest.mark.django_db
def test_a_missing_office_key_is_a_clear_configuration_error(issue, offices, settings, tmp_path):
    settings.CASEWORK_SIGNING_KEY_DIR = tmp_path / "empty"
    with pytest.raises(ImproperlyConfigured, match="make_demo_keys"):
        issue("payment_letter")
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_the_signature_is_pades_and_names_the_office(issue):
    reader = PdfReader(io.BytesIO(pdf_of(issue("payment_letter"))))
    field = next(
        annotation.get_object()
        for annotation in reader.pages[-1]["/Annots"]
        if annotation.get_object().get("/FT") == "/Sig"
    )
    signature = field["/V"].get_object()
    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature["/Location"] == "安和县卫生健康委员会"


@pytest.mark.django_db
def test_documents_are_found_by_subject(issue, regions):
    certificate = subject_for("migrant_certificate", regions[COUNTY])
    about = issue("migrant_certificate", subject=certificate)
    issue("migrant_certificate")
    assert list(Document.objects.for_subject(certificate)) == [about]


def test_a_document_lies_where_its_subject_lies(issue, regions):
    certificate = subject_for("migrant_certificate", regions[COUNTY])
    with pytest.raises(ValueError, match="lies where its subject lies"):
        issue("migrant_certificate", subject=certificate, region=VILLAGE)
    with pytest.raises(ValueError, match="not issued about"):
        issue("case_decision", subject=certificate)
    assert not Document.objects.exists()


def test_production_refuses_to_start_without_harfbuzz_subsetting(settings, monkeypatch):
    from documents import fonts

    monkeypatch.setattr(fonts, "harfbuzz_subsetting", lambda: False)
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="libharfbuzz-subset0"):
        fonts.require_harfbuzz_subsetting()
    settings.DEBUG = True
    fonts.require_harfbuzz_subsetting()
    assert [warning.id for warning in fonts.check_harfbuzz_subsetting()] == ["documents.W001"]


def test_this_machine_subsets_with_harfbuzz():
    from documents import fonts

    assert fonts.harfbuzz_subsetting()
    assert fonts.check_harfbuzz_subsetting() == []


def test_the_qr_code_is_printed_as_whole_pixels_per_module_without_smoothing(
    issue, settings, tmp_path
):
    """The code is an image of whole pixels per module that viewers and printers must not
    smooth (``/Interpolate false``), so each module prints as a sharp square; it reads back
    from a page drawn at a screen's 100 dpi."""
    settings.CASEWORK_PUBLIC_URL = "https://casework.example.gov.cn"
    document = issue("payment_letter")
    data = pdf_of(document)
    page = PdfReader(io.BytesIO(data)).pages[0]
    images = [
        image.get_object()
        for image in page["/Resources"]["/XObject"].values()
        if image.get_object()["/Subtype"] == "/Image"
    ]
    url = f"https://casework.example.gov.cn/verify/{document.code}/"
    width, height = segno.make(url, error="m").symbol_size(border=0)
    pixels = rendering.QR_PIXELS_PER_MODULE

    assert [(image["/Width"], image["/Height"]) for image in images] == [
        (width * pixels, height * pixels)
    ]
    assert images[0]["/Interpolate"].value is False
    assert scan_qr(data, tmp_path, dpi=100) == url
