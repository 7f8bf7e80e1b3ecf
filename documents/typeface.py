"""The documents' typeface: Noto Serif CJK SC, set from a copy cut down to the common characters.

Every PDF cuts each font it prints with down to the glyphs it uses (documents/fonts.py). Cut
from the whole face, a collection of 65,535 glyphs that WeasyPrint first copies out of pango,
that costs ~20 ms per font and PDF: a quarter of a one-page notice, a tenth of a letter laid
out with others. So the documents are set in a copy of the face that holds only the characters
of GB 2312 (ordinary Chinese text and most names), ASCII, Latin-1 and the usual punctuation:
~13,000 glyphs with the alternates its layout tables reach. The copy is made once per machine with
HarfBuzz and kept in ``CASEWORK_FONT_DIR``. Any other character (a rare one in a name) is set
from the whole face, which stays second in the font stack: the same glyph, from another file.
Where the copy cannot be made, the documents are set from the whole face as before.
"""

import functools
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import cffi
from django.conf import settings

from documents import fonts

logger = logging.getLogger(__name__)

FAMILY = "Noto Serif CJK SC"
# The CSS name of the cut copy (a name of its own, so that fontconfig never takes it for the
# whole face when the stack falls back).
COMMON_FAMILY = "Casework Common Serif"
# CSS font-weight: fontconfig's weight name.
WEIGHTS = {"normal": "regular", "bold": "bold"}


@dataclass(frozen=True)
class Face:
    """One weight of the cut copy: its CSS weight and its file."""

    weight: str
    path: Path

    @property
    def url(self) -> str:
        return self.path.as_uri()


# Besides GB 2312: Latin-1 (· in the names of some ethnic groups), general punctuation (the
# em dash — GB 2312's dash decodes as U+2015 ―) and all CJK punctuation (〇 in dates).
_ALSO = ((0x20, 0x7F), (0xA0, 0x100), (0x2010, 0x2028), (0x2030, 0x203C), (0x3000, 0x3040))


@functools.cache
def common_characters() -> tuple[int, ...]:
    """ASCII, Latin-1, the usual punctuation and every character of GB 2312, in code point
    order."""
    characters = {code for first, end in _ALSO for code in range(first, end)}
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                characters.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return tuple(sorted(characters))


def font_stack() -> str:
    """The CSS font-family of every document: the cut copy first, then the whole face."""
    return f'"{COMMON_FAMILY}", "{FAMILY}", serif'


@functools.cache
def common_faces() -> tuple[Face, ...]:
    """The cut copy of each weight, made (once per machine) where it is not yet on disk; empty
    where it cannot be made (then the documents are set from the whole face)."""
    made = []
    for weight, fontconfig_weight in WEIGHTS.items():
        try:
            made.append(Face(weight, _common_cut(*_system_font(f"{FAMILY}:{fontconfig_weight}"))))
        except (OSError, LookupError, ValueError) as error:
            logger.warning("Documents are set from the whole %s face: %s", FAMILY, error)
            return ()
    return tuple(made)


def _common_cut(path: Path, index: int) -> Path:
    """The cut copy of face ``index`` of ``path``, named after the file's path, size and time
    and the characters kept (a new version of the font package, or of the characters, makes a
    new copy)."""
    stat = path.stat()
    characters = common_characters()
    key = hashlib.sha256(
        f"{path}:{index}:{stat.st_size}:{stat.st_mtime_ns}:{characters}".encode()
    ).hexdigest()
    target = Path(settings.CASEWORK_FONT_DIR) / f"common-{key[:16]}.otf"
    if target.exists():
        return target
    cut = fonts.cut_to_characters(path.read_bytes(), index, characters)
    if cut is None:
        raise ValueError("HarfBuzz could not cut the face down.")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: processes making it at the same time never read half a file.
    partial = target.with_name(f"{target.name}.{os.getpid()}")
    partial.write_bytes(cut)
    partial.replace(target)
    return target


_FONTCONFIG_CDEF = """
typedef struct _FcPattern FcPattern;
typedef struct _FcConfig FcConfig;
FcPattern *FcNameParse(const unsigned char *name);
int FcConfigSubstitute(FcConfig *config, FcPattern *pattern, int kind);
void FcDefaultSubstitute(FcPattern *pattern);
FcPattern *FcFontMatch(FcConfig *config, FcPattern *pattern, int *result);
int FcPatternGetString(const FcPattern *pattern, const char *object, int n, unsigned char **s);
int FcPatternGetInteger(const FcPattern *pattern, const char *object, int n, int *i);
void FcPatternDestroy(FcPattern *pattern);
"""
_FC_MATCH_PATTERN = 0
_FC_RESULT_MATCH = 0


@functools.cache
def _fontconfig():
    """(ffi, libfontconfig): pango's own font matcher, bound once per process."""
    ffi = cffi.FFI()
    ffi.cdef(_FONTCONFIG_CDEF)
    return ffi, ffi.dlopen("libfontconfig.so.1")


def _system_font(name: str) -> tuple[Path, int]:
    """The file and face index fontconfig (as pango) picks for ``name``; LookupError where the
    family itself is not installed (fontconfig would name another)."""
    ffi, fontconfig = _fontconfig()
    pattern = fontconfig.FcNameParse(name.encode())
    fontconfig.FcConfigSubstitute(ffi.NULL, pattern, _FC_MATCH_PATTERN)
    fontconfig.FcDefaultSubstitute(pattern)
    result = ffi.new("int *")
    match = fontconfig.FcFontMatch(ffi.NULL, pattern, result)
    fontconfig.FcPatternDestroy(pattern)
    if match == ffi.NULL:
        raise LookupError(f"fontconfig has no font for {name}.")
    try:
        values = {}
        for key in ("family", "file"):
            value = ffi.new("unsigned char **")
            if fontconfig.FcPatternGetString(match, key.encode(), 0, value) != _FC_RESULT_MATCH:
                raise LookupError(f"fontconfig gives no {key} for {name}.")
            values[key] = ffi.string(value[0]).decode()
        index = ffi.new("int *")
        fontconfig.FcPatternGetInteger(match, b"index", 0, index)
    finally:
        fontconfig.FcPatternDestroy(match)
    if values["family"] != name.split(":")[0]:
        raise LookupError(f"{name} is not installed (fontconfig offers {values['family']}).")
    return Path(values["file"]), index[0]
