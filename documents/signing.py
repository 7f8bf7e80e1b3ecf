"""PAdES signatures with pyHanko, placed over the seal area the template draws."""

import io

from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle

from documents.keys import OfficeKey
from documents.rendering import RenderedPdf

FIELD_NAME = "CaseworkSeal"

# Bytes pyHanko reserves for the signature, per certificate fingerprint. pyHanko finds it by
# making a whole trial signature first (two fifths of the signing time); for one key and these
# settings it always comes out the same, so each process asks once.
_reserved: dict[str, int] = {}


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
    reserved = _reserved.get(key.fingerprint)
    signed = pdf_signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()
    if reserved is None:
        contents = PdfFileReader(io.BytesIO(signed)).embedded_signatures[-1].sig_object
        _reserved[key.fingerprint] = 2 * len(contents["/Contents"])
    return signed
