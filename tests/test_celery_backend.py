"""Past one machine: a job started by the app runs on a Celery worker in another process,
through a real Redis broker, against the same database and the same media folder.

The broker is Debian's ``redis-server`` on a free loopback port; the worker is
``celery -A config worker`` as the README starts it, configured only by environment variables.
The job is the real one a bank return starts: a signed notification letter per paid recipient.
"""

import contextlib
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from casework.models import Job, JobStatus, PaymentBatch, Program
from config.celery import app as project_app
from config.celery import make_app
from documents.models import Document
from permissions.audit import Actor
from workflows import bank_files, payments
from workflows.transitions import perform

REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker is another process, and SQLite's test database lives in this "
        "process's memory; runs on PostgreSQL (the second half of .ci/run)",
    ),
    pytest.mark.skipif(
        REDIS_SERVER is None,
        reason="Debian's redis-server is not installed (`make test` installs it)",
    ),
]

# Bounds, so a broken broker or worker fails the test instead of hanging it.
START_SECONDS = 30
JOB_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def broker(tmp_path):
    """A Redis server of the test's own, on loopback, keeping nothing on disk."""
    port = _free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    server = subprocess.Popen(
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder)]
        + ["--save", "", "--appendonly", "no", "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                _stop(server)
                pytest.fail("redis-server did not start")
            time.sleep(0.1)
    yield url
    client.close()
    _stop(server)


@pytest.fixture
def celery_tasks(settings, broker):
    """This process enqueues through the Celery backend to ``broker``, as an app server does."""
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = broker
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_fennel.CeleryBackend",
            "QUEUES": settings.CASEWORK_TASK_QUEUES,
        }
    }
    app = make_app("casework-test")
    app.set_current()
    app.set_default()
    yield app
    app.close()
    project_app.set_current()
    project_app.set_default()


def _database_url() -> str:
    """The URL of pytest-django's test database, for the worker to use the same one."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{user}{password}@{host}/{quote(db['NAME'], safe='')}"


@contextlib.contextmanager
def celery_worker(broker: str, settings, log: Path):
    """``celery -A config worker`` in another process, configured as the README says."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("CASEWORK_")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=_database_url(),
        CASEWORK_DEBUG="0",
        CASEWORK_SECRET_KEY="insecure-test-only-key",
        CASEWORK_TASK_BACKEND="celery",
        CASEWORK_BROKER_URL=broker,
        CASEWORK_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CASEWORK_SIGNING_KEY_DIR=str(settings.CASEWORK_SIGNING_KEY_DIR),
        CASEWORK_SIGNING_PASSPHRASE=settings.CASEWORK_SIGNING_PASSPHRASE,
        CASEWORK_TRUST_ROOTS=os.pathsep.join(str(p) for p in settings.CASEWORK_TRUST_ROOTS),
        CASEWORK_DATA_DIR=str(log.parent / "worker-var"),
    )
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker"]
            + ["--pool", "solo", "--loglevel", "INFO", "--hostname", "casework-test@%h"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=django_settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield worker
        finally:
            _stop(worker)


def _waiting(broker: str) -> int:
    """Messages waiting in django-tasks' queue (Redis keeps one list per priority step)."""
    client = redis.Redis.from_url(broker)
    lists = [key for key in client.scan_iter("default*") if client.type(key) == b"list"]
    return sum(client.llen(key) for key in lists)


def _wait_until_finished(job: Job, worker: subprocess.Popen, log: Path) -> Job:
    deadline = time.monotonic() + JOB_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    pytest.fail(f"the job did not finish:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bank_return_sends_its_letters_job_to_a_celery_worker(
    celery_tasks, broker, recipient, disburser, fund_manager, regions, offices, settings, tmp_path
):
    for _ in range(2):
        recipient()
    batch = payments.build(
        Actor(disburser),
        program=Program.objects.get(code="rural-reward"),
        county=regions["360921000000"],
        day=datetime.date(2026, 11, 24),
    ).batch
    perform("approve", batch, Actor(fund_manager), {})
    _content_type, _name, chunks = bank_files.export(Actor(disburser), batch, "csv")
    b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in chunks)
    batch = perform("mark_sent", PaymentBatch.objects.get(pk=batch.pk), Actor(disburser), {})

    summary = bank_files.import_return(Actor(disburser), batch, bank_files.return_file_for(batch))

    # Committed and sent: the job waits in the broker until a worker takes it.
    job = Job.objects.get(pk=summary["letters_job"])
    assert job.status == JobStatus.QUEUED
    assert _waiting(broker) == 1

    log = tmp_path / "worker.log"
    with celery_worker(broker, settings, log) as worker:
        job = _wait_until_finished(job, worker, log)

    assert job.status == JobStatus.DONE, job.error
    assert _waiting(broker) == 0
    assert job.done == job.total == 2
    letters = Document.objects.filter(kind="payment_letter")
    assert sorted(str(pk) for pk in letters.values_list("pk", flat=True)) == sorted(
        str(pk) for pk in job.result["documents"]
    )
    assert job.result["refused"] == []
    # The worker wrote the PDFs and the print file into the media folder this process reads.
    assert job.output.name and Path(job.output.path).is_relative_to(settings.MEDIA_ROOT)
    with job.output.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert "casework-test@" in log.read_text(errors="replace")
