"""Starting long work off the request, and recording its progress and outcome on a Job.

A view starts a job with :func:`start_job`; the task (a django-tasks task, run by
``manage.py db_worker`` or the scale-out backend) wraps its work in :func:`running`.
"""

import logging
from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext as _

from casework import clock
from casework.models import Job, JobStatus

logger = logging.getLogger(__name__)


def start_job(officer, kind: str, title: str, task, *, total: int, **arguments) -> Job:
    """Record a queued job and enqueue ``task(job_id, **arguments)`` once the job is committed."""
    job = Job.objects.create(kind=kind, title=title, total=total, started_by=officer)
    transaction.on_commit(lambda: task.enqueue(str(job.pk), **arguments))
    return job


@contextmanager
def running(job_id: str):
    """Mark the job running, then done; any exception marks it failed with a message."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    job.status = JobStatus.RUNNING
    try:
        yield job
    except Exception as error:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=_("The work stopped with an error: %(error)s") % {"error": error},
            finished_at=clock.now(),
        )
        raise
    job.status, job.finished_at = JobStatus.DONE, clock.now()
    job.save(update_fields=["status", "finished_at", "result", "output", "done"])
