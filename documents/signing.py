"""PAdES signatures with pyHanko, placed over the seal area the template draws."""

import io

from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle

from documents.keys import OfficeKey
from documents.rendering import RenderedPdf

FIELD_NAME = "CaseworkSeal"


def sign_pdf(rendered: RenderedPdf, key: OfficeKey, *, reason: str, location: str) -> bytes:
    """Sign the whole PDF with the office's key.

    The signature widget covers the seal area with an empty appearance: the template has
    already drawn the seal and the signers in the document's own CJK font, and a stamp of
    pyHanko's would bring an unembedded Latin font into the file.
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(rendered.pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    box = rendered.seal_box
    stamp_style = None
    if box is not None:
        width, height = box[2] - box[0], box[3] - box[1]
        stamp_style = StaticStampStyle(
            background=RawContent(b"", box=BoxConstraints(width, height)), border_width=0
        )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=key.signer,
        stamp_style=stamp_style,
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=-1, box=box),
    )
    return pdf_signer.sign_pdf(writer).getvalue()
