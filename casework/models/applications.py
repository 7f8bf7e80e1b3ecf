"""Reward and assistance applications: the family, the recorded facts, the household visits and
the democratic appraisals of the village stage.

The status graph lives here as django-fsm transitions; who may run them and what goes with
them (audit, documents) lives in ``workflows/applications.py``. The later stages (postings,
township check, county recheck and approval, city filing) extend this graph.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from casework import clock
from casework.models.people import Person
from casework.models.programs import Program, excluded_programs
from casework.models.regions import Region, RegionLevel
from casework.money import yuan


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    VISITED = "visited", _("household visited")
    APPRAISED = "appraised", _("appraised")
    VILLAGE_POSTED = "village_posted", _("posted in the village")
    AWAITING_TOWNSHIP = "awaiting_township", _("awaiting the township check")
    TOWNSHIP_CHECKED = "township_checked", _("passed the township check")
    TOWNSHIP_POSTED = "township_posted", _("posted in the township")
    AWAITING_COUNTY = "awaiting_county", _("awaiting the county recheck")
    RECHECKED = "rechecked", _("rechecked by the county")
    COUNTY_POSTED = "county_posted", _("posted in the county")
    AWAITING_APPROVAL = "awaiting_approval", _("awaiting county approval")
    APPROVED = "approved", _("approved, awaiting city filing")
    ENROLLED = "enrolled", _("enrolled")
    SUSPENDED = "suspended", _("payments suspended")
    DEFERRED = "deferred", _("deferred")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")
    TERMINATED = "terminated", _("terminated")
    REVOKED = "revoked", _("revoked for fraud")


class Level(models.TextChoices):
    """Who acts on an application: the level of the chain it is at."""

    VILLAGE = "village", _("village")
    TOWNSHIP = "township", _("township")
    COUNTY = "county", _("county")
    CITY = "city", _("city")
    RECIPIENT = "recipient", _("recipient")
    CLOSED = "closed", _("closed")


S = ApplicationStatus
LEVEL_OF_STATUS = {
    **dict.fromkeys(
        [S.DRAFT, S.SUBMITTED, S.VISITED, S.APPRAISED, S.VILLAGE_POSTED], Level.VILLAGE
    ),
    **dict.fromkeys([S.AWAITING_TOWNSHIP, S.TOWNSHIP_CHECKED, S.TOWNSHIP_POSTED], Level.TOWNSHIP),
    **dict.fromkeys(
        [S.AWAITING_COUNTY, S.RECHECKED, S.COUNTY_POSTED, S.AWAITING_APPROVAL], Level.COUNTY
    ),
    S.APPROVED: Level.CITY,
    **dict.fromkeys([S.ENROLLED, S.SUSPENDED], Level.RECIPIENT),
    **dict.fromkeys([S.REJECTED, S.WITHDRAWN, S.TERMINATED, S.REVOKED], Level.CLOSED),
}
# Where "return to the level below" sends an application from each level.
RETURN_TARGETS = {
    Level.VILLAGE: S.SUBMITTED,
    Level.TOWNSHIP: S.SUBMITTED,
    Level.COUNTY: S.AWAITING_TOWNSHIP,
    Level.CITY: S.AWAITING_COUNTY,
}
# The statuses a deferred application may resume to: waiting ones, never a posted one (a
# posted entry leaves its posting only by the posting closing or an objection being upheld).
_RESUMABLE = [
    S.SUBMITTED,
    S.VISITED,
    S.APPRAISED,
    S.AWAITING_TOWNSHIP,
    S.TOWNSHIP_CHECKED,
    S.AWAITING_COUNTY,
    S.RECHECKED,
    S.AWAITING_APPROVAL,
    S.APPROVED,
]
_POSTED = [S.VILLAGE_POSTED, S.TOWNSHIP_POSTED, S.COUNTY_POSTED]
# Returned to the level below, from any level above the village or from a posting whose
# objection was upheld.
_RETURNABLE = [
    S.VILLAGE_POSTED,
    S.AWAITING_TOWNSHIP,
    S.TOWNSHIP_CHECKED,
    S.TOWNSHIP_POSTED,
    S.AWAITING_COUNTY,
    S.RECHECKED,
    S.COUNTY_POSTED,
    S.AWAITING_APPROVAL,
    S.APPROVED,
]
_RECIPIENT = [S.ENROLLED, S.SUSPENDED]
# Applications that hold nothing any more: they do not stand in the way of a new one.
ENDED = [S.REJECTED, S.WITHDRAWN, S.TERMINATED, S.REVOKED]


class ApplicationQuerySet(models.QuerySet):
    def live(self) -> "ApplicationQuerySet":
        """Applications and entitlements that still hold something (drafts and deferred ones
        included): what one person may have only once per program (``ProgramExclusion``)."""
        return self.exclude(status__in=ENDED)

    def due_for_annual_review(self, year: int) -> "ApplicationQuerySet":
        """Recipients paid since the start of ``year`` (or earlier) not yet reviewed in it."""
        return self.filter(status=S.ENROLLED, paid_from__lte=datetime.date(year, 1, 1)).exclude(
            annual_reviews__year=year
        )


# Sex is read from the ID number, so a spouse of the applicant's own sex is most likely a typo.
SAME_SEX_SPOUSE = _(
    "Spouse: the spouse and the applicant are of the same sex; check the ID numbers."
)


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
    # Set by the city filing: the batch, and the first day of the first period paid.
    filing = models.ForeignKey(
        "casework.Filing",
        verbose_name=_("city filing"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        editable=False,
    )
    # When the status last changed (``transitions.move``): how long it has waited at its step,
    # counted for the inbox with the index below, never from the workflow tasks.
    status_changed_at = models.DateTimeField(
        _("in this status since"), default=clock.now, editable=False
    )
    paid_from = models.DateField(_("paid from"), null=True, blank=True, editable=False)
    # Set when payments stop (suspension, termination, revocation): the last day paid for.
    paid_until = models.DateField(_("paid until"), null=True, blank=True, editable=False)
    amount_to_recover_fen = models.PositiveIntegerField(
        _("amount to recover (fen)"), null=True, blank=True, editable=False
    )
    # On revocation for fraud: the officers who signed the false steps (谁签字谁负责).
    false_signers = models.JSONField(
        _("officers who signed the false steps"), default=list, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    DERIVED_FIELDS = (
        "status",
        "status_changed_at",
        "region",
        "created_by",
        "deferred_from",
        "status_reason",
        "filing",
        "paid_from",
        "paid_until",
        "amount_to_recover_fen",
        "false_signers",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        # Newest first by id (the order of creation): a long list pages without sorting a
        # county's rows, which ordering by the creation time would make it do.
        ordering = ["-id"]
        # Each level of the chain acts through its own permission (roles.py grants them).
        permissions = [
            ("work_village_stage", _("Can work the village stage")),
            ("check_at_township", _("Can check applications at the township")),
            ("recheck_at_county", _("Can recheck applications for the county")),
            ("approve_at_county", _("Can approve applications for the county")),
            ("file_at_city", _("Can file approved applications at the city")),
        ]
        indexes = [
            models.Index(fields=["region", "status"], name="application_region_status"),
            models.Index(fields=["program", "year", "status"], name="application_program_year"),
            # The inbox: how many wait at an officer's steps in their jurisdiction, how long,
            # and its page in waiting order, all read from the index alone (the id too).
            models.Index(
                fields=["status", "region", "status_changed_at", "id"], name="application_waiting"
            ),
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
        elif self.spouse_id and self.applicant_id and self.spouse.sex == self.applicant.sex:
            errors["spouse"] = [SAME_SEX_SPOUSE]
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
        elif self.program_id and self.applicant_id:
            conflict = self._entitlement_conflict()
            if conflict is not None:
                # Named by program only: the other application may lie outside the officer's
                # jurisdiction (the person moved), and its details stay there.
                errors["applicant"] = [
                    _(
                        "This person already holds or is applying for %(program)s, which "
                        "excludes this program."
                    )
                    % {"program": conflict.program.name}
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

    def _entitlement_conflict(self) -> "Application | None":
        """A live application or entitlement of the applicant, anywhere, in this program or one
        that excludes it (``ProgramExclusion``)."""
        return (
            Application.objects.live()
            .filter(
                applicant_id=self.applicant_id,
                program_id__in=excluded_programs(self.program_id),
            )
            .exclude(pk=self.pk)
            .select_related("program")
            .first()
        )

    @property
    def amount_to_recover(self) -> Decimal | None:
        """What must be recovered after a revocation for fraud, in yuan."""
        fen = self.amount_to_recover_fen
        return None if fen is None else yuan(fen)

    def level(self) -> Level:
        """The level of the chain that acts on the application now (a deferred one: where it
        stopped)."""
        status = self.deferred_from if self.status == S.DEFERRED else self.status
        return LEVEL_OF_STATUS[status]

    def validate(self) -> None:
        self.full_clean(exclude=self.DERIVED_FIELDS)

    # The village stage.

    @transition(field=status, source=S.DRAFT, target=S.SUBMITTED)
    def submit(self) -> None:
        """Handed in with the signed declaration form."""

    @transition(field=status, source=S.SUBMITTED, target=S.VISITED)
    def record_visit(self) -> None:
        """The village officer visited the household and checked the facts."""

    @transition(field=status, source=S.VISITED, target=S.APPRAISED)
    def appraise(self) -> None:
        """The villagers' democratic appraisal agreed."""

    @transition(field=status, source=S.APPRAISED, target=S.VILLAGE_POSTED)
    def post_in_village(self) -> None:
        """Put on the village's public posting (第一榜)."""

    @transition(field=status, source=S.VILLAGE_POSTED, target=S.AWAITING_TOWNSHIP)
    def pass_village_posting(self) -> None:
        """The village posting closed without an objection standing against it."""

    # The township stage.

    @transition(field=status, source=S.AWAITING_TOWNSHIP, target=S.TOWNSHIP_CHECKED)
    def pass_township_check(self) -> None:
        """The township reviewer checked the application and passes it on (乡镇审核)."""

    @transition(field=status, source=S.TOWNSHIP_CHECKED, target=S.TOWNSHIP_POSTED)
    def post_in_township(self) -> None:
        """Put on the township's public posting (第二榜)."""

    @transition(field=status, source=S.TOWNSHIP_POSTED, target=S.AWAITING_COUNTY)
    def pass_township_posting(self) -> None:
        """The township posting closed without an objection standing against it."""

    # The county stage.

    @transition(field=status, source=S.AWAITING_COUNTY, target=S.RECHECKED)
    def county_recheck(self) -> None:
        """A county inspector revisited the household and signs for it (县级复核)."""

    @transition(field=status, source=S.RECHECKED, target=S.COUNTY_POSTED)
    def post_in_county(self) -> None:
        """Put on the county's final posting (第三榜/终榜)."""

    @transition(field=status, source=S.COUNTY_POSTED, target=S.AWAITING_APPROVAL)
    def pass_county_posting(self) -> None:
        """The county posting closed without an objection standing against it."""

    @transition(field=status, source=S.AWAITING_APPROVAL, target=S.APPROVED)
    def approve(self) -> None:
        """A county approver approves it (县级审批)."""

    # The city filing, and the recipient's years.

    @transition(field=status, source=S.APPROVED, target=S.ENROLLED)
    def file(self, filing, paid_from) -> None:
        """Filed at the city (市级备案): a recipient from the next payment period."""
        self.filing, self.paid_from = filing, paid_from

    @transition(field=status, source=S.ENROLLED, target=S.ENROLLED)
    def annual_review(self) -> None:
        """Met in person, alive and still eligible this year (年审)."""

    @transition(field=status, source=S.ENROLLED, target=S.SUSPENDED)
    def suspend(self, reason: str, paid_until) -> None:
        """Payments stop from the next period until the recipient is reinstated."""
        self.status_reason, self.paid_until = reason, paid_until

    @transition(field=status, source=S.SUSPENDED, target=S.ENROLLED)
    def reinstate(self) -> None:
        self.status_reason, self.paid_until = "", None

    @transition(field=status, source=_RECIPIENT, target=S.TERMINATED)
    def terminate(self, reason: str, paid_until) -> None:
        """Death or loss of eligibility: payments end with the current period."""
        self.status_reason = reason
        self.paid_until = min(filter(None, [self.paid_until, paid_until]))

    @transition(field=status, source=[*_RECIPIENT, S.TERMINATED], target=S.REVOKED)
    def revoke(self, reason: str, amount_to_recover_fen: int, false_signers: list, paid_until):
        """Obtained by fraud (弄虚作假): the entitlement is void and what was paid is recovered."""
        self.status_reason, self.amount_to_recover_fen = reason, amount_to_recover_fen
        self.false_signers = false_signers
        self.paid_until = min(filter(None, [self.paid_until, paid_until]))

    # At any level.

    @transition(
        field=status, source=_RETURNABLE, target=RETURN_VALUE(*set(RETURN_TARGETS.values()))
    )
    def send_back(self, reason: str) -> str:
        """Returned to the level below with the reason (退回)."""
        self.status_reason = reason
        return RETURN_TARGETS[self.level()]

    @transition(field=status, source=_RESUMABLE, target=S.DEFERRED)
    def defer(self, reason: str) -> None:
        """Not yet (疑者从无): something is unclear; resumed where it stopped once clear."""
        self.deferred_from, self.status_reason = self.status, reason

    @transition(field=status, source=S.DEFERRED, target=RETURN_VALUE(*_RESUMABLE))
    def resume(self) -> str:
        target, self.deferred_from, self.status_reason = self.deferred_from, "", ""
        return target

    @transition(field=status, source=[*_RESUMABLE, S.DEFERRED, *_POSTED], target=S.REJECTED)
    def reject(self, reason: str) -> None:
        self.status_reason = reason

    @transition(field=status, source=[S.DRAFT, *_RESUMABLE, S.DEFERRED], target=S.WITHDRAWN)
    def withdraw(self, reason: str) -> None:
        self.status_reason = reason


