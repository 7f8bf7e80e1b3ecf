"""Benchmarks: `make bench` prints a table of operation, data size, median, p95 and SQL queries.

Runs against a throw-away test database (SQLite by default, PostgreSQL when DATABASE_URL is
set) that it builds and drops itself. Later issues add their operations to OPERATIONS.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

PERSONS = int(os.environ.get("BENCH_PERSONS", "20000"))
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
    from casework.demo import load_demo
    from casework.factories import PersonFactory
    from casework.models import Region

    load_demo(households_per_village=1)
    villages = list(Region.objects.filter(level="village"))
    with transaction.atomic():
        for index in range(PERSONS):
            PersonFactory(region=villages[index % len(villages)])


def operations():
    from casework.id_numbers import parse_id_number
    from casework.models import Person
    from permissions import audit
    from permissions.models import Officer

    county = Client()
    county.force_login(Officer.objects.get(username="county_approver"))
    village = Client()
    village.force_login(Officer.objects.get(username="village_officer"))
    api = Client()
    api.force_login(Officer.objects.get(username="county_approver"))
    total = Person.objects.count()
    sample = Person.objects.order_by("id")[total // 2]
    numbers = list(Person.objects.values_list("id_number", flat=True)[:1000])
    officer = Officer.objects.get(username="county_approver")

    def append_audit_1000():
        with transaction.atomic():
            audit.record_many(
                audit.Actor(officer=officer),
                [audit.Change("benchmark", sample) for _ in range(1000)],
            )

    return [
        ("persons page, county, first page", total, lambda: county.get("/persons/")),
        ("persons page, county, last page", total, lambda: county.get("/persons/?page=10000")),
        ("persons page, county, searched", total, lambda: county.get("/persons/", {"q": sample.name[:1]})),
        ("persons page, village, filtered", total, lambda: village.get("/persons/?sex=female")),
        ("person detail page", total, lambda: county.get(f"/persons/{sample.pk}/")),
        ("API persons, first page", total, lambda: api.get("/api/v1/persons/")),
        ("API persons, page_size=200", total, lambda: api.get("/api/v1/persons/?page_size=200")),
        ("API person by ID number", total, lambda: api.get("/api/v1/persons/", {"q": sample.id_number})),
        ("ID number check x1000", 1000, lambda: [parse_id_number(n) for n in numbers]),
        ("audit: append 1,000 entries", 1000, append_audit_1000),
    ]


def main():
    setup_test_environment()
    # Each request would otherwise clear the query log that the table counts.
    request_started.disconnect(reset_queries)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        build_data()
        print(f"{connection.vendor}: built {PERSONS} persons in {time.perf_counter() - started:.1f} s")
        rows = [(name, size, *measure(function)) for name, size, function in operations()]
        from permissions.audit import verify_chain
        from permissions.models import AuditEntry

        entries = AuditEntry.objects.count()
        rows.append(("audit: verify chain", entries, *measure(verify_chain, repeat=3)))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"{'operation':<36} {'size':>8} {'median ms':>10} {'p95 ms':>9} {'queries':>8}")
    for name, size, median, p95, queries in rows:
        print(f"{name:<36} {size:>8} {median:>10.1f} {p95:>9.1f} {queries:>8}")


if __name__ == "__main__":
    main()
