"""Two-illegal (两非) enforcement cases: non-medical fetal sex identification and sex-selective
termination of pregnancy. Confidential: a case is seen by its assigned investigators (object
grants), and by the case approvers and supervisors of its jurisdiction; the informant is kept
apart and shown to approvers and supervisors only.

This module holds the case from the clue (线索) to the registration decision (立案 or 不予立案);
the investigation, decisions and closing extend the graph.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from casework.models.regions import Region


class ClueSource(models.TextChoices):
    PUBLIC_TIP = "public_tip", _("public tip")
    HOTLINE = "hotline", _("hotline")
    INSPECTION = "inspection", _("inspection")
    POLICE = "police", _("referral from the police")
    HEALTH = "health", _("referral from the health department")
    MEDIA = "media", _("media")


class CaseStatus(models.TextChoices):
    CLUE = "clue", _("clue")
    REGISTRATION_PROPOSED = "registration_proposed", _("registration proposed")
    DECLINE_PROPOSED = "decline_proposed", _("proposed not to register")
    REGISTERED = "registered", _("registered, under investigation")
    DECLINED = "declined", _("not registered")


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """``days`` working days (Monday to Friday) after ``day``."""
    while days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


class EnforcementCase(ConcurrentTransitionMixin, models.Model):
    """两非案件: from the clue on."""

    region = models.ForeignKey(
        Region, verbose_name=_("where"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=12, choices=ClueSource.choices)
    received_on = models.DateField(_("received on"))
    subject = models.CharField(
        _("persons or institutions concerned"),
        max_length=300,
        help_text=_("Clinics, B-ultrasound operators, pharmacies, intermediaries, persons."),
    )
    summary = models.TextField(_("summary of the clue"))
    number = models.CharField(_("case number"), max_length=40, unique=True, null=True, blank=True)
    status = FSMField(
        _("status"), choices=CaseStatus.choices, default=CaseStatus.CLUE, protected=True
    )
    proposal_reason = models.TextField(_("reasons of the proposal"), blank=True)
    late_reason = models.TextField(_("why the proposal is late"), blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    decision_due = models.DateField(_("decision due by"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")
        ordering = ["-received_on", "-id"]
        permissions = [
            ("approve_enforcementcase", _("Can approve enforcement cases")),
            ("see_informant", _("Can see who reported a clue")),
        ]
        indexes = [models.Index(fields=["region", "status"], name="case_region_status")]

    def __str__(self) -> str:
        return self.number or f"线索{self.pk}"

    @property
    def registration_due(self) -> datetime.date:
        """The last day to propose registering it (working days from receipt)."""
        return add_working_days(self.received_on, settings.CASEWORK_REGISTRATION_WORKING_DAYS)

    @transition(field=status, source=CaseStatus.CLUE, target=CaseStatus.REGISTRATION_PROPOSED)
    def propose_registration(self, reason: str, late_reason: str = "") -> None:
        """An investigator proposes to register the case (立案), with the reasons."""
        self.proposal_reason, self.late_reason = reason, late_reason

    @transition(field=status, source=CaseStatus.CLUE, target=CaseStatus.DECLINE_PROPOSED)
    def propose_decline(self, reason: str, late_reason: str = "") -> None:
        """An investigator proposes not to register it, with the reasons."""
        self.proposal_reason, self.late_reason = reason, late_reason

    @transition(field=status, source=CaseStatus.REGISTRATION_PROPOSED, target=CaseStatus.REGISTERED)
    def register(self, number: str, registered_on: datetime.date, decision_due) -> None:
        """The case approver registers it: a case number, and the decision deadline."""
        self.number, self.registered_on, self.decision_due = number, registered_on, decision_due

    @transition(
        field=status,
        source=[CaseStatus.REGISTRATION_PROPOSED, CaseStatus.DECLINE_PROPOSED],
        target=CaseStatus.DECLINED,
    )
    def decline(self, reason: str) -> None:
        """The case approver decides not to register it; closed with the reasons."""
        self.status_reason = reason

    @transition(
        field=status,
        source=[CaseStatus.REGISTRATION_PROPOSED, CaseStatus.DECLINE_PROPOSED],
        target=CaseStatus.CLUE,
    )
    def send_back(self, reason: str) -> None:
        """The approver returns the proposal to the investigators to look further."""
        self.status_reason = reason


class CaseInformant(models.Model):
    """Who reported a clue, kept apart from the case: never in a list, an export or a document,
    shown to approvers and supervisors only, and every showing is in the audit trail."""

    case = models.OneToOneField(EnforcementCase, on_delete=models.CASCADE, related_name="informant")
    name = models.CharField(_("informant's name"), max_length=50, blank=True)
    contact = models.CharField(_("informant's contact"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("informant")
        verbose_name_plural = _("informants")

    def __str__(self) -> str:
        return f"{self.case} informant"


class CaseNumberSequence(models.Model):
    """The last case number given in a county in a year (locked while the next is taken)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_case_sequence_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.last}"