class Filing(models.Model):
    """市级备案: one batch of approved applications filed at the city."""

    region = models.ForeignKey(
        Region, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="filings"
    )
    filed_on = models.DateField(_("filed on"))
    paid_from = models.DateField(_("paid from"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"))
    opinion = models.TextField(_("opinion"), blank=True)

    class Meta:
        verbose_name = _("city filing")
        verbose_name_plural = _("city filings")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.region.name} {self.program.name} {self.filed_on}"


class AnnualReview(models.Model):
    """年审: one recipient met, found alive and still eligible (or not) in one year."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="annual_reviews"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reviewed_on = models.DateField(_("reviewed on"))
    met_in_person = models.BooleanField(_("met in person"))
    alive = models.BooleanField(_("alive"))
    still_eligible = models.BooleanField(_("still eligible"))
    opinion = models.TextField(_("opinion"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("annual review")
        verbose_name_plural = _("annual reviews")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "year"], name="one_review_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.year}"


class FactCode(models.TextChoices):
    """The family facts the programs' rules read."""

    LIVING_CHILDREN = "living_children", _("number of living children")
    LIVING_DAUGHTERS = "living_daughters", _("number of living daughters")
    BIRTHS_OUTSIDE_POLICY = "births_outside_policy", _("births outside policy")
    ONLY_CHILD_STATUS = "only_child_status", _("the only child's condition")
    FURTHER_CHILDREN = "further_children", _("children born or adopted since")
    SINGLE_CHILD_CERTIFICATE = (
        "single_child_certificate",
        _("single-child parents' certificate"),
    )
    MARRIAGE_HISTORY = "marriage_history", _("marriage history")
    GAVE_UP_SECOND_BIRTH = "gave_up_second_birth", _("gave up a further birth allowed")
    POLICY_BIRTH_ORDER = "policy_birth_order", _("order of the latest birth within policy")
    POLICY_BIRTH_ON = "policy_birth_on", _("date of the latest birth within policy")
    CONTRACEPTION_ON = "contraception_on", _("long-acting contraception taken on")
    STERILISED_ON = "sterilised_on", _("sterilised on")
    PREGNANCY_ENDED_MONTH = (
        "pregnancy_ended_month",
        _("month of an out-of-policy pregnancy when it was ended"),
    )
    COMPLICATION_GRADE = "complication_grade", _("grade of a contraceptive surgery complication")
    UNIVERSITY_ADMISSION = "university_admission", _("child admitted to university")
    POOR_HOUSEHOLD = "poor_household", _("household in poverty")
    RETIRED_ENTERPRISE_WORKER = (
        "retired_enterprise_worker",
        _("retired enterprise worker"),
    )


class FactSource(models.TextChoices):
    DECLARED = "declared", _("declared by the family")
    VILLAGE_VISIT = "village_visit", _("village household visit")
    COUNTY_RECHECK = "county_recheck", _("county recheck")


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
        return str(FactCode(self.code).label) if self.code in FactCode.values else self.code


class VisitCheck(models.TextChoices):
    """The checks of a household visit, 三问、三看、三走访: whom the investigator asked, which
    documents they saw, whom they visited besides the family."""

    ASK_APPLICANT = "ask_applicant", _("Asked the applicant in person")
    ASK_SPOUSE = "ask_spouse", _("Asked the spouse and the family members")
    ASK_CADRES = "ask_cadres", _("Asked the village and group cadres")
    SEE_HUKOU = "see_hukou", _("Saw the household register")
    SEE_ID_CARD = "see_id_card", _("Saw the ID cards")
    SEE_CERTIFICATES = "see_certificates", _("Saw the marriage certificate, birth records and such")
    VISIT_NEIGHBOURS = "visit_neighbours", _("Visited the neighbours")
    VISIT_PEERS = "visit_peers", _("Visited peers who know the family")
    VISIT_VILLAGE_DOCTOR = (
        "visit_village_doctor",
        _("Visited the village doctor or the family planning officer"),
    )


# The checks in their three groups, as the visit form shows them.
VISIT_CHECK_GROUPS = (
    (
        _("Three questions"),
        (VisitCheck.ASK_APPLICANT, VisitCheck.ASK_SPOUSE, VisitCheck.ASK_CADRES),
    ),
    (
        _("Three documents seen"),
        (VisitCheck.SEE_HUKOU, VisitCheck.SEE_ID_CARD, VisitCheck.SEE_CERTIFICATES),
    ),
    (
        _("Three visits around"),
        (VisitCheck.VISIT_NEIGHBOURS, VisitCheck.VISIT_PEERS, VisitCheck.VISIT_VILLAGE_DOCTOR),
    ),
)
# Every check: what a village visit of a new application does (tests and the demo reuse it).
ALL_CHECKS = tuple(VisitCheck.values)


class HouseholdVisit(models.Model):
    """入户核实 (village) or 县级复核 (county inspector): who visited, when, whom they met, which
    of the checks (三问三看三走访) they did, and what they concluded; signed, never edited."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="visits")
    level = models.CharField(
        _("level"),
        max_length=10,
        choices=[(Level.VILLAGE, Level.VILLAGE.label), (Level.COUNTY, Level.COUNTY.label)],
        default=Level.VILLAGE,
    )
    visited_on = models.DateField(_("visited on"))
    met_in_person = models.BooleanField(_("met the applicant in person"))
    opinion = models.TextField(_("opinion"))
    # The codes of the VisitCheck done; visits recorded before the checklist have none.
    checklist = models.JSONField(_("checks done"), default=list, blank=True)
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

    def checks_done(self) -> list[str]:
        """The labels of the checks done, in the order of the checklist."""
        done = set(self.checklist or ())
        return [str(check.label) for check in VisitCheck if check.value in done]

    def checks_missing(self) -> list[str]:
        """The labels of the checks not done, in the order of the checklist."""
        done = set(self.checklist or ())
        return [str(check.label) for check in VisitCheck if check.value not in done]


class VisitPhoto(models.Model):
    """A photo taken on a household visit (a document seen, the household), kept as evidence
    with the signed visit: stored once under its SHA-256, never replaced, served only to those
    who see the application."""

    visit = models.ForeignKey(HouseholdVisit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="visit-photos/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=20)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return f"{self.visit} {self.sha256[:12]}"


class Appraisal(models.Model):
    """民主评议: one village meeting that gave its opinion on several applications."""

    region = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    attendees = models.TextField(_("attendees"))
    # Who the meeting invites: villagers' representatives and village cadres, old party
    # members, old cadres, and villagers of the applicants' age who know the families.
    representatives = models.PositiveSmallIntegerField(_("villagers' representatives"), default=0)
    party_members = models.PositiveSmallIntegerField(_("old party members"), default=0)
    old_cadres = models.PositiveSmallIntegerField(_("old cadres"), default=0)
    peers = models.PositiveSmallIntegerField(_("peers of the applicants"), default=0)
    # The sum of the kinds above (meetings recorded before the kinds have only this number).
    attendee_count = models.PositiveSmallIntegerField(_("number of attendees"))
    # Blank only on meetings recorded before the minutes were asked for.
    minutes = models.TextField(_("minutes"), blank=True, default="")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"))

    # The attendee counts by kind, in the order the form asks for them.
    ATTENDEE_KINDS = ("representatives", "party_members", "old_cadres", "peers")

    class Meta:
        verbose_name = _("democratic appraisal")
        verbose_name_plural = _("democratic appraisals")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.region} {self.held_on}"

    def attendance(self) -> list[tuple[str, int]]:
        """Each kind of attendee with its number, for the pages."""
        return [
            (str(self._meta.get_field(kind).verbose_name), getattr(self, kind))
            for kind in self.ATTENDEE_KINDS
        ]


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
