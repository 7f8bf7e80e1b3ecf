"""Batches run as background jobs: one PDF per person, a merged print file, progress, per-row
refusals, and jobs private to whoever started them."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from casework.models import Job, JobStatus
from documents import batches, tasks
from documents.models import Document
from permissions.roles import Role
from tests.conftest import COUNTY


@pytest.fixture
def run_batch(make_request, disburser, immediate_tasks, django_capture_on_commit_callbacks):
    """Run a batch of letters as the disbursement officer who issues them."""

    def run(requests, officer=None):
        with django_capture_on_commit_callbacks(execute=True):
            job = tasks.start_batch(officer or disburser, "十一月发放告知书", requests)
        job.refresh_from_db()
        return job

    return run


@pytest.mark.django_db
def test_a_batch_issues_each_letter_and_one_print_file(run_batch, make_request, monkeypatch):
    # Three chunks, appended to the print file one after the other as they are registered.
    monkeypatch.setattr(batches, "CHUNK_SIZE", 2)
    job = run_batch([make_request("payment_letter") for _ in range(5)])

    assert job.status == JobStatus.DONE and job.done == job.total == 5 and job.finished_at
    assert Document.objects.count() == 5
    assert job.result["numbers"][-1] == "安和县卫健〔2026〕奖扶发字第0005号"
    with job.output.open("rb") as handle:
        merged = PdfReader(io.BytesIO(handle.read()))
    assert len(merged.pages) == sum(Document.objects.values_list("pages", flat=True))
    text = "".join(page.extract_text() for page in merged.pages)
    places = [text.find(number) for number in job.result["numbers"]]
    assert -1 not in places and places == sorted(places)


@pytest.mark.django_db
def test_one_refused_row_does_not_stop_the_others(run_batch, make_request):
    bad = make_request("payment_letter", public_summary=[("身份证", "36092119660308002X")])
    job = run_batch([make_request("payment_letter"), bad, make_request("payment_letter")])

    assert job.status == JobStatus.DONE and job.done == 3
    assert len(job.result["documents"]) == 2
    assert [row["index"] for row in job.result["refused"]] == [1]
    assert Document.objects.count() == 2


@pytest.mark.django_db
def test_the_job_page_and_api_are_private(run_batch, make_request, client, login_api, make_officer):
    job = run_batch([make_request("payment_letter")])
    stranger = make_officer(Role.COUNTY_APPROVER, COUNTY)

    client.force_login(job.started_by)
    page = client.get(reverse("job-detail", args=[job.pk]))
    assert page.status_code == 200 and job.result["numbers"][0] in page.content.decode()
    assert client.get(reverse("job-output", args=[job.pk])).status_code == 200
    body = login_api(job.started_by).get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["status"] == "done" and body["done"] == body["total"] == 1

    client.force_login(stranger)
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404
    assert login_api(stranger).get(f"/api/v1/jobs/{job.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_job_page_lists_its_first_documents_in_the_order_issued(
    run_batch, make_request, client, monkeypatch, django_assert_max_num_queries
):
    from web.views import documents as views

    monkeypatch.setattr(views, "JOB_DOCUMENTS_LISTED", 3)
    job = run_batch([make_request("payment_letter") for _ in range(4)])
    client.force_login(job.started_by)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("job-detail", args=[job.pk])).content.decode()

    numbers = job.result["numbers"]
    places = [page.find(number) for number in numbers[:3]]
    assert -1 not in places and places == sorted(places)
    assert numbers[3] not in page
    assert "已完成 · 进度 4 / 4" in page
    assert "前 3 份，共 4 份" in page


@pytest.mark.django_db
def test_a_batch_reads_its_subjects_at_once(run_batch, make_request):
    """The task reads every request's subject with one query per model, not one per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(count):
        # Each letter about a payment of its own.
        requests = [make_request("payment_letter") for _ in range(count)]
        with CaptureQueriesContext(connection) as counted:
            job = run_batch(requests)
        assert job.done == count and len(job.result["documents"]) == count
        return len(counted)

    statements(1)  # the first batch also reads the content types, cached from then on
    assert statements(8) == statements(2)


@pytest.mark.django_db
def test_a_running_job_page_refreshes_itself(client, administrator):
    job = Job.objects.create(
        kind="documents", title="批量", total=10, done=4, started_by=administrator
    )
    client.force_login(administrator)
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and 'value="40"' in page


@pytest.mark.django_db
def test_notices_wait_in_a_queue_of_their_own(
    make_request, administrator, settings, django_capture_on_commit_callbacks
):
    """A county's long notices never hold up a batch of letters: each kind of batch waits in
    its own queue, which a worker of its own can serve."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": settings.CASEWORK_TASK_QUEUES,
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        letters = tasks.start_batch(administrator, "告知书", [make_request("payment_letter")])
        notice = tasks.start_batch(administrator, "公示", [make_request("posting_notice")])

    queued = {
        result.args_kwargs["args"][0]: result.queue_name for result in DBTaskResult.objects.all()
    }
    assert queued == {str(letters.pk): "default", str(notice.pk): tasks.LONG_DOCUMENTS_QUEUE}
    assert tasks.LONG_DOCUMENTS_QUEUE in settings.CASEWORK_TASK_QUEUES


def test_a_celery_worker_consumes_every_queue(settings):
    from config.celery import make_app

    app = make_app("casework-queues-test")

    assert [queue.name for queue in app.conf.task_queues] == settings.CASEWORK_TASK_QUEUES
