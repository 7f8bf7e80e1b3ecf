"""Batches laid out many documents at a time and signed in worker processes give the very
documents issuing one by one gives: numbers in order without gaps, each PDF verifying, its
pages and its seal where they belong; a refused or failed document costs only itself."""

import io
import shutil
import subprocess
import threading

import pytest
from django.db import connection
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.html import UA

from documents import batches, fonts, issuing, numbering, rendering, signing, verification
from documents.kinds import DocumentKind
from documents.models import Document, DocumentSequence
from permissions.audit import Actor, verify_chain
from permissions.models import AuditEntry
from tests.documents.test_issuing import fonts_of, pdf_of, text_of


def seal_rect(data: bytes) -> list[float]:
    """The rectangle of the signature widget, which lies on the last page."""
    reader = PdfReader(io.BytesIO(data))
    widgets = [
        annotation.get_object()
        for annotation in reader.pages[-1].get("/Annots", [])
        if annotation.get_object().get("/FT") == "/Sig"
    ]
    assert len(widgets) == 1
    return [round(float(value), 2) for value in widgets[0]["/Rect"]]


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def without(text: str, document: Document) -> str:
    """The text of a document without what differs between two issues: number and code."""
    for varying in (document.number, numbering.display_code(document.code), document.code):
        text = text.replace("".join(varying.split()), "")
    return text


@pytest.fixture
def workers(request, settings):
    settings.CASEWORK_DOCUMENT_WORKERS = request.param
    return request.param


@pytest.fixture
def actor(administrator):
    return Actor(administrator)


@pytest.fixture
def mixed(make_request):
    """Letters, a certificate, notices, a two-page decision and a posting of several pages."""

    def make():
        return [
            make_request("payment_letter"),
            make_request("migrant_certificate"),
            make_request("payment_letter"),
            make_request("posting_notice", rows=80),
            make_request("payment_letter"),
            make_request("not_confirmed_notice"),
            make_request("case_decision"),
            make_request("payment_letter"),
        ]

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("workers", [1, 2], indirect=True)
def test_a_mixed_batch_gives_the_documents_issuing_one_by_one_would(
    workers, mixed, actor, monkeypatch
):
    # Chunks of two: several chunks are out at once, so two workers really share the work.
    monkeypatch.setattr(batches, "CHUNK_SIZE", 2)
    requests = mixed()
    documents, refused, merged = batches.issue_batch(requests, actor)

    assert refused == []
    assert [document.kind for document in documents] == [request.kind for request in requests]
    letters = [document.number for document in documents if document.kind == "payment_letter"]
    assert letters == [f"安和县卫健〔2026〕奖扶发字第{serial:04d}号" for serial in (1, 2, 3, 4)]
    assert all(document.serial == 1 for document in documents if document.kind != "payment_letter")
    assert DocumentSequence.objects.get(kind="payment_letter").last_serial == 4

    alone = [issuing.issue(request, actor) for request in mixed()]
    for document, single in zip(documents, alone, strict=True):
        data = pdf_of(document)
        verdict = verification.verify_pdf(data)
        assert verdict.valid and verdict.document == document
        assert verification.find_by_code(numbering.display_code(document.code)) == document
        assert document.pages == page_count(data) == single.pages
        assert seal_rect(data) == seal_rect(pdf_of(single))
        assert without(text_of(data), document) == without(text_of(pdf_of(single)), single)
        assert document.size == len(data) < 120_000 * document.pages
    pages = {document.kind: document.pages for document in documents}
    assert pages["posting_notice"] > 1 and pages["case_decision"] == 2
    short_pages = sum(d.pages for d in documents if d.kind != "posting_notice")
    assert page_count(merged) == short_pages
    entries = AuditEntry.objects.filter(action="document.issue")
    assert {entry.object_id for entry in entries} >= {str(document.pk) for document in documents}
    assert verify_chain().intact


@pytest.mark.django_db
@pytest.mark.parametrize("workers", [1, 2], indirect=True)
def test_a_refused_request_is_reported_on_its_row_and_the_others_issue(
    workers, make_request, actor, monkeypatch
):
    monkeypatch.setattr(batches, "CHUNK_SIZE", 2)
    bad = make_request("payment_letter", public_summary=[("身份证", "36092119660308002X")])
    requests = [make_request("payment_letter") for _ in range(5)]
    requests.insert(1, bad)
    calls = []

    documents, refused, _merged = batches.issue_batch(requests, actor, progress=calls.append)

    assert [row["index"] for row in refused] == [1]
    assert "ID" in refused[0]["reason"] or "身份证" in refused[0]["reason"]
    assert [document.serial for document in documents] == [1, 2, 3, 4, 5]
    assert Document.objects.count() == 5 and sum(calls) == 6
    # One count per chunk of two issued, one per refused row: not one write per document.
    assert sorted(calls) == [1, 1, 2, 2]


