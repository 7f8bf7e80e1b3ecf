"""The documents are set from a copy of Noto Serif CJK SC cut down to the common characters
(documents/typeface.py): the pages look exactly as when set from the whole face, a rare
character still prints, and the copy is made once and kept."""

import logging

import pytest
from fontTools.ttLib import TTFont
from weasyprint import CSS
from weasyprint.text.fonts import FontConfiguration

from documents import fonts, issuing, rendering, typeface
from tests.documents.test_batch_rendering import needs_poppler, pictures_of
from tests.documents.test_issuing import fonts_of, text_of


def from_the_whole_face(html: str) -> bytes:
    """``html`` laid out with page.css as it would be without the cut copy."""
    font_config = FontConfiguration()
    sheet = CSS(string=rendering.document_stylesheet(faces=()), font_config=font_config)
    document = rendering.DocumentHtml(string=html).render(
        stylesheets=[sheet], font_config=font_config
    )
    return document.write_pdf(finisher=fonts.compact_cid_fonts)


def from_the_cut(html: str) -> bytes:
    return rendering.layout(html).write_pdf(finisher=fonts.compact_cid_fonts)


@needs_poppler
@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["posting_notice", "application_form", "case_decision"])
def test_a_document_set_from_the_cut_looks_as_set_from_the_whole_face(make_request, kind, tmp_path):
    html = rendering.page_html(
        [
            issuing.document_body(
                make_request(kind), "安和县卫健〔2026〕1号", "ABCDE23456", demo=True
            )
        ]
    )
    cut, whole = from_the_cut(html), from_the_whole_face(html)

    pictures = pictures_of(tmp_path, cut=cut, whole=whole)

    assert pictures[0] == pictures[1]
    assert all("Casework-Common-Serif" in name for name in fonts_of(cut))
    assert text_of(cut) == text_of(whole)


@needs_poppler
def test_a_character_outside_the_cut_is_set_from_the_whole_face(tmp_path):
    # 喆 and 堃 are common in given names but not in GB 2312.
    html = rendering.page_html(
        [
            "<section class='document'><p>王喆堃：你符合农村部分计划生育家庭奖励扶助条件。</p></section>"
        ]
    )
    cut, whole = from_the_cut(html), from_the_whole_face(html)

    assert "王喆堃" in text_of(cut)
    assert any("Noto-Serif-CJK-SC" in name for name in fonts_of(cut))
    pictures = pictures_of(tmp_path, cut=cut, whole=whole)
    assert pictures[0] == pictures[1]


@pytest.fixture
def font_dir(settings, tmp_path):
    """A fresh CASEWORK_FONT_DIR; the copy of the usual one is found again afterwards."""
    settings.CASEWORK_FONT_DIR = tmp_path / "fonts"
    typeface.common_faces.cache_clear()
    yield settings.CASEWORK_FONT_DIR
    typeface.common_faces.cache_clear()


def test_the_cut_is_made_once_and_numbers_its_glyphs_by_cid(font_dir):
    faces = typeface.common_faces()
    made = {face.path: face.path.stat().st_mtime_ns for face in faces}
    typeface.common_faces.cache_clear()

    assert [face.weight for face in faces] == ["normal", "bold"]
    assert [face.path.parent for face in faces] == [font_dir, font_dir]
    assert {face.path: face.path.stat().st_mtime_ns for face in typeface.common_faces()} == made
    cut = TTFont(faces[0].path)
    order = cut.getGlyphOrder()
    # A PDF reads the glyph ids WeasyPrint writes as CIDs: each glyph's CID is its id.
    assert order == [".notdef"] + [f"cid{number:05d}" for number in range(1, len(order))]
    assert 7_000 < len(order) < 20_000
    assert ord("奖") in cut["cmap"].getBestCmap() and ord("喆") not in cut["cmap"].getBestCmap()


def test_without_harfbuzz_the_documents_are_set_from_the_whole_face(font_dir, monkeypatch, caplog):
    monkeypatch.setattr(fonts, "_harfbuzz", lambda: None)
    with caplog.at_level(logging.WARNING, logger="documents.typeface"):
        assert typeface.common_faces() == ()

    assert "whole Noto Serif CJK SC face" in caplog.text
    assert not list(font_dir.glob("*.otf"))


def test_the_common_characters_are_gb2312_and_the_usual_punctuation():
    characters = set(typeface.common_characters())

    assert {ord(c) for c in "Aa1，。、奖励扶助齄"} <= characters
    # The templates' em dash, the middle dot of names such as 阿依古丽·买买提, 〇 in dates.
    assert {ord(c) for c in "—·〇…℃"} <= characters
    assert ord("喆") not in characters
