"""HTML to A4 PDF with WeasyPrint, and the QR code printed on every document.

Short documents are laid out many at a time (:func:`render_many`): the stylesheet is parsed,
the fonts loaded and cut down once for the whole chunk, and the chunk's PDF is then cut into
one PDF per document. Each document's section starts a new page and carries two anchors named
after its key (``doc-<key>`` on the section, ``seal-<key>`` on the seal), by which its pages
and its seal area are found.
"""

import base64
import functools
import io
import os
import re
import threading
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from PIL import Image
from pypdf import PdfReader, PdfWriter
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.html import UA
from weasyprint.text.fonts import FontConfiguration

from documents import cutting, typeface
from documents.fonts import compact_cid_fonts

# CSS pixels (1/96 in) to PDF points (1/72 in).
PX_TO_PT = 72 / 96
SEAL_ANCHOR = "seal-"
DOCUMENT_ANCHOR = "doc-"


@dataclass(frozen=True)
class RenderedPdf:
    """An unsigned PDF, its page count, and where its seal area lies on the last page."""

    pdf: bytes
    pages: int
    seal_box: tuple[float, float, float, float] | None


def chinese_date(value) -> str:
    """A date as official documents write it (GB/T 9704: Arabic numerals), e.g. 2026年11月25日."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


# Pixels per module of the printed QR code: sharp squares even where a viewer smooths the image
# against /Interpolate false (poppler does, below 200 dpi), at no cost over one pixel.
QR_PIXELS_PER_MODULE = 4


# The QR code's data mask, fixed. Any of the eight makes a valid code; segno otherwise makes
# all eight and scores each for patterns that could confuse a reader: four fifths of a code's
# making, ~6 ms of a letter's CPU. The printed codes are read back in the tests (zbarimg).
QR_MASK = 0


def qr_code(url: str) -> str:
    """The QR code of ``url`` as a PNG data URI, :data:`QR_PIXELS_PER_MODULE` pixels a module.

    page.css draws it without smoothing (``image-rendering: pixelated``), so the modules print
    as sharp squares at any size, as a vector drawing would. WeasyPrint draws such an image in
    a fifth of the time it takes to parse and draw the same code as an SVG path: ~4 ms less
    for every document. The PNG is written by Pillow, in C: segno's own writer packs the pixels
    in Python (~1 ms more, for the same pixels).
    """
    matrix = segno.make(url, error="m", mask=QR_MASK).matrix
    modules = len(matrix)
    dark_on_white = b"".join(bytes(0 if dark else 255 for dark in row) for row in matrix)
    side = modules * QR_PIXELS_PER_MODULE
    image = Image.frombytes("L", (modules, modules), dark_on_white).convert("1")
    png = io.BytesIO()
    image.resize((side, side), Image.Resampling.NEAREST).save(png, "PNG")
    return mark_safe("data:image/png;base64," + base64.b64encode(png.getvalue()).decode())


def document_body(template: str, context: dict) -> str:
    """One document's section of HTML; several sections can share one print file."""
    return render_to_string(template, context)


def page_html(bodies: list[str]) -> str:
    """The whole HTML page around one or more document sections (styled by :func:`layout`)."""
    return render_to_string("documents/page.html", {"bodies": [mark_safe(b) for b in bodies]})


# Rules of WeasyPrint's user-agent stylesheet that match every element through a
# pseudo-element: list markers, footnotes and notes. None of them can apply to a document
# (no lists, no footnotes), yet each gives every element six pseudo-element styles to compute.
_EVERY_ELEMENT_PSEUDO_RULES = re.compile(
    r"^::(marker|footnote-[a-z]+|note-[a-z]+) \{[^}]*\}\n", re.M
)


@functools.cache
def lean_user_agent_sheet() -> CSS:
    """WeasyPrint's HTML user-agent stylesheet less :data:`_EVERY_ELEMENT_PSEUDO_RULES`.

    Styles are then computed for a sixth of the pseudo-elements: a tenth of a letter's
    layout time, a fifth of a one-page notice's. The pages drawn are the same.
    """
    # Its @counter-style rules go to a throw-away registry: the document's own counter
    # styles come from WeasyPrint's, as always.
    return CSS(string=_EVERY_ELEMENT_PSEUDO_RULES.sub("", UA), counter_style=CounterStyle())


class DocumentHtml(HTML):
    """An HTML document laid out with :func:`lean_user_agent_sheet`."""

    def _ua_stylesheets(self, forms=False):
        return [lean_user_agent_sheet()]


def document_stylesheet(faces: tuple[typeface.Face, ...]) -> str:
    """documents/page.css, setting every document from ``faces`` (the typeface's cut copy; with
    none, from the whole face)."""
    return render_to_string(
        "documents/page.css",
        {"faces": faces, "common_family": typeface.COMMON_FAMILY, "serif": typeface.font_stack()},
    )


