"""Benchmarks: `make bench` prints a table of operation, data size, median, p95, SQL queries
and the budget each is held to.

Runs against a throw-away test database (SQLite by default, PostgreSQL when DATABASE_URL is
set) that it builds and drops itself: the demo county (documents, keys) and a generated city
(benchmarks/scale.py: BENCH_APPLICATIONS applications, 100,000 on SQLite and 1,000,000 on
PostgreSQL by default), on which issue 8's operations are measured against their budgets.
Payments (issue 5, benchmarks/payments.py): a batch of BENCH_RECIPIENTS (50,000) recipients
built and its bank file exported, each against its budget of 20 s and 500 MB.
Imports (issue 9, benchmarks/imports.py): a workbook of BENCH_IMPORT_ROWS (50,000) persons
checked and imported through the background task functions.
Documents (issue 30, benchmarks/document_kinds.py): each kind's CPU per document in a batch
beside bare WeasyPrint's on the same HTML. Inboxes (issue 30): every role's, beside stock
viewflow's inbox and queue over the same waiting applications.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
)

from config.startup import freeze_startup_objects  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def measure(function, repeat=REPEAT):
    """Run ``function`` ``repeat`` times; return (median ms, p95 ms, queries of the last run)."""
    timings = []
    for _ in range(repeat):
        reset_queries()  # the log is a bounded deque: a full one would count nothing
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = function()
            timings.append((time.perf_counter() - start) * 1000)
        status = getattr(result, "status_code", 200)
        if status != 200:
            raise SystemExit(f"{function} answered {status}")
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return statistics.median(timings), p95, len(queries)


def build_data():

    from demo.county import load_demo

    # The demo makes its signing keys, which it does only in DEBUG; keys and PDFs go to a
    # throw-away folder.
    scratch = Path(tempfile.mkdtemp(prefix="casework-bench-"))
    settings.DEBUG = True
    settings.CASEWORK_SIGNING_KEY_DIR = scratch / "keys"
    settings.CASEWORK_TRUST_ROOTS = [scratch / "keys" / "ca.pem"]
    settings.CASEWORK_SIGNING_PASSPHRASE = settings.CASEWORK_SIGNING_PASSPHRASE or "bench"
    settings.MEDIA_ROOT = scratch / "media"
    load_demo(households_per_village=1)
    from benchmarks.scale import generate_city
    from demo.keys import ensure_demo_keys
    from documents.models import IssuingOffice

    generated = generate_city()
    # The city's offices sign what the measured steps issue (a small posting's notice).
    ensure_demo_keys(list(IssuingOffice.objects.all()))
    settings.DEBUG = False
    return generated


def operations():
    from casework.id_numbers import parse_id_number
    from casework.models import Person
    from permissions import audit
    from permissions.models import Officer
    from permissions.scoping import visible_to

    county = Client()
    county.force_login(Officer.objects.get(username="scale_county_approver"))
    village = Client()
    village.force_login(Officer.objects.get(username="scale_village_officer"))
    api = Client()
    api.force_login(Officer.objects.get(username="scale_county_approver"))
    total = Person.objects.count()
    officer = Officer.objects.get(username="scale_county_approver")
    # A person of the county approver's jurisdiction (the generated villages are interleaved, so
    # the first person of the city may live in another county).
    sample = visible_to(officer, Person).order_by("id").first()
    numbers = list(Person.objects.values_list("id_number", flat=True)[:1000])

    def append_audit_1000():
        with transaction.atomic():
            audit.record_many(
                audit.Actor(officer=officer),
                [audit.Change("benchmark", sample) for _ in range(1000)],
            )

    return [
        ("persons page, county, first page", total, lambda: county.get("/persons/")),
        ("persons page, county, last page", total, lambda: county.get("/persons/?page=10000")),
        (
            "persons page, county, searched",
            total,
            lambda: county.get("/persons/", {"q": sample.name[:1]}),
        ),
        ("persons page, village, filtered", total, lambda: village.get("/persons/?sex=female")),
        ("person detail page", total, lambda: county.get(f"/persons/{sample.pk}/")),
        ("API persons, first page", total, lambda: api.get("/api/v1/persons/")),
        ("API persons, page_size=200", total, lambda: api.get("/api/v1/persons/?page_size=200")),
        (
            "API person by ID number",
            total,
            lambda: api.get("/api/v1/persons/", {"q": sample.id_number}),
        ),
        ("ID number check x1000", 1000, lambda: [parse_id_number(n) for n in numbers]),
        ("audit: append 1,000 entries", 1000, append_audit_1000),
    ]


def document_operations():
    """The PDF pipeline against the bare WeasyPrint rendering of the very same page."""
    from casework.models import Region
    from demo.samples import sample_data
    from documents import batches, issuing, rendering, verification
    from documents.models import IssuingOffice
    from permissions.audit import Actor
    from permissions.models import Officer

    office = IssuingOffice.objects.get(code="360921-wjw")
    county = Region.objects.get(code="360921000000")
    actor = Actor(Officer.objects.get(username="county_approver"))

    def request(kind, title, rows=12):
        return issuing.IssueRequest(
            kind=kind,
            office=office,
            region=county,
            title=title,
            data=sample_data(kind, rows=rows),
            public_summary=[("姓名", "韩*英")],
            signers=[issuing.Signer("签发", "县审批员", "2026年11月25日", "同意")],
        )

    certificate = request("migrant_certificate", "流动人口婚育证明")
    html = rendering.page_html(
        [
            issuing.document_body(
                certificate, "安和县卫健〔2026〕婚育证字第9999号", "ABCDE23456", demo=True
            )
        ]
    )
    signed = issuing.issue(certificate, actor)
    with signed.file.open("rb") as handle:
        signed_bytes = handle.read()
    posting = request("posting_notice", "农村部分计划生育家庭奖励扶助对象公示", rows=1000)
    letters = [request("payment_letter", "奖励扶助金发放告知书") for _ in range(100)]
    return [
        ("PDF: bare write_pdf, certificate", 1, lambda: rendering.layout(html).write_pdf(), 15),
        ("PDF: issue certificate (all steps)", 1, lambda: issuing.issue(certificate, actor), 15),
        ("PDF: verify an issued certificate", 1, lambda: verification.verify_pdf(signed_bytes), 15),
        ("PDF: issue posting, 1,000 rows", 1000, lambda: issuing.issue(posting, actor), 3),
        ("PDF: batch of 100 letters + print", 100, lambda: batches.issue_batch(letters, actor), 1),
    ]


def print_inboxes(rows) -> None:
    """Each role's inbox, ours beside stock viewflow's over the same waiting applications:
    p95 ms / queries of our page and ``tasks/`` list, of the stock inbox and queue pages."""
    from benchmarks.scale import inbox_role
    from permissions.roles import Role

    measured = {row[0]: row for row in rows}
    columns = ("inbox page", "API tasks/", "stock viewflow inbox", "stock viewflow queue")
    print(f"{'inboxes (p95 ms / queries)':<28}" + "".join(f"{c:>22}" for c in columns))
    for role in Role:
        cells = [measured.get(f"{column}, {inbox_role(role)}") for column in columns]
        if not any(cells):
            continue
        print(
            f"{inbox_role(role):<28}"
            + "".join(f"{f'{c[3]:.1f} / {c[4]}' if c else '':>22}" for c in cells)
        )


def main():
    setup_test_environment()
    # Each request would otherwise clear the query log that the table counts.
    request_started.disconnect(reset_queries)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        counts, seconds = build_data()
        # The measured requests run in this process: settle it as a server settles its own.
        freeze_startup_objects()
        made = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        print(f"{connection.vendor}: generated {made} in {seconds:.0f} s")
        rows = [
            (name, size, *measure(function), None, None) for name, size, function in operations()
        ]
        from benchmarks.scale import operations as scale_operations

        for op in scale_operations(REPEAT):
            with override_settings(ROOT_URLCONF=op.urlconf or settings.ROOT_URLCONF):
                measured = measure(op.function, op.repeat)
            rows.append((op.name, op.size, *measured, op.budget_ms, op.budget_queries))
        for name, size, function, repeat in document_operations():
            rows.append((name, size, *measure(function, repeat=repeat), None, None))
        from benchmarks.document_kinds import kind_lines

        document_kinds = kind_lines()
        from documents.models import Document

        posting_pages = Document.objects.filter(kind="posting_notice").latest("id").pages
        from permissions.audit import verify_chain
        from permissions.models import AuditEntry

        entries = AuditEntry.objects.count()
        rows.append(("audit: verify chain", entries, *measure(verify_chain, repeat=1), None, None))
        # Last, so its 50,000 recipients change none of the sizes above.
        from benchmarks.payments import payment_lines

        payments = payment_lines()
        # After the payments, which copy the database as it was before these 50,000 persons.
        from benchmarks.imports import import_lines

        payments += import_lines()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        f"{'operation':<48} {'size':>9} {'median ms':>10} {'p95 ms':>9} {'queries':>8} "
        f"{'budget':>14}"
    )
    missed = []
    for name, size, median, p95, queries, budget_ms, budget_queries in rows:
        budget, verdict = "", ""
        if budget_ms is not None:
            budget = f"{budget_ms:g} ms" + (f", {budget_queries} q" if budget_queries else "")
            over = p95 > budget_ms or (budget_queries is not None and queries > budget_queries)
            verdict = "OVER" if over else "ok"
            if over:
                missed.append(name)
        print(
            f"{name:<48} {size:>9} {median:>10.1f} {p95:>9.1f} {queries:>8} {budget:>14} {verdict}"
        )
    print_inboxes(rows)
    print("budgets: " + ("missed by " + "; ".join(missed) if missed else "all held"))
    medians = {row[0]: row[2] for row in rows}
    ratio = (
        medians["PDF: issue certificate (all steps)"] / medians["PDF: bare write_pdf, certificate"]
    )
    posting = medians["PDF: issue posting, 1,000 rows"]
    print(f"certificate issue / bare render: {ratio:.2f} (budget 1.5)")
    print(
        f"posting of 1,000 rows: {posting / 1000:.2f} s (budget 8 s), {posting_pages} pages, "
        f"{posting / posting_pages:.0f} ms per page"
    )
    for line in document_kinds + payments:
        print(line)


if __name__ == "__main__":
    main()
