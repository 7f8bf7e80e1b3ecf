"""Font subsetting: WeasyPrint must subset the CJK font with HarfBuzz, not fontTools.

Without Debian's libharfbuzz-subset0, WeasyPrint silently falls back to fontTools, which makes
a one-page Chinese PDF about 70 times slower. Production refuses to start; the demo warns.
"""

import functools
import io
from collections.abc import Iterable

import cffi
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables.DefaultTable import DefaultTable

HINT = "Install the Debian package libharfbuzz-subset0 (HarfBuzz 4.1 or newer)."


def harfbuzz_subsetting() -> bool:
    """True when WeasyPrint will subset fonts with HarfBuzz."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def require_harfbuzz_subsetting() -> None:
    """Refuse to start in production settings without HarfBuzz subsetting."""
    if not settings.DEBUG and not harfbuzz_subsetting():
        raise ImproperlyConfigured(
            "WeasyPrint cannot subset fonts with HarfBuzz; Chinese PDFs would take seconds. " + HINT
        )


@checks.register(checks.Tags.compatibility)
def check_harfbuzz_subsetting(app_configs=None, **kwargs):
    if harfbuzz_subsetting():
        return []
    return [
        checks.Warning(
            _("PDFs will be about 70 times slower: fonts are subset with fontTools."),
            hint=HINT,
            id="documents.W001",
        )
    ]


# The embedded CJK fonts are cut down once more after WeasyPrint wrote them (see
# compact_cid_fonts), and the documents' typeface is cut down to its common characters
# (documents/typeface.py). HarfBuzz is reached through cffi, as WeasyPrint does, but with the
# few functions WeasyPrint's own bindings leave out (making a face from bytes).
_HB_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef struct hb_set_t hb_set_t;
typedef uint32_t hb_codepoint_t;
typedef uint32_t hb_tag_t;
hb_blob_t *hb_blob_create(const char *data, unsigned int length, int mode,
                          void *user_data, void *destroy);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_table(const hb_face_t *face, hb_tag_t tag);
hb_tag_t hb_tag_from_string(const char *str, int len);
void hb_set_add(hb_set_t *set, hb_codepoint_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
"""
_HB_MEMORY_MODE_READONLY = 1
_HB_SUBSET_FLAGS_NO_HINTING = 0x1
_HB_SUBSET_FLAGS_DESUBROUTINIZE = 0x4
_HB_SUBSET_FLAGS_NOTDEF_OUTLINE = 0x40


@functools.cache
def _harfbuzz():
    """(ffi, libharfbuzz, libharfbuzz-subset), or None where they cannot be loaded."""
    ffi = cffi.FFI()
    ffi.cdef(_HB_CDEF)
    try:
        return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")
    except OSError:
        return None


def _blob_bytes(ffi, hb, blob) -> bytes:
    length = ffi.new("unsigned int *")
    data = hb.hb_blob_get_data(blob, length)
    return ffi.buffer(data, length[0])[:] if length[0] else b""


def compact_cff(font_file: bytes, glyphs: Iterable[int], *, notdef_outline: bool) -> bytes | None:
    """The bare CFF table of ``font_file`` (an OpenType CFF font) with only ``glyphs``, glyph
    ids renumbered; None unless that is a CID-keyed CFF that HarfBuzz could cut down.

    WeasyPrint keeps every glyph id below the highest one used (its content streams write
    glyph ids), so a Noto CJK subset still carries ~63,000 empty glyphs and their metrics:
    ~240 KB in a one-page letter. In a CID-keyed CFF the content stream's codes are CIDs that
    the font's charset maps to glyphs, and HarfBuzz keeps each glyph's CID when it renumbers,
    so the page draws the same glyphs from a font of a few dozen KB.
    """
    loaded = _harfbuzz()
    if loaded is None or not font_file.startswith(b"OTTO"):
        return None
    ffi, hb, subset = loaded
    blob = hb.hb_blob_create(
        font_file, len(font_file), _HB_MEMORY_MODE_READONLY, ffi.NULL, ffi.NULL
    )
    face = hb.hb_face_create(blob, 0)
    plan = subset.hb_subset_input_create_or_fail()
    try:
        glyph_set = subset.hb_subset_input_glyph_set(plan)
        for glyph in {0, *glyphs}:
            hb.hb_set_add(glyph_set, glyph)
        flags = _HB_SUBSET_FLAGS_NO_HINTING | _HB_SUBSET_FLAGS_DESUBROUTINIZE
        if notdef_outline:
            flags |= _HB_SUBSET_FLAGS_NOTDEF_OUTLINE
        subset.hb_subset_input_set_flags(plan, flags)
        cut = subset.hb_subset_or_fail(face, plan)
        if cut == ffi.NULL:
            return None
        table = hb.hb_face_reference_table(cut, hb.hb_tag_from_string(b"CFF ", -1))
        cff = _blob_bytes(ffi, hb, table)
        hb.hb_blob_destroy(table)
        hb.hb_face_destroy(cut)
    finally:
        subset.hb_subset_input_destroy(plan)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
    return cff if cff and _cid_keyed(cff) else None


