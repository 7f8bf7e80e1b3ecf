"""Reading an import file (XLSX, or CSV in UTF-8 or GB18030) as rows of text keyed by column,
and writing the template of each kind.

Rows stream: a 50,000-row workbook is never held as cells. Headers are matched by their
Chinese names, in any order; columns the kind does not know are ignored.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from casework.imports.columns import TEMPLATE_TITLES, columns_of
from casework.uploads import decode_text
from casework.workbooks import sheets_bytes

MAX_BYTES = 30 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * MAX_BYTES
# A workbook is a ZIP archive.
_XLSX_SIGNATURE = b"PK\x03\x04"
EXPLANATION_SHEET = "填写说明"


@dataclass(frozen=True)
class Row:
    """One row of the file: its number as the spreadsheet shows it, and its cells by key."""

    number: int
    values: dict[str, str]


def is_xlsx(data: bytes) -> bool:
    """Whether the bytes are a workbook (a ZIP archive), whatever the file is called."""
    return data.startswith(_XLSX_SIGNATURE)


def check_size(data: bytes) -> None:
    """Refuse an empty file or one over ``MAX_BYTES``."""
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 30 MB.")})


def _raw_rows(data: bytes) -> Iterator[list[str]]:
    """Every row of the file's first sheet, as text cells (a blank row as an empty list)."""
    if is_xlsx(data):
        yield from _xlsx_rows(data)
        return
    if b"\x00" in data[:1024]:
        raise ValidationError({"file": _("Upload an XLSX workbook or a CSV file.")})
    for cells in csv.reader(io.StringIO(decode_text(data))):
        yield [cell.strip() for cell in cells]


# Reading the sheet's XML directly: openpyxl builds an object per cell and per shared string,
# which made reading a 50,000-row workbook most of an import's time.
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Built-in number formats that show dates: the standard ones, and those of Chinese, Japanese
# and Korean Excel (27–36, 50–58, e.g. 31 is yyyy"年"m"月"d"日").
_DATE_FORMAT_IDS = {
    *(i for i, code in BUILTIN_FORMATS.items() if is_date_format(code)),
    *range(27, 37),
    *range(50, 59),
}


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        # A small archive that unpacks to gigabytes is refused before anything is read; entity
        # expansion inside the XML is refused by expat itself (2.4+).
        if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise ValidationError({"file": _("The workbook cannot be read.")})
        sheet, epoch = _first_sheet(archive)
        strings = _shared_strings(archive)
        dates = _date_styles(archive)
        handle = archive.open(sheet)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        raise ValidationError({"file": _("The workbook cannot be read.")}) from None
    expected = 1
    try:
        for _event, element in ElementTree.iterparse(handle):
            if element.tag != f"{_MAIN}row":
                continue
            number = int(element.get("r") or expected)
            for _blank in range(expected, number):
                yield []
            cells = []
            for cell in element.iter(f"{_MAIN}c"):
                reference = cell.get("r")
                column = _column_index(reference) if reference else len(cells)
                cells.extend([""] * (column - len(cells)))
                cells.append(_xlsx_value(cell, strings, dates, epoch))
            yield cells
            expected = number + 1
            element.clear()
    except (ElementTree.ParseError, ValueError, IndexError):
        raise ValidationError({"file": _("The workbook cannot be read.")}) from None
    finally:
        handle.close()


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, datetime.datetime]:
    """The path of the workbook's first sheet, and its date system's epoch."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    first = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
    properties = workbook.find(f"{_MAIN}workbookPr")
    mac = properties is not None and properties.get("date1904") in ("1", "true")
    relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for relationship in relationships.iter(f"{_PACKAGE_RELATIONSHIP}Relationship"):
        if relationship.get("Id") == first.get(_RELATIONSHIP):
            target = relationship.get("Target")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return path, CALENDAR_MAC_1904 if mac else CALENDAR_WINDOWS_1900
    raise KeyError("first sheet")


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    for _event, item in ElementTree.iterparse(archive.open("xl/sharedStrings.xml")):
        if item.tag == f"{_MAIN}si":
            strings.append(_text_of(item))
            item.clear()
    return strings


def _text_of(item) -> str:
    """The text of a string item: plain, or the runs of rich text (not phonetic guides)."""
    parts = [child.text or "" for child in item if child.tag == f"{_MAIN}t"]
    parts += [
        run.text or ""
        for child in item
        if child.tag == f"{_MAIN}r"
        for run in child
        if run.tag == f"{_MAIN}t"
    ]
    return "".join(parts)


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """The indexes of the cell styles that show a number as a date."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    date_ids = set(_DATE_FORMAT_IDS)
    for number_format in styles.iter(f"{_MAIN}numFmt"):
        if is_date_format(number_format.get("formatCode", "")):
            date_ids.add(int(number_format.get("numFmtId")))
    formats = styles.find(f"{_MAIN}cellXfs")
    if formats is None:
        return set()
    return {
        index for index, style in enumerate(formats) if int(style.get("numFmtId", 0)) in date_ids
    }


