"""Writing XLSX workbooks: one sheet, rows written as they come (openpyxl's write-only mode),
so a long export never holds its rows as cells in memory."""

import io
from collections.abc import Iterable

from openpyxl import Workbook


def write_sheet(title: str, rows: Iterable[list], out) -> None:
    """Write ``rows`` as the one sheet ``title`` of a workbook into the file ``out``."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for row in rows:
        sheet.append(row)
    workbook.save(out)


def sheet_bytes(title: str, rows: Iterable[list]) -> bytes:
    """The workbook of one sheet as bytes (for files small enough to hold: reports)."""
    out = io.BytesIO()
    write_sheet(title, rows, out)
    return out.getvalue()
