"""Each document cut out of a chunk is a complete PDF of its own pages that carries nothing of
the other documents: not their pages, not their QR codes, not their named destinations.
(That they sign and verify as issued documents: test_batch_rendering.py.)"""

import io

import pytest
from pypdf import PdfReader

from documents import issuing, rendering
from tests.documents.test_issuing import scan_qr, text_of

CODES = ["ABCDE23450", "ABCDE23451", "ABCDE23452"]


@pytest.fixture
def chunk(make_request):
    """Three letters laid out together, each with its own code and QR code."""
    sections = [
        (
            code,
            issuing.document_body(
                make_request("payment_letter"),
                f"安和县卫健〔2026〕奖扶发字第000{i}号",
                code,
                demo=True,
            ),
        )
        for i, code in enumerate(CODES)
    ]
    return rendering.render_many(sections)


def images_of(data: bytes) -> int:
    """How many images a PDF holds, whether a page draws them or not (stream dictionaries are
    never compressed, so each image's dictionary is in the file as written)."""
    return data.count(b"/Subtype /Image")


@pytest.mark.django_db
def test_each_document_holds_its_own_qr_code_and_no_other(chunk, tmp_path):
    for code, document in zip(CODES, chunk.documents, strict=True):
        assert images_of(document.pdf) == 1
        assert scan_qr(document.pdf, tmp_path).endswith(f"/verify/{code}/")
    assert images_of(chunk.print_pdf) == len(CODES)


@pytest.mark.django_db
def test_each_document_is_a_complete_pdf_of_its_own_page(chunk):
    for i, document in enumerate(chunk.documents):
        reader = PdfReader(io.BytesIO(document.pdf), strict=True)
        assert len(reader.pages) == 1
        catalog = reader.trailer["/Root"]
        assert catalog["/Lang"] == "zh-Hans"
        assert "/Dests" not in catalog and "/Names" not in catalog
        assert f"第000{i}号" in text_of(document.pdf)
        assert all(f"第000{j}号" not in text_of(document.pdf) for j in range(3) if j != i)