def _column_index(reference: str) -> int:
    """The 0-based column of a cell reference such as ``AB12``."""
    index = 0
    for character in reference:
        if not character.isalpha():
            break
        index = index * 26 + ord(character.upper()) - 64
    return index - 1


def _xlsx_value(cell, strings: list[str], dates: set[int], epoch) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        found = cell.find(f"{_MAIN}is")
        return "" if found is None else _text_of(found).strip()
    value = cell.findtext(f"{_MAIN}v")
    if value is None:
        return ""
    if kind == "s":
        return strings[int(value)].strip()
    if kind != "n":
        return value.strip()
    if int(cell.get("s", 0)) in dates:
        return from_excel(float(value), epoch).date().isoformat()
    number = float(value)
    return str(int(number)) if number.is_integer() else value


def read_rows(kind: str, data: bytes) -> Iterator[Row]:
    """The data rows of an import file of ``kind`` (blank rows skipped), keyed by column.

    Raises ``ValidationError`` naming the missing columns when the header row lacks a required
    one, before yielding any row.
    """
    raw = _raw_rows(data)
    header = next(raw, None)
    if header is None:
        raise ValidationError({"file": _("The file has no header row.")})
    position = {text: index for index, text in reversed(list(enumerate(header))) if text}
    columns = columns_of(kind)
    missing = [c.header for c in columns if c.required and c.header not in position]
    if missing:
        raise ValidationError(
            {
                "file": _("The header row lacks the columns: %(columns)s. Use the template.")
                % {"columns": "、".join(missing)}
            }
        )
    indexes = [(c.key, position.get(c.header)) for c in columns]
    for number, cells in enumerate(raw, start=2):
        if not any(cells):
            continue
        yield Row(
            number,
            {
                key: (cells[index] if index is not None and index < len(cells) else "")
                for key, index in indexes
            },
        )


def rows_numbered(kind: str, data: bytes, numbers: set[int] | None = None, *, start=0, stop=None):
    """The rows of the file whose numbers are in ``numbers`` (or the ``start:stop`` slice of
    all of them), reading no further than needed."""
    found = []
    for index, row in enumerate(read_rows(kind, data)):
        if numbers is not None:
            if row.number in numbers:
                found.append(row)
                if len(found) == len(numbers):
                    break
        elif index >= start:
            if stop is not None and index >= stop:
                break
            found.append(row)
    return found


def count_rows(kind: str, data: bytes) -> int:
    """How many data rows the file holds (checking its header row on the way)."""
    return sum(1 for _row in read_rows(kind, data))


def template_bytes(kind: str) -> bytes:
    """The template workbook of ``kind``: the Chinese headers and one example row of synthetic
    data, then the sheet 填写说明 explaining each column."""
    columns = columns_of(kind)
    explanation = [
        [TEMPLATE_TITLES[kind]],
        ["每行一条记录；第一行为表头，请勿修改表头文字；示例行请删除后再导入。"],
        ["也可另存为CSV（UTF-8或GB18030编码）导入，表头相同。"],
        [],
        ["列名", "是否必填", "格式和允许的值", "示例"],
        *[
            [
                column.header,
                "必填" if column.required else "选填",
                column.explanation,
                column.example,
            ]
            for column in columns
        ],
    ]
    return sheets_bytes(
        [
            (
                TEMPLATE_TITLES[kind][:31],
                [[c.header for c in columns], [c.example for c in columns]],
            ),
            (EXPLANATION_SHEET, explanation),
        ]
    )
