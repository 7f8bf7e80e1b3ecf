"""Long work done off the request (document batches, bank files, imports), with its progress."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


def job_output_path(job: "Job", filename: str) -> str:
    return f"jobs/{job.pk}/{filename}"


class Job(models.Model):
    """One piece of long work: who started it, how far it is, and what it produced.

    Progress is written in its own statements outside the work's transactions, so the page
    that polls it sees each step as it happens.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    output = models.FileField(_("output file"), upload_to=job_output_path, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["started_by", "-created_at"], name="job_owner_created")]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return 100 if self.finished else (100 * self.done // self.total if self.total else 0)

    def advance(self, steps: int = 1) -> None:
        """Count ``steps`` more items done, without touching any other column."""
        Job.objects.filter(pk=self.pk).update(done=F("done") + steps)
        self.done += steps
