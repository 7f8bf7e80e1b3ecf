"""Reward and assistance applications: the family, the recorded facts, the household visits and
the democratic appraisals of the village stage.

The status graph lives here as django-fsm transitions; who may run them and what goes with
them (audit, documents) lives in ``workflows/applications.py``. The later stages (postings,
township check, county recheck and approval, city filing) extend this graph.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from casework import clock
from casework.models.people import Person
from casework.models.programs import Program
from casework.models.regions import Region, RegionLevel


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    VISITED = "visited", _("household visited")
    APPRAISED = "appraised", _("appraised")
    VILLAGE_POSTED = "village_posted", _("posted in the village")
    AWAITING_TOWNSHIP = "awaiting_township", _("awaiting the township check")
    TOWNSHIP_CHECKED = "township_checked", _("passed the township check")
    DEFERRED = "deferred", _("deferred")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The statuses a deferred application may resume to.
_RESUMABLE = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.VISITED,
    ApplicationStatus.APPRAISED,
    ApplicationStatus.AWAITING_TOWNSHIP,
]
# The statuses in which the township (rather than the village) acts on an application.
TOWNSHIP_STATUSES = frozenset({ApplicationStatus.AWAITING_TOWNSHIP})


class Application(ConcurrentTransitionMixin, models.Model):
    """One family's application to one program in one year."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="applications"
    )
    year = models.PositiveSmallIntegerField(_("application year"))
    applicant = models.ForeignKey(
        Person, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="applications"
    )
    spouse = models.ForeignKey(
        Person,
        verbose_name=_("spouse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The applicant's village: jurisdiction scoping is a range on this code.
    region = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    children = models.JSONField(
        _("children"), default=list, blank=True, help_text=_("Name, sex, birth date and condition.")
    )
    status = FSMField(
        _("status"),
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        protected=True,
    )
    deferred_from = models.CharField(
        _("deferred at"),
        max_length=20,
        choices=ApplicationStatus.choices,
        blank=True,
        editable=False,
    )
    status_reason = models.TextField(_("reason"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    DERIVED_FIELDS = ("status", "region", "created_by", "deferred_from", "status_reason")

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        # Each level of the chain acts through its own permission (roles.py grants them).
        permissions = [
            ("work_village_stage", _("Can work the village stage")),
            ("check_at_township", _("Can check applications at the township")),
        ]
        indexes = [
            models.Index(fields=["region", "status"], name="application_region_status"),
            models.Index(fields=["program", "year", "status"], name="application_program_year"),
        ]
        constraints = [
            # One live application per person, program and year; refused ones may be redone.
            models.UniqueConstraint(
                fields=["program", "year", "applicant"],
                condition=~models.Q(status__in=["rejected", "withdrawn"]),
                name="one_live_application_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.applicant.name} · {self.program.name} · {self.year}"

    def clean(self) -> None:
        errors = {}
        if self.applicant_id:
            if self.applicant.region.level != RegionLevel.VILLAGE:
                errors["applicant"] = [_("The applicant must be registered in a village.")]
            self.region_id = self.applicant.region_id
        if self.spouse_id and self.spouse_id == self.applicant_id:
            errors["spouse"] = [_("The spouse cannot be the applicant.")]
        if self.program_id and not self.program.active:
            errors["program"] = [_("This program is not accepting applications.")]
        today = clock.today()
        if self.year and not (today.year - 1 <= self.year <= today.year + 1):
            errors["year"] = [_("Apply for last year, this year or next year.")]
        if self.program_id and self.year and self.program.standard_on(clock.today()) is None:
            errors["program"] = [_("This program has no standard in force.")]
        if self.program_id and self.applicant_id and self.year and self._live_duplicate():
            errors["applicant"] = [
                _("This person already has an application to this program for this year.")
            ]
        if errors:
            raise ValidationError(errors)

    def _live_duplicate(self) -> bool:
        return (
            Application.objects.filter(
                program_id=self.program_id, year=self.year, applicant_id=self.applicant_id
            )
            .exclude(status__in=[ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN])
            .exclude(pk=self.pk)
            .exists()
        )

    def at_township(self) -> bool:
        """Whether the township, not the village, acts on the application now."""
        status = self.deferred_from if self.status == ApplicationStatus.DEFERRED else self.status
        return status in TOWNSHIP_STATUSES

    def validate(self) -> None:
        self.full_clean(exclude=self.DERIVED_FIELDS)

    # The graph of the village stage.

    @transition(field=status, source=ApplicationStatus.DRAFT, target=ApplicationStatus.SUBMITTED)
    def submit(self) -> None:
        """Handed in with the signed declaration form."""

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.VISITED)
    def record_visit(self) -> None:
        """The village officer visited the household and checked the facts."""

    @transition(field=status, source=ApplicationStatus.VISITED, target=ApplicationStatus.APPRAISED)
    def appraise(self) -> None:
        """The villagers' democratic appraisal agreed."""

    @transition(
        field=status, source=ApplicationStatus.APPRAISED, target=ApplicationStatus.VILLAGE_POSTED
    )
    def post_in_village(self) -> None:
        """Put on the village's public posting (第一榜)."""

    @transition(
        field=status,
        source=ApplicationStatus.VILLAGE_POSTED,
        target=ApplicationStatus.AWAITING_TOWNSHIP,
    )
    def pass_village_posting(self) -> None:
        """The village posting closed without an objection standing against it."""

    @transition(
        field=status,
        source=[ApplicationStatus.VILLAGE_POSTED, ApplicationStatus.AWAITING_TOWNSHIP],
        target=ApplicationStatus.SUBMITTED,
    )
    def send_back(self, reason: str) -> None:
        """Returned to the village for the facts to be checked again."""
        self.status_reason = reason

    @transition(
        field=status,
        source=ApplicationStatus.AWAITING_TOWNSHIP,
        target=ApplicationStatus.TOWNSHIP_CHECKED,
    )
    def pass_township_check(self) -> None:
        """The township reviewer checked the application and passes it on (乡镇审核)."""

    @transition(field=status, source=_RESUMABLE, target=ApplicationStatus.DEFERRED)
    def defer(self, reason: str) -> None:
        """Not yet (疑者从无): something is unclear; resumed where it stopped once clear."""
        self.deferred_from, self.status_reason = self.status, reason

    @transition(field=status, source=ApplicationStatus.DEFERRED, target=RETURN_VALUE(*_RESUMABLE))
    def resume(self) -> str:
        target, self.deferred_from, self.status_reason = self.deferred_from, "", ""
        return target

    @transition(
        field=status,
        source=_RESUMABLE + [ApplicationStatus.DEFERRED, ApplicationStatus.VILLAGE_POSTED],
        target=ApplicationStatus.REJECTED,
    )
    def reject(self, reason: str) -> None:
        self.status_reason = reason

    @transition(
        field=status,
        source=[ApplicationStatus.DRAFT, *_RESUMABLE, ApplicationStatus.DEFERRED],
        target=ApplicationStatus.WITHDRAWN,
    )
    def withdraw(self, reason: str) -> None:
        self.status_reason = reason


class FactSource(models.TextChoices):
    DECLARED = "declared", _("declared by the family")
    VILLAGE_VISIT = "village_visit", _("village household visit")


class ApplicationFact(models.Model):
    """A fact about the family, with the document it was checked against; written once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="facts")
    code = models.CharField(_("fact"), max_length=32)
    value = models.JSONField(_("value"))
    evidence = models.CharField(_("document seen"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=FactSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("recorded fact")
        verbose_name_plural = _("recorded facts")
        ordering = ["application", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.code}={self.value}"

    @property
    def label(self) -> str:
        """The fact's name for people (the codes belong to the eligibility rules)."""
        from casework.eligibility import FactCode

        return str(FactCode(self.code).label) if self.code in FactCode.values else self.code


class HouseholdVisit(models.Model):
    """入户核实: who visited, when, whom they met, and what they concluded; signed, never edited."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    met_in_person = models.BooleanField(_("met the applicant in person"))
    opinion = models.TextField(_("opinion"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.visited_on}"


class Appraisal(models.Model):
    """民主评议: one village meeting that gave its opinion on several applications."""

    region = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    attendees = models.TextField(_("attendees"))
    attendee_count = models.PositiveSmallIntegerField(_("number of attendees"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("democratic appraisal")
        verbose_name_plural = _("democratic appraisals")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.region} {self.held_on}"


class AppraisalOpinion(models.TextChoices):
    AGREE = "agree", _("agree")
    DISAGREE = "disagree", _("disagree")
    UNCLEAR = "unclear", _("unclear: defer")


class AppraisalEntry(models.Model):
    """The meeting's opinion on one application."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="appraisal_entries"
    )
    opinion = models.CharField(_("opinion"), max_length=10, choices=AppraisalOpinion.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("appraisal entry")
        verbose_name_plural = _("appraisal entries")

    def __str__(self) -> str:
        return f"{self.application}: {self.opinion}"
