"""HTML to A4 PDF with WeasyPrint, and the QR code printed on every document."""

from dataclasses import dataclass

import segno
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import HTML

# CSS pixels (1/96 in) to PDF points (1/72 in).
PX_TO_PT = 72 / 96
SEAL_ANCHOR = "seal"


@dataclass(frozen=True)
class RenderedPdf:
    """An unsigned PDF, its page count, and where its seal area lies on the last page."""

    pdf: bytes
    pages: int
    seal_box: tuple[float, float, float, float] | None


def chinese_date(value) -> str:
    """A date as official documents write it (GB/T 9704: Arabic numerals), e.g. 2026年11月25日."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def qr_code(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI: vector, so it prints sharp at any size."""
    return mark_safe(segno.make(url, error="m").svg_data_uri(border=0))


def document_body(template: str, context: dict) -> str:
    """One document's section of HTML; several sections can share one print file."""
    return render_to_string(template, context)


def page_html(bodies: list[str]) -> str:
    """The whole HTML page around one or more document sections."""
    return render_to_string("documents/page.html", {"bodies": [mark_safe(b) for b in bodies]})


def render_pdf(html: str) -> RenderedPdf:
    """Lay out and write the PDF, noting the seal area of the last page in PDF points."""
    document = HTML(string=html).render()
    last = document.pages[-1]
    seal_box = None
    anchor = last.anchors.get(SEAL_ANCHOR)
    if anchor is not None:
        left, top, right, bottom = anchor
        height = last.height * PX_TO_PT
        seal_box = (
            left * PX_TO_PT,
            height - bottom * PX_TO_PT,
            right * PX_TO_PT,
            height - top * PX_TO_PT,
        )
    return RenderedPdf(pdf=document.write_pdf(), pages=len(document.pages), seal_box=seal_box)


def print_file(bodies: list[str]) -> bytes:
    """Many documents in one unsigned PDF for printing (one font subset for the whole batch).

    The seal anchor only places a signature widget, which a print file has none of; dropping
    it keeps the ids of the joined sections unique.
    """
    anchor = f' id="{SEAL_ANCHOR}"'
    return HTML(string=page_html([body.replace(anchor, "") for body in bodies])).write_pdf()
