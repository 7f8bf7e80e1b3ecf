"""`make bench-round`: a county's whole yearly round (issue 10), stage by stage.

Builds a county of ROUND_VILLAGES (300) villages with ROUND_APPLICATIONS (10,000) submitted
applications (the scale data generator's ``new_round``), then works the round through the real
actions (``workflows/yearly_round.py``) while ``db_worker`` processes issue the documents it
queues, one worker per task queue (``CASEWORK_TASK_QUEUES``): every posting notice
(``CASEWORK_INLINE_NOTICE_ROWS=0``, so no notice is drawn in the officer's request) on the
long documents' queue, and every filed 审批表 and payment letter on the default queue, each
batch rendered and signed by a pool of ``CASEWORK_DOCUMENT_WORKERS`` processes (one per CPU).
ROUND_WORKERS=0 times the steps alone and leaves the documents queued. Prints each stage's time and
rows, the documents and pages produced per second, the peak memory, the total against the
10-minute target, and the audit chain check (``manage.py verify_audit``). ROUND_PROFILE=<stage
name> prints a profile of that stage.

SQLite by default, in a throw-away folder; PostgreSQL when DATABASE_URL is set (a database of
its own is created there and dropped afterwards).
"""

import cProfile
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VILLAGES = int(os.environ.get("ROUND_VILLAGES", "300"))
APPLICATIONS = int(os.environ.get("ROUND_APPLICATIONS", "10000"))
# 0 times the steps alone and leaves the documents queued; else one db_worker per task queue.
WORKERS = os.environ.get("ROUND_WORKERS", "1") != "0"
TARGET_SECONDS = 600


def environment(scratch: Path) -> dict:
    """The settings of the bench and of its workers: a data folder of its own, every notice
    to the workers, the database given or a new SQLite file."""
    values = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CASEWORK_DATA_DIR": str(scratch),
        "CASEWORK_INLINE_NOTICE_ROWS": "0",
        "CASEWORK_SIGNING_PASSPHRASE": "bench-round",
        "CASEWORK_SECRET_KEY": os.environ.get("CASEWORK_SECRET_KEY") or "bench-round",
        "CASEWORK_TASK_BACKEND": "database",
        "CASEWORK_LOG_LEVEL": "ERROR",
    }
    if not os.environ.get("DATABASE_URL"):
        values["CASEWORK_DEBUG"] = "1"
    return values


@contextmanager
def profiled(stage: str):
    """Profile the stage named by ROUND_PROFILE (cProfile; the top 40 by cumulative time)."""
    if stage != os.environ.get("ROUND_PROFILE"):
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(40)


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="casework-round-"))
    # The round pins its own days; the workers keep the wall clock (see the document timeline).
    os.environ.pop("CASEWORK_TODAY", None)
    os.environ.update(environment(scratch))
    created = None
    url = os.environ.get("DATABASE_URL", "")
    if url:
        from benchmarks.load import database_url

        url, created = database_url(url, fresh=True)
        os.environ["DATABASE_URL"] = url
    try:
        run(scratch)
    finally:
        if created:
            from django.db import connections

            from benchmarks.load import drop_database

            connections.close_all()
            drop_database(url, created)