@pytest.mark.django_db
@pytest.mark.parametrize("workers", [1, 2], indirect=True)
def test_a_document_that_cannot_be_signed_is_refused_and_leaves_no_gap(
    workers, make_request, actor, monkeypatch
):
    monkeypatch.setattr(batches, "CHUNK_SIZE", 2)
    real_sign = signing.sign_pdf

    def sign(rendered, key, *, reason, location):
        if reason == "坏件":
            raise ValueError("the signer refused")
        return real_sign(rendered, key, reason=reason, location=location)

    # Workers are forked after this, so they sign with it too.
    monkeypatch.setattr(signing, "sign_pdf", sign)
    requests = [make_request("payment_letter") for _ in range(7)]
    requests[2] = make_request("payment_letter", title="坏件")

    documents, refused, merged = batches.issue_batch(requests, actor)

    assert [row["index"] for row in refused] == [2]
    assert "the signer refused" in refused[0]["reason"]
    assert [document.serial for document in documents] == [1, 2, 3, 4, 5, 6]
    assert DocumentSequence.objects.get(kind="payment_letter").last_serial == 6
    for document in documents:
        data = pdf_of(document)
        assert verification.verify_pdf(data).document == document
        assert document.number in text_of(data)
    assert page_count(merged) == 6


@pytest.mark.django_db
def test_numbers_taken_elsewhere_meanwhile_are_not_reused(
    make_request, actor, settings, monkeypatch
):
    settings.CASEWORK_DOCUMENT_WORKERS = 1
    real = batches.render_and_sign
    interloper = []

    def render_and_sign(works, key_dir, passphrase):
        # Another officer issues a letter while the first chunk is being rendered.
        if not interloper:
            interloper.append(issuing.issue(make_request("payment_letter"), actor))
        return real(works, key_dir, passphrase)

    monkeypatch.setattr(batches, "render_and_sign", render_and_sign)
    documents, refused, _merged = batches.issue_batch(
        [make_request("payment_letter") for _ in range(3)], actor
    )

    assert refused == [] and interloper[0].serial == 1
    assert [document.serial for document in documents] == [2, 3, 4]
    for document in documents:
        assert document.number in text_of(pdf_of(document))


@pytest.mark.django_db
def test_a_chunk_that_cannot_be_laid_out_whole_is_rendered_one_by_one(
    make_request, actor, settings, monkeypatch
):
    settings.CASEWORK_DOCUMENT_WORKERS = 1

    def broken(sections):
        raise ValueError("layout failed")

    monkeypatch.setattr(rendering, "render_many", broken)
    documents, refused, merged = batches.issue_batch(
        [make_request("payment_letter") for _ in range(3)], actor
    )

    assert refused == [] and [document.serial for document in documents] == [1, 2, 3]
    assert all(verification.verify_pdf(pdf_of(document)).valid for document in documents)
    assert page_count(merged) == 3


def test_render_many_cuts_out_each_documents_pages_and_seal():
    sections = [
        (
            "AAAA",
            "<section class='document' id='doc-AAAA'><p>甲</p>"
            "<div class='seal' id='seal-AAAA'>章</div></section>",
        ),
        (
            "BBBB",
            "<section class='document' id='doc-BBBB'>"
            + "<p>乙</p>" * 60
            + "<div class='seal' id='seal-BBBB'>章</div></section>",
        ),
    ]
    chunk = rendering.render_many(sections)

    first, second = chunk.documents
    assert first.pages == 1 and second.pages > 1
    assert page_count(first.pdf) == 1 and page_count(second.pdf) == second.pages
    assert first.seal_box and second.seal_box
    assert page_count(chunk.print_pdf) == 1 + second.pages
    assert "乙" in text_of(second.pdf) and "乙" not in text_of(first.pdf)


@pytest.mark.django_db
def test_workers_refuse_the_database():
    batches._start_worker()
    try:
        with pytest.raises(RuntimeError, match="never use the database"):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    finally:
        for wrapper in list(connection.execute_wrappers):
            if wrapper is batches._refuse_database:
                connection.execute_wrappers.remove(wrapper)


