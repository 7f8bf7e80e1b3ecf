"""Issue 5's budget for payments: a batch of 50,000 recipients builds, and its bank file exports
(CSV and XLSX), in at most 20 s each with at most 500 MB of memory.

``run.py`` calls :func:`payment_lines` once its table is measured; that runs this file in a
fresh process on the throw-away database (on a file copy of SQLite's in-memory one), so the
memory measured is not what the benchmarks before (PDF rendering above all) left behind. The
recipients (enrolled applications of the demo county, each with a current bank account) are
bulk-inserted first; that setup is not measured.

Each operation runs twice: once timed, with the peak resident set size reset to the current size
just before it (Linux ``/proc/self/clear_refs``), so the figure is the process's high-water mark
while that operation ran (read as ``VmHWM``, see :func:`_peak_rss_kib`); and once under ``tracemalloc`` for the peak of Python's
allocations (tracing slows Python down, so it never runs inside the timing). A second build
needs the first batch returned (its payments cancelled) by the fund manager.
"""

import datetime
import gc
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

from django.db import models, transaction
from django.test.utils import override_settings

RECIPIENTS = int(os.environ.get("BENCH_RECIPIENTS", "50000"))
BUDGET_SECONDS = 20
BUDGET_MB = 500
# The rural reward pays by the calendar year; the day is inside 2026, as in the demo.
DAY = "2026-11-24"
PERIOD_START = datetime.date(2026, 1, 1)
# Rows are inserted this many at a time, so the setup itself stays small in memory.
SETUP_CHUNK = 5000
BANK = "示范农村商业银行"


