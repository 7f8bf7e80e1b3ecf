"""Writing XLSX workbooks: one sheet or several, rows written as they come (openpyxl's write-only mode),
so a long export never holds its rows as cells in memory."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_sheet(title: str, rows: Iterable[list], out) -> None:
    """Write ``rows`` as the one sheet ``title`` of a workbook into the file ``out``."""
    write_sheets([(title, rows)], out)


def write_sheets(sheets: Iterable[tuple[str, Iterable[list]]], out) -> None:
    """Write each ``(title, rows)`` as a sheet, in order, into the file ``out``."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([_writable(value) for value in row])
    workbook.save(out)


def _writable(value):
    # A workbook (XML) cannot hold control characters, and a name stored with one would
    # otherwise fail the whole export: each shows as U+FFFD, so the cell says so.
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def sheet_bytes(title: str, rows: Iterable[list]) -> bytes:
    """The workbook of one sheet as bytes (for files small enough to hold: reports)."""
    return sheets_bytes([(title, rows)])


def sheets_bytes(sheets: Iterable[tuple[str, Iterable[list]]]) -> bytes:
    """The workbook of several sheets as bytes (import templates, dashboards: small files)."""
    out = io.BytesIO()
    write_sheets(sheets, out)
    return out.getvalue()