def pictures_of(tmp_path, **pdfs: bytes) -> list[bytes]:
    """Each PDF's first page drawn by poppler, as raw grey pixels."""
    pictures = []
    for name, data in pdfs.items():
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "150",
                "-gray",
                "-singlefile",
                tmp_path / f"{name}.pdf",
                tmp_path / name,
            ],
            check=True,
        )
        pictures.append((tmp_path / f"{name}.pgm").read_bytes())
    return pictures


needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")


@needs_poppler
@pytest.mark.django_db
def test_a_document_laid_out_in_a_chunk_looks_as_if_rendered_alone(make_request, tmp_path):
    bodies = [
        issuing.document_body(
            make_request(kind), f"安和县卫健〔2026〕奖扶发字第000{i}号", f"ABCDE2345{i}", demo=True
        )
        for i, kind in enumerate(["migrant_certificate", "payment_letter"])
    ]
    chunk = rendering.render_many([(f"ABCDE2345{i}", body) for i, body in enumerate(bodies)])
    alone = rendering.render_pdf(rendering.page_html([bodies[1]]))

    assert chunk.documents[1].seal_box == alone.seal_box
    in_chunk, by_itself = pictures_of(tmp_path, chunk=chunk.documents[1].pdf, alone=alone.pdf)
    assert in_chunk == by_itself


@needs_poppler
def test_compacted_fonts_draw_the_same_page(tmp_path):
    body = (
        "<section class='document'><h1 class='title'>奖励扶助金发放告知书</h1>"
        "<p>经资格确认，你符合农村部分计划生育家庭奖励扶助条件。ABC 123</p></section>"
    )
    document = rendering.layout(rendering.page_html([body]))
    plain, compact = document.write_pdf(), document.write_pdf(finisher=fonts.compact_cid_fonts)
    pictures = pictures_of(tmp_path, plain=plain, compact=compact)

    assert pictures[0] == pictures[1]
    assert len(compact) * 4 < len(plain)
    assert all(fonts_of(compact).values()) and text_of(compact) == text_of(plain)


def test_only_cid_keyed_cff_fonts_are_compacted():
    assert fonts.compact_cff(b"\x00\x01\x00\x00 a TrueType font", [1], notdef_outline=False) is None
    assert fonts.compact_cff(b"OTTO but not a font", [1], notdef_outline=False) is None


def test_the_stylesheet_and_fonts_are_made_once_per_thread():
    """``rendering.layout`` keeps the parsed stylesheet and the fonts of its thread (pango's
    font map is not shared between threads) and styles every document with them."""
    body = (
        "<section class='document'><h1 class='title'>告知书</h1>"
        "<p class='number'>安和县卫健〔2026〕奖扶发字第0001号</p></section>"
    )
    html = rendering.page_html([body])
    first = rendering.layout(html)
    fonts_here = rendering._style.fonts
    rendering.layout(html)
    elsewhere = []
    thread = threading.Thread(
        target=lambda: elsewhere.append((rendering.layout(html), rendering._style.fonts))
    )
    thread.start()
    thread.join()

    assert rendering._style.fonts is fonts_here
    assert elsewhere[0][1] is not fonts_here
    # Styled by documents/page.css: only its page footer prints the word 验证码.
    for document in (first, elsewhere[0][0]):
        assert "验证码" in text_of(document.write_pdf())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DocumentKind.values)
def test_the_lean_user_agent_sheet_draws_the_very_same_pdf(make_request, kind):
    """Documents are laid out without the user-agent rules that give every element list-marker,
    footnote and note pseudo-elements; no document has any, so the PDF is byte for byte the
    one WeasyPrint's own stylesheet gives."""
    html = rendering.page_html(
        [
            issuing.document_body(
                make_request(kind, rows=40), "安和县卫健〔2026〕1号", "ABCDE23456", demo=True
            )
        ]
    )
    lean = rendering.layout(html).write_pdf()
    standard = HTML(string=html).render(
        stylesheets=[rendering._style.sheet], font_config=rendering._style.fonts
    )

    assert lean == standard.write_pdf()


def test_the_lean_user_agent_sheet_leaves_out_only_the_every_element_pseudo_rules():
    left_out = rendering._EVERY_ELEMENT_PSEUDO_RULES.findall(UA)

    assert left_out == [
        "marker",
        "footnote-call",
        "footnote-marker",
        "note-call",
        "note-marker",
        "note-callback",
    ]
    # WeasyPrint still asks the document for its user-agent stylesheets through this hook.
    assert "_ua_stylesheets" in vars(HTML)
    assert rendering.DocumentHtml(string="<p>")._ua_stylesheets() == [
        rendering.lean_user_agent_sheet()
    ]