def cut_to_characters(font_file: bytes, index: int, characters: Iterable[int]) -> bytes | None:
    """Face ``index`` of ``font_file`` (a font or a collection of CID-keyed CFF fonts, such as
    Noto CJK) with only the glyphs of ``characters`` and those its layout tables reach from
    them, as an OpenType font whose glyph ids are its CIDs; outlines, metrics, names and
    layout tables are kept as they are. None where HarfBuzz cannot cut it or it is no such font.

    The glyphs are renumbered, and each glyph's CID must be renumbered with it: WeasyPrint
    writes glyph ids into the page, and a PDF reads them as the CIDs of a CFF font.
    """
    loaded = _harfbuzz()
    if loaded is None:
        return None
    ffi, hb, subset = loaded
    blob = hb.hb_blob_create(
        font_file, len(font_file), _HB_MEMORY_MODE_READONLY, ffi.NULL, ffi.NULL
    )
    face = hb.hb_face_create(blob, index)
    plan = subset.hb_subset_input_create_or_fail()
    try:
        wanted = subset.hb_subset_input_unicode_set(plan)
        for character in characters:
            hb.hb_set_add(wanted, character)
        cut = subset.hb_subset_or_fail(face, plan)
        if cut == ffi.NULL:
            return None
        data = hb.hb_face_reference_blob(cut)
        font = _blob_bytes(ffi, hb, data)
        hb.hb_blob_destroy(data)
        hb.hb_face_destroy(cut)
    finally:
        subset.hb_subset_input_destroy(plan)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
    return _cids_as_glyph_ids(font) if font.startswith(b"OTTO") else None


def _cids_as_glyph_ids(font: bytes) -> bytes | None:
    """``font`` (OpenType, CID-keyed CFF) with each glyph's CID made its glyph id.

    Only the CFF charset changes: it is overwritten in place by one range (CIDs 1 to n-1 for
    glyphs 1 to n-1), which is shorter than any charset of a cut CJK face, so no offset in
    the table moves. fontTools then writes the font with the new table's checksums, copying
    the other tables as they are. None where the font is not CID-keyed.
    """
    ttfont = TTFont(io.BytesIO(font), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    cff = bytearray(ttfont.reader["CFF "])
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(bytes(cff)), None)
    top = fonts[fonts.fontNames[0]].rawDict
    if "ROS" not in top:
        return None
    charset, charstrings = top["charset"], top["CharStrings"]
    glyphs = int.from_bytes(cff[charstrings : charstrings + 2], "big")
    # Format 2: one range of CIDs, from 1, covering the n-1 glyphs after .notdef.
    one_range = bytes([2]) + (1).to_bytes(2, "big") + (glyphs - 2).to_bytes(2, "big")
    if cff[charset] == 0 and 1 + 2 * (glyphs - 1) < len(one_range):
        return None
    cff[charset : charset + len(one_range)] = one_range
    table = DefaultTable("CFF ")
    table.data = bytes(cff)
    ttfont["CFF "] = table
    output = io.BytesIO()
    ttfont.save(output)
    return output.getvalue()


def _cid_keyed(cff: bytes) -> bool:
    """Whether a CFF table is CID-keyed (its Top DICT has ROS)."""
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(cff), None)
    return "ROS" in fonts[fonts.fontNames[0]].rawDict


def compact_cid_fonts(document, pdf) -> None:
    """A WeasyPrint ``finisher``: embed each CID-keyed CJK font as a bare, renumbered CFF
    (``FontFile3`` of subtype ``CIDFontType0C``) instead of WeasyPrint's glyph-id-keeping
    OpenType subset. The page looks the same (same outlines, same widths, same ToUnicode
    map for copying text) and a one-page letter shrinks from ~260 KB to ~45 KB."""
    streams = {
        id(obj.stream[0]): obj
        for obj in pdf.objects
        if isinstance(getattr(obj, "extra", None), dict)
        and obj.extra.get("Subtype") == "/OpenType"
        and obj.stream
    }
    for font in document.fonts.values():
        stream = streams.pop(id(font.file_content), None)
        if stream is None:
            continue
        cff = compact_cff(font.file_content, font.to_unicode, notdef_outline=bool(font.missing))
        if cff is not None:
            stream.stream[0] = cff
            stream.extra["Subtype"] = "/CIDFontType0C"
