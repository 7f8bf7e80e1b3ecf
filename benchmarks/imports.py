"""Issue 9's import at scale: a workbook of BENCH_IMPORT_ROWS (50,000) new persons, uploaded by
the demo village officer, checked and imported by the background task functions (run in this
process by django-tasks' immediate backend), every row with its audit entry.

``run.py`` calls :func:`import_lines` last, on its throw-away database: the file is written
first (not measured), then the upload (stored, rows counted, the check job with its chunked
bulk lookups) and the import (the job checks every row again, then writes persons, households
and audit entries in one transaction) are timed apart.
"""

import io
import os
import random
import time
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from openpyxl import Workbook

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "50000"))
DAY = "2026-11-24"
# The demo village officer's village.
VILLAGE = "360921100201"


def _workbook(numbers) -> bytes:
    """The persons template filled with ``ROWS`` synthetic persons, two to a household."""
    from casework.factories import synthetic_name
    from casework.imports.columns import PERSON_COLUMNS

    rng = random.Random(9)
    # Not write-only: a normal workbook keeps its text in shared strings, as Excel saves it.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员"
    sheet.append([column.header for column in PERSON_COLUMNS])
    run = uuid.uuid4().hex[:6].upper()
    for index, (number, _day, _male) in enumerate(numbers):
        household = f"B{run}{index // 2:07d}"
        sheet.append(
            [synthetic_name(rng), number, household, VILLAGE, f"东风村{index // 2}号", "农业", ""]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run() -> dict:
    from benchmarks.payments import _id_numbers
    from casework.models import Person
    from permissions.audit import Actor
    from permissions.models import AuditEntry, Officer
    from workflows import imports

    officer = Officer.objects.get(username="village_officer")
    taken = set(Person.objects.values_list("id_number", flat=True))
    started = time.perf_counter()
    data = _workbook(_id_numbers(ROWS, taken))
    setup = time.perf_counter() - started
    entries_before = AuditEntry.objects.count()
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate, CASEWORK_IMPORT_INLINE_ROWS=1000):
        started = time.perf_counter()
        data_import = imports.upload(
            Actor(officer), "persons", SimpleUploadedFile("人员.xlsx", data)
        )
        checked = time.perf_counter() - started
        data_import.refresh_from_db()
        started = time.perf_counter()
        imports.commit(Actor(officer), data_import, "all_or_nothing")
        imported = time.perf_counter() - started
    data_import.refresh_from_db()
    return {
        "setup": setup,
        "bytes": len(data),
        "checked": checked,
        "imported": imported,
        "import": data_import,
        "entries": AuditEntry.objects.count() - entries_before,
    }


def import_lines() -> list[str]:
    """Run the import benchmark (on the pinned day) and return the lines to print."""
    from casework.models import ImportStatus

    with override_settings(CASEWORK_TODAY=DAY):
        result = run()
    data_import = result["import"]
    ok = data_import.status == ImportStatus.IMPORTED and data_import.imported_rows == ROWS
    total = result["checked"] + result["imported"]
    return [
        f"import: {ROWS} persons from an XLSX of {result['bytes']:,} bytes "
        f"(written in {result['setup']:.1f} s, not measured)",
        f"import upload + background check of {data_import.rows} rows: {result['checked']:.1f} s; "
        f"background import (checked again, written, {result['entries']} audit entries): "
        f"{result['imported']:.1f} s; total {total:.1f} s"
        + ("" if ok else f" — FAILED: status {data_import.status}, {data_import.errors[:3]}"),
    ]