# The parsed stylesheet and the loaded fonts of this thread (pango's font map is not shared
# between threads), made again in a forked worker process.
_style = threading.local()


def layout(html: str):
    """Lay out ``html`` with the documents' stylesheet (documents/page.css).

    The stylesheet is parsed and the fonts are configured once per process and thread rather
    than for each document: a fifth of the time of a one-page notice. The user-agent
    stylesheet is WeasyPrint's, lean (:class:`DocumentHtml`); the typeface is set from its
    copy cut down to the common characters (documents/typeface.py).
    """
    if getattr(_style, "pid", None) != os.getpid():
        _style.fonts = FontConfiguration()
        _style.sheet = CSS(
            string=document_stylesheet(typeface.common_faces()), font_config=_style.fonts
        )
        _style.pid = os.getpid()
    return DocumentHtml(string=html).render(stylesheets=[_style.sheet], font_config=_style.fonts)


def _seal_box(page, name: str | None = None) -> tuple[float, float, float, float] | None:
    """The seal area drawn on ``page`` in PDF points (origin bottom left), if it has one.

    ``name`` is the seal anchor to look for; without it, the first seal on the page."""
    if name is None:
        name = next((key for key in page.anchors if key.startswith(SEAL_ANCHOR)), None)
    anchor = page.anchors.get(name) if name else None
    if anchor is None:
        return None
    left, top, right, bottom = anchor
    height = page.height * PX_TO_PT
    return (left * PX_TO_PT, height - bottom * PX_TO_PT, right * PX_TO_PT, height - top * PX_TO_PT)


def _write(document) -> bytes:
    return document.write_pdf(finisher=compact_cid_fonts)


def render_pdf(html: str) -> RenderedPdf:
    """Lay out and write the PDF, noting the seal area of the last page in PDF points."""
    document = layout(html)
    return RenderedPdf(
        pdf=_write(document), pages=len(document.pages), seal_box=_seal_box(document.pages[-1])
    )


@dataclass(frozen=True)
class RenderedChunk:
    """The documents of one chunk, each its own PDF, and the chunk's PDF for printing."""

    documents: list[RenderedPdf]
    print_pdf: bytes


def render_many(sections: list[tuple[str, str]]) -> RenderedChunk:
    """Lay out ``(key, body)`` sections in one WeasyPrint pass and cut out each one's pages.

    Each document's PDF is cut from the chunk's PDF objects before they are written
    (documents/cutting.py): it shares the chunk's font subsets, holds only its own pages and
    images, and looks as if it had been rendered alone.
    """
    document = layout(page_html([body for _key, body in sections]))
    starts = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            if name.startswith(DOCUMENT_ANCHOR):
                starts.setdefault(name[len(DOCUMENT_ANCHOR) :], number)
    first_pages = [starts[key] for key, _body in sections]
    if first_pages[0] != 0 or first_pages != sorted(set(first_pages)):
        raise ValueError("Each document of a chunk must start a page of its own.")
    ends = first_pages[1:] + [len(document.pages)]
    groups = [range(first, end) for first, end in zip(first_pages, ends, strict=True)]
    cut = []

    def finish(document, pdf):
        compact_cid_fonts(document, pdf)
        cut.extend(cutting.cut_documents(pdf, groups))

    whole = document.write_pdf(finisher=finish)
    rendered = [
        RenderedPdf(
            pdf=pdf,
            pages=len(pages),
            seal_box=_seal_box(document.pages[pages[-1]], SEAL_ANCHOR + key),
        )
        for (key, _body), pages, pdf in zip(sections, groups, cut, strict=True)
    ]
    return RenderedChunk(documents=rendered, print_pdf=whole)


class PrintFile:
    """PDFs one after the other in one file (a batch's print file), appended as they come.

    A batch appends each chunk once it is registered, while the render processes lay out the
    next ones: copying the pages is nine tenths of the merge (~14 s for 10,000 letters), which
    would otherwise run alone on one core after the last chunk.
    """

    def __init__(self):
        self._writer = PdfWriter()
        self.parts = 0

    def append(self, pdf: bytes) -> None:
        self._writer.append(PdfReader(io.BytesIO(pdf)))
        self.parts += 1

    def getvalue(self) -> bytes | None:
        """The file, or None when nothing was appended."""
        if not self.parts:
            return None
        output = io.BytesIO()
        self._writer.write(output)
        return output.getvalue()


def merge_pdfs(parts: list[bytes]) -> bytes | None:
    """Several PDFs one after the other in one file."""
    merged = PrintFile()
    for part in parts:
        merged.append(part)
    return merged.getvalue()