def _reset_peak_rss() -> bool:
    """Reset the process's peak RSS to its current RSS (Linux 4.0+); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _peak_rss_kib() -> int:
    """The RSS high-water mark in KiB: ``VmHWM``, which is ``ru_maxrss`` of this process's own
    memory. ``getrusage`` also keeps the high-water of the memory it replaced at ``exec``, here
    run.py's (spawned by it, this process starts with its peak), so it is the fallback only."""
    peak = _status_kib("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Figure:
    """What one operation measured: seconds, RSS high-water and before (KiB), Python peak."""

    def __init__(self):
        self.seconds = 0.0
        self.rss_before_kib = 0
        self.rss_peak_kib = 0
        self.rss_reset = False
        self.python_peak_bytes = 0


@contextmanager
def timed(figure: Figure):
    gc.collect()
    figure.rss_reset = _reset_peak_rss()
    figure.rss_before_kib = _status_kib("VmRSS") or 0
    start = time.perf_counter()
    yield
    figure.seconds = time.perf_counter() - start
    figure.rss_peak_kib = _peak_rss_kib()


@contextmanager
def traced(figure: Figure):
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        yield
        figure.python_peak_bytes = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _id_numbers(count: int, taken: set[str]):
    """``count`` valid ID numbers of the county's area code, none of them in ``taken``."""
    from casework.factories import synthetic_id_number

    day, made = datetime.date(1940, 1, 1), 0
    while True:
        for sequence in range(500):
            for male in (True, False):
                number = synthetic_id_number("360921", day, sequence, male=male)
                if number not in taken:
                    yield number, day, male
                    made += 1
                    if made == count:
                        return
        day += datetime.timedelta(days=1)


def make_recipients(count: int, officer) -> int:
    """``count`` enrolled applications of the rural reward in the demo county, paid from before
    2026, each applicant with a current bank account. Reuses the persons that have neither an
    application to the program this year nor an account, and adds the rest. Returns how many
    persons were added."""
    from casework import clock
    from casework.factories import synthetic_name
    from casework.models import (
        Application,
        ApplicationStatus,
        BankAccount,
        Hukou,
        Person,
        Program,
        Region,
    )
    from casework.models.people import Sex

    program = Program.objects.get(code="rural-reward")
    villages = list(
        Region.objects.filter(level="village", code__startswith="360921").values_list(
            "code", flat=True
        )
    )
    reusable = list(
        Person.objects.filter(region_id__in=villages)
        .exclude(applications__program=program, applications__year=PERIOD_START.year)
        .exclude(
            models.Exists(
                BankAccount.objects.filter(person=models.OuterRef("pk"), replaced_at__isnull=True)
            )
        )
        .order_by("id")
        .values_list("id", "region_id")[:count]
    )
    missing = count - len(reusable)
    now = clock.now()
    rng = random.Random(PERIOD_START.year)
    account = 0

    def enrol(persons: list[tuple[int, str]]) -> None:
        nonlocal account
        applications, accounts = [], []
        for person_id, region_id in persons:
            applications.append(
                Application(
                    program=program,
                    year=PERIOD_START.year,
                    applicant_id=person_id,
                    region_id=region_id,
                    status=ApplicationStatus.ENROLLED,
                    paid_from=datetime.date(2025, 1, 1),
                    created_by=officer,
                )
            )
            account += 1
            accounts.append(
                BankAccount(
                    person_id=person_id,
                    bank=BANK,
                    account_number=f"622848{account:013d}",
                    recorded_by=officer,
                    recorded_at=now,
                    effective_from=now.date(),
                )
            )
        Application.objects.bulk_create(applications, batch_size=500)
        BankAccount.objects.bulk_create(accounts, batch_size=500)

    with transaction.atomic():
        for at in range(0, len(reusable), SETUP_CHUNK):
            enrol(reusable[at : at + SETUP_CHUNK])
        del reusable
        taken = set(Person.objects.values_list("id_number", flat=True))
        numbers = _id_numbers(missing, taken)
        added = 0
        while added < missing:
            persons = []
            for index, (number, birth_date, male) in zip(
                range(min(SETUP_CHUNK, missing - added)), numbers, strict=False
            ):
                persons.append(
                    Person(
                        id_number=number,
                        name=synthetic_name(rng),
                        sex=Sex.MALE if male else Sex.FEMALE,
                        birth_date=birth_date,
                        region_id=villages[(added + index) % len(villages)],
                        hukou=Hukou.RURAL,
                    )
                )
            Person.objects.bulk_create(persons, batch_size=500)
            if any(person.pk is None for person in persons):  # no RETURNING on this database
                ids = dict(
                    Person.objects.filter(id_number__in=[p.id_number for p in persons]).values_list(
                        "id_number", "id"
                    )
                )
                for person in persons:
                    person.pk = ids[person.id_number]
            enrol([(person.pk, person.region_id) for person in persons])
            added += len(persons)
    return missing


class _Sink:
    """Where a bank file's chunks go: counted, as a response would send them, then dropped."""

    def __init__(self):
        self.bytes = 0

    def write(self, chunk) -> None:
        self.bytes += len(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)


def _consume(chunks) -> int:
    sink = _Sink()
    for chunk in chunks:
        sink.write(chunk)
    return sink.bytes


def run() -> dict:
    """Set up the recipients, then build, approve and export; return the figures."""
    from casework.models import PaymentBatch, Program, Region
    from permissions.audit import Actor
    from permissions.factories import OfficerFactory
    from permissions.roles import Role
    from workflows import bank_files, payments
    from workflows.transitions import perform

    county = Region.objects.get(code="360921000000")
    program = Program.objects.get(code="rural-reward")
    disburser = OfficerFactory(
        username="bench_disburser", roles=[Role.DISBURSEMENT_OFFICER], jurisdiction=county
    )
    fund_manager = OfficerFactory(
        username="bench_fund_manager", roles=[Role.FUND_MANAGER], jurisdiction=county
    )
    clerk = OfficerFactory(
        username="bench_village_clerk", roles=[Role.VILLAGE_OFFICER], jurisdiction=county
    )
    day = datetime.date.fromisoformat(DAY)
    started = time.perf_counter()
    added = make_recipients(RECIPIENTS, clerk)
    setup = time.perf_counter() - started
    gc.collect()

    def build():
        return payments.build(Actor(disburser), program=program, county=county, day=day)

    figures = {name: Figure() for name in ("build", "csv", "xlsx")}
    with timed(figures["build"]):
        built = build()
    first = built.batch
    if first is None:
        raise SystemExit(f"payments: nothing to pay ({len(built.skipped)} skipped)")
    count, total, skipped = first.payment_count, first.total, len(built.skipped)
    # The fund manager returns it (its payments are cancelled), so it can be built again,
    # this time traced.
    perform("return", first, Actor(fund_manager), {"opinion": "benchmark: built again"})
    del built, first
    with traced(figures["build"]):
        batch = build().batch
    perform("approve", batch, Actor(fund_manager), {})
    batch = PaymentBatch.objects.get(pk=batch.pk)
    sizes = {}
    for file_format in ("csv", "xlsx"):
        figure = figures[file_format]
        with timed(figure):
            _type, _name, chunks = bank_files.export(Actor(disburser), batch, file_format)
            sizes[file_format] = _consume(chunks)
        del chunks
        batch = PaymentBatch.objects.get(pk=batch.pk)
        with traced(figure):
            _type, _name, chunks = bank_files.export(Actor(disburser), batch, file_format)
            _consume(chunks)
        del chunks
        batch = PaymentBatch.objects.get(pk=batch.pk)
    return {
        "setup": setup,
        "added": added,
        "count": count,
        "total": total,
        "skipped": skipped,
        "figures": figures,
        "sizes": sizes,
    }


def payment_lines() -> list[str]:
    """Run the payments benchmark in a fresh process on the throw-away database (a copy of it,
    for SQLite's in-memory one) and return the lines it prints.

    A fresh process, so that the memory measured is the batch's and not what the benchmarks
    before it (PDF rendering above all) left in this one.
    """
    from django.db import connection

    scratch = None
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        scratch = Path(tempfile.mkdtemp(prefix="casework-bench-payments-"))
        name = str(scratch / "bench.sqlite3")
        copy = sqlite3.connect(name)
        connection.connection.backup(copy)
        copy.close()
    environment = dict(os.environ)
    # PostgreSQL runs with DEBUG off, which needs a key (make bench sets one).
    environment["CASEWORK_SECRET_KEY"] = os.environ.get("CASEWORK_SECRET_KEY") or "bench-only-key"
    try:
        child = subprocess.run(
            [sys.executable, __file__, name],
            env=environment,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    lines = child.stdout.splitlines()
    if child.returncode:
        lines.append(f"payments: FAILED (exit {child.returncode}; see the error above)")
    return lines


def _lines() -> list[str]:
    """Run the payments benchmark (on the pinned day) and return the lines to print."""
    with override_settings(CASEWORK_TODAY=DAY):
        result = run()
    figures = result["figures"]
    lines = [
        f"payments: {result['count']} payments, total {result['total']:.2f} yuan "
        f"({result['skipped']} skipped; setup of {RECIPIENTS} recipients, "
        f"{result['added']} new persons, {result['setup']:.1f} s, not measured)",
    ]
    missed = []
    for name, label in (
        ("build", "build batch"),
        ("csv", "export CSV"),
        ("xlsx", "export XLSX"),
    ):
        figure = figures[name]
        peak_mb = figure.rss_peak_kib / 1024
        over = []
        if figure.seconds > BUDGET_SECONDS:
            over.append(f"OVER BUDGET: {figure.seconds:.1f} s > {BUDGET_SECONDS} s")
        if peak_mb > BUDGET_MB:
            over.append(f"OVER BUDGET: {peak_mb:.0f} MB > {BUDGET_MB} MB")
        missed += [f"{label}: {text}" for text in over]
        size = f", {result['sizes'][name]:,} bytes" if name in result["sizes"] else ""
        lines.append(
            f"payments {label} of {result['count']}: {figure.seconds:.1f} s "
            f"(budget {BUDGET_SECONDS} s), peak RSS {peak_mb:.0f} MB "
            f"({figure.rss_peak_kib} KiB, budget {BUDGET_MB} MB; "
            f"{figure.rss_before_kib / 1024:.0f} MB before"
            f"{'' if figure.rss_reset else ', process high-water: could not reset'}), "
            f"Python allocations peak {figure.python_peak_bytes / 2**20:.1f} MB{size}"
            + (f" — {'; '.join(over)}" if over else " — within budget")
        )
    lines.append(
        "payments budgets: " + ("; ".join(missed) if missed else "all held (20 s, 500 MB each)")
    )
    return lines


def main(database_name: str) -> None:
    """In the fresh process: use the throw-away database ``database_name`` and print the lines."""
    from django.conf import settings
    from django.db import connection

    settings.DATABASES["default"]["NAME"] = database_name
    connection.settings_dict["NAME"] = database_name
    connection.close()
    settings.DEBUG = False  # no query log, as in run.py's measurements
    for line in _lines():
        print(line, flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    main(sys.argv[1])