def run(scratch: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from casework import clock
    from casework.models import Job, JobStatus, Region
    from config.startup import freeze_startup_objects
    from demo.scale import Progress, Size, generate
    from documents import keys
    from documents.models import Document
    from workflows.yearly_round import COUNTY, YearlyRound, county_office, round_officers

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    start_day = clock.today()
    with clock.pinned(start_day):
        generate(Size(VILLAGES, APPLICATIONS, cases=0, certificates=0, new_round=True), Progress())
    county = Region.objects.get(code=COUNTY)
    keys.make_local_ca(Path(settings.CASEWORK_SIGNING_KEY_DIR), "示范市电子政务演示根证书")
    county_office(county)
    officers = round_officers(county)
    # The steps stand for the officers' requests: settle this process as an app server settles
    # its own (the workers do before their first task).
    freeze_startup_objects()
    queues = settings.CASEWORK_TASK_QUEUES
    print(
        f"{connection.vendor}: a county of {VILLAGES} villages, {APPLICATIONS:,} applications, "
        f"built in {time.perf_counter() - started:.0f} s; "
        f"document workers: {', '.join(queues) if WORKERS else 'none'}",
        flush=True,
    )

    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "db_worker",
                "--interval",
                "0.5",
                "--no-reload",
                "--no-startup-delay",
                "--queue-name",
                queue,
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(scratch / f"worker-{queue}.log", "w"),  # noqa: SIM115 (closed with the process)
        )
        for queue in (queues if WORKERS else [])
    ]
    print(f"{'stage':<28}{'seconds':>9}{'rows':>9}{'rows/s':>9}", flush=True)

    def show(stage) -> None:
        rate = stage.rows / stage.seconds if stage.seconds else 0
        print(f"{stage.name:<28}{stage.seconds:9.1f}{stage.rows:9,}{rate:9.0f}", flush=True)

    round_started, round_wall = time.perf_counter(), timezone.now()
    setup_usage = resource.getrusage(resource.RUSAGE_SELF)
    setup_cpu = setup_usage.ru_utime + setup_usage.ru_stime
    try:
        YearlyRound(county, officers, start_day, on_stage=show, profile=profiled).run()
        steps_done = time.perf_counter()
        waiting = Job.objects.exclude(status__in=[JobStatus.DONE, JobStatus.FAILED])
        # Without workers (ROUND_WORKERS=0: the steps alone) the documents stay queued.
        while workers and waiting.exists():
            if any(worker.poll() is not None for worker in workers):
                raise SystemExit(f"A document worker stopped; see {scratch}/worker-*.log")
            time.sleep(0.5)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait()
    finished = time.perf_counter()
    documents = Document.objects.count()
    pages = sum(Document.objects.values_list("pages", flat=True))
    show_line = f"{'documents after the steps':<28}{finished - steps_done:9.1f}{documents:9,}"
    print(show_line, flush=True)
    failed = Job.objects.filter(status=JobStatus.FAILED).count()
    if not workers:
        print(f"documents left queued (ROUND_WORKERS=0): {waiting.count():,} jobs")
    total = finished - round_started
    verify_started = time.perf_counter()
    call_command("verify_audit")
    verify_seconds = time.perf_counter() - verify_started
    own_usage = resource.getrusage(resource.RUSAGE_SELF)
    children_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own, children = own_usage.ru_maxrss / 1024, children_usage.ru_maxrss / 1024
    print(
        f"documents: {documents:,} signed PDFs, {pages:,} pages, "
        f"{documents / total:.1f} documents/s and {pages / total:.1f} pages/s over the round; "
        f"failed jobs: {failed}"
    )
    print(f"peak memory: {own:.0f} MB (round), {children:.0f} MB (largest worker)")
    # CPU against wall time says whether the round waits for the CPUs or for something else.
    own_cpu = own_usage.ru_utime + own_usage.ru_stime - setup_cpu
    workers_cpu = children_usage.ru_utime + children_usage.ru_stime
    print(
        f"CPU: {own_cpu:.0f} s (round process, from the first step), {workers_cpu:.0f} s "
        f"(document workers and their pools), over {total:.0f} s on {os.cpu_count()} CPUs"
    )
    _print_document_timeline(round_wall, steps_done - round_started)
    print(f"audit chain verified in {verify_seconds:.1f} s")
    verdict = "within" if total <= TARGET_SECONDS else "OVER"
    print(f"whole round: {total:.0f} s ({verdict} the {TARGET_SECONDS} s target)")
    if failed:
        raise SystemExit(f"{failed} document jobs failed")


def _print_document_timeline(round_wall, steps_seconds: float) -> None:
    """When each kind's first and last documents were registered, in seconds from the first
    step: what the documents still owed when the steps were done. (The workers' clock is not
    pinned, so ``issued_at`` is their wall time.)"""
    from django.db.models import Count, Max, Min

    from documents.models import Document

    rows = Document.objects.values("kind").annotate(
        count=Count("pk"), first=Min("issued_at"), last=Max("issued_at")
    )
    print(
        f"documents by kind, seconds from the first step (the steps ended at {steps_seconds:.0f})"
    )
    for row in rows.order_by("last"):
        first, last = ((row[at] - round_wall).total_seconds() for at in ("first", "last"))
        print(f"  {row['kind']:<24}{row['count']:>8,}  from {first:6.0f} to {last:6.0f}")


if __name__ == "__main__":
    main()
