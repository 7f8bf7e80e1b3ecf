"""Change requests (变更申请): a change to an enrolled recipient's facts — address, bank account,
death, household — requested by the village officer and approved by the township, with the
facts before (a snapshot taken at the request) and after, in force from a date.

The status graph lives here as django-fsm transitions; who may run them and what approving
does to the recipient's facts lives in ``workflows/changes.py``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from casework.models.applications import Application
from casework.models.regions import Region


class ChangeKind(models.TextChoices):
    ADDRESS = "address", _("address")
    BANK_ACCOUNT = "bank_account", _("bank account")
    DEATH = "death", _("death")
    HOUSEHOLD = "household", _("household change")


class ChangeStatus(models.TextChoices):
    REQUESTED = "requested", _("requested, awaiting the township")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


def change_file_path(change: "ChangeRequest", filename: str) -> str:
    return f"attachments/changes/{change.sha256}{change.extension}"


class ChangeRequest(ConcurrentTransitionMixin, models.Model):
    """One requested change to one recipient's facts."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    # The recipient's village: jurisdiction scoping is a range on this code (no join).
    region = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of change"), max_length=12, choices=ChangeKind.choices)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    effective_from = models.DateField(_("effective from"))
    reason = models.TextField(_("reason"))
    file = models.FileField(_("supporting file"), upload_to=change_file_path, blank=True)
    content_type = models.CharField(_("file type"), max_length=40, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    status = FSMField(
        _("status"), choices=ChangeStatus.choices, default=ChangeStatus.REQUESTED, protected=True
    )
    # The decision's opinion, or why it was withdrawn.
    status_reason = models.TextField(_("opinion"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["region", "status"], name="change_region_status")]
        constraints = [
            # A double submission is refused by the database too, not only by the form.
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=models.Q(status="requested"),
                name="one_open_change_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.applicant.name} · {self.get_kind_display()}"

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, "")

    @transition(field=status, source=ChangeStatus.REQUESTED, target=ChangeStatus.APPROVED)
    def approve(self, officer, at, note: str) -> None:
        """The township approves: the new facts are applied (``workflows.changes``)."""
        self.decided_by, self.decided_at, self.status_reason = officer, at, note

    @transition(field=status, source=ChangeStatus.REQUESTED, target=ChangeStatus.REJECTED)
    def reject(self, officer, at, reason: str) -> None:
        """The township refuses, with the reason; nothing changes."""
        self.decided_by, self.decided_at, self.status_reason = officer, at, reason

    @transition(field=status, source=ChangeStatus.REQUESTED, target=ChangeStatus.WITHDRAWN)
    def withdraw(self, reason: str) -> None:
        """The requester takes the request back before the township decides."""
        self.status_reason = reason
