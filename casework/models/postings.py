"""Public postings (张榜公示) of applications and the objections raised against posted entries."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from casework.models.applications import Application
from casework.models.programs import Program
from casework.models.regions import Region


class PostingLevel(models.TextChoices):
    VILLAGE = "village", _("village posting (first)")
    TOWNSHIP = "township", _("township posting (second)")
    COUNTY = "county", _("county posting (final)")


class PostingStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Posting(ConcurrentTransitionMixin, models.Model):
    """One list on one notice board, for one period."""

    level = models.CharField(_("level"), max_length=10, choices=PostingLevel.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("posted in"), on_delete=models.PROTECT, related_name="+"
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="postings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("posted from"))
    ends_on = models.DateField(_("posted until"))
    place = models.CharField(_("place"), max_length=200)
    contact_phone = models.CharField(_("phones for objections"), max_length=100)
    status = FSMField(
        _("status"), choices=PostingStatus.choices, default=PostingStatus.OPEN, protected=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("recorded at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("posting notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("public posting")
        verbose_name_plural = _("public postings")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["region", "status"], name="posting_region_status")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.get_level_display()} {self.starts_on}—{self.ends_on}"

    @transition(field=status, source=PostingStatus.OPEN, target=PostingStatus.CLOSED)
    def close(self, at) -> None:
        """The period ended and no objection is open: the entries move on together."""
        self.closed_at = at


class PostingEntry(models.Model):
    """One application on a posting."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="posting_entries"
    )

    class Meta:
        verbose_name = _("posted entry")
        verbose_name_plural = _("posted entries")
        ordering = ["posting", "id"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "application"], name="posted_once")
        ]

    def __str__(self) -> str:
        return f"{self.posting}: {self.application.applicant.name}"


class ObjectionChannel(models.TextChoices):
    PHONE = "phone", _("phone")
    LETTER = "letter", _("letter")
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("under investigation")
    UPHELD = "upheld", _("upheld")
    DISMISSED = "dismissed", _("dismissed")


class Objection(ConcurrentTransitionMixin, models.Model):
    """异议: raised against a posted entry. The reporter is shown to supervisors only."""

    entry = models.ForeignKey(PostingEntry, on_delete=models.PROTECT, related_name="objections")
    channel = models.CharField(_("channel"), max_length=10, choices=ObjectionChannel.choices)
    content = models.TextField(_("content"))
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_contact = models.CharField(_("reporter's contact"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    status = FSMField(
        _("status"), choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN, protected=True
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry}: {self.get_channel_display()}"

    @transition(field=status, source=ObjectionStatus.OPEN, target=ObjectionStatus.UPHELD)
    def uphold(self, resolution: str, at) -> None:
        self.resolution, self.resolved_at = resolution, at

    @transition(field=status, source=ObjectionStatus.OPEN, target=ObjectionStatus.DISMISSED)
    def dismiss(self, resolution: str, at) -> None:
        self.resolution, self.resolved_at = resolution, at
