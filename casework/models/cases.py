"""Two-illegal (两非) enforcement cases: non-medical fetal sex identification and sex-selective
termination of pregnancy. Confidential: a case is seen by its assigned investigators (object
grants), and by the case approvers and supervisors of its jurisdiction; the informant is kept
apart and shown to approvers and supervisors only.

The graph: clue → registration proposed (or proposed not to register) → registered (under
investigation: parties, evidence, the chronology) → decisions proposed → decided (approved per
party, documents issued) → closing proposed (every decision executed) → closed; a closed case
reopens only with the approver's reason.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from casework.id_numbers import mask_id_number
from casework.models.regions import Region
from casework.money import yuan


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
    DECISION_PROPOSED = "decision_proposed", _("decisions proposed")
    DECIDED = "decided", _("decided, being executed")
    CLOSING_PROPOSED = "closing_proposed", _("closing proposed")
    CLOSED = "closed", pgettext_lazy("case status", "closed")
    DECLINED = "declined", _("not registered")


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """``days`` working days (Monday to Friday) after ``day`` (before it, for negative days)."""
    step = datetime.timedelta(days=1 if days >= 0 else -1)
    days = abs(days)
    while days:
        day += step
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
    deadline_extended = models.BooleanField(_("deadline extended"), default=False)
    closing_report = models.TextField(_("closing report"), blank=True)
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

    @transition(field=status, source=CaseStatus.REGISTERED, target=CaseStatus.REGISTERED)
    def extend_deadline(self, new_due: datetime.date) -> None:
        """The approver extends the decision deadline, once."""
        self.decision_due, self.deadline_extended = new_due, True

    @transition(field=status, source=CaseStatus.REGISTERED, target=CaseStatus.REGISTERED)
    def reassign(self) -> None:
        """The approver changes the investigators assigned (grants follow)."""

    @transition(field=status, source=CaseStatus.DECIDED, target=CaseStatus.DECIDED)
    def record_execution(self) -> None:
        """One decision was executed (fine paid, licence revoked, referral acknowledged)."""

    @transition(field=status, source=CaseStatus.REGISTERED, target=CaseStatus.DECISION_PROPOSED)
    def propose_decision(self) -> None:
        """The investigators propose a decision for each party (处理决定)."""

    @transition(field=status, source=CaseStatus.DECISION_PROPOSED, target=CaseStatus.DECIDED)
    def approve_decision(self) -> None:
        """The case approver approves the decisions; their documents are issued."""

    @transition(field=status, source=CaseStatus.DECIDED, target=CaseStatus.CLOSING_PROPOSED)
    def propose_closing(self, report: str) -> None:
        """Every decision executed: the investigators propose closing with their report."""
        self.closing_report = report

    @transition(field=status, source=CaseStatus.CLOSING_PROPOSED, target=CaseStatus.CLOSED)
    def close(self) -> None:
        """The case approver approves the closing report (结案); the case is read-only."""

    @transition(field=status, source=CaseStatus.CLOSED, target=CaseStatus.REGISTERED)
    def reopen(self, reason: str) -> None:
        """Reopened with the approver's reason (new facts)."""
        self.status_reason = reason

    @transition(
        field=status,
        source=[CaseStatus.DECISION_PROPOSED, CaseStatus.CLOSING_PROPOSED],
        target=RETURN_VALUE(CaseStatus.REGISTERED, CaseStatus.DECIDED),
    )
    def return_proposal(self, reason: str) -> str:
        """The approver returns a proposal of decisions or of closing to the investigators."""
        self.status_reason = reason
        if self.status == CaseStatus.DECISION_PROPOSED:
            return CaseStatus.REGISTERED
        return CaseStatus.DECIDED


class PartyRole(models.TextChoices):
    SUSPECT = "suspect", _("person concerned")
    MEDICAL_STAFF = "medical_staff", _("medical staff")
    INSTITUTION = "institution", _("institution")
    INTERMEDIARY = "intermediary", _("intermediary")


class CaseParty(models.Model):
    """当事人: a person or institution investigated in a case."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    id_number = models.CharField(
        _("ID number or unit code"), max_length=30, blank=True, help_text=_("Masked in lists.")
    )
    is_medical_staff = models.BooleanField(_("medical staff"), default=False)
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    employer = models.CharField(_("employer institution"), max_length=100, blank=True)
    public_employee = models.BooleanField(
        _("party member or public employee"),
        default=False,
        help_text=_("Referred to the discipline inspection body if at fault."),
    )
    from_outside = models.BooleanField(_("from outside the county"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_id_number(self) -> str:
        """A person's ID number masked; an institution's unit code as written."""
        if self.role == PartyRole.INSTITUTION or len(self.id_number) != 18:
            return self.id_number
        return mask_id_number(self.id_number)


class EvidenceKind(models.TextChoices):
    INTERVIEW = "interview", _("interview record")
    INSPECTION = "inspection", _("inspection record")
    DOCUMENT = "document", _("document")
    AUDIO_VIDEO = "audio_video", _("audio or video")
    PHYSICAL = "physical", _("physical evidence")


class Evidence(models.Model):
    """证据: an uploaded file with its SHA-256, who collected it and when; never replaced."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    description = models.CharField(_("description"), max_length=300)
    file = models.FileField(_("file"), upload_to="evidence/%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    collected_on = models.DateField(_("collected on"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence")
        ordering = ["case", "collected_on", "id"]

    def __str__(self) -> str:
        return self.description


class CaseAction(models.Model):
    """An entry of the case's chronology (what was done, when, by whom)."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="chronology")
    happened_on = models.DateField(_("date"))
    description = models.TextField(_("what was done"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("chronology entry")
        verbose_name_plural = _("chronology")
        ordering = ["case", "happened_on", "id"]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.description[:20]}"


class DispositionKind(models.TextChoices):
    WARNING = "warning", _("warning")
    CONFISCATION = "confiscation", _("confiscation of illegal gains")
    FINE = "fine", _("fine")
    LICENCE_REVOCATION = "licence_revocation", _("licence revocation")
    POLICE_REFERRAL = "police_referral", _("referral to the police")
    DISCIPLINE_REFERRAL = "discipline_referral", _("referral to the discipline inspection body")


# Kinds that are administrative penalties (counted in person-times in the yearly report).
ADMINISTRATIVE_PENALTIES = [
    DispositionKind.WARNING,
    DispositionKind.CONFISCATION,
    DispositionKind.FINE,
    DispositionKind.LICENCE_REVOCATION,
]


class DispositionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    EXECUTED = "executed", _("executed")


class Disposition(models.Model):
    """处理决定: one measure against one party; approved with the case's decisions, then
    executed (fine paid, licence revoked, referral acknowledged)."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="dispositions")
    party = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="dispositions")
    kind = models.CharField(_("measure"), max_length=20, choices=DispositionKind.choices)
    illegal_gains_fen = models.PositiveBigIntegerField(
        _("illegal gains (fen)"), null=True, blank=True
    )
    amount_fen = models.PositiveBigIntegerField(
        _("amount (fen)"), null=True, blank=True, help_text=_("The fine or the sum confiscated.")
    )
    grounds = models.TextField(_("facts and grounds"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DispositionStatus.choices,
        default=DispositionStatus.PROPOSED,
    )
    executed_on = models.DateField(_("executed on"), null=True, blank=True)
    execution_note = models.CharField(_("execution"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["case", "party", "id"]

    def __str__(self) -> str:
        return f"{self.party}: {self.get_kind_display()}"

    @property
    def amount(self):
        return None if self.amount_fen is None else yuan(self.amount_fen)


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
