"""The half-yearly data comparison with other departments (半年数据比对): a township or county
officer uploads another department's extract (公安, 民政, 教育, 统计); every row naming an
applicant, recipient or certificate holder of the jurisdiction becomes a finding, which an
officer confirms (the change it calls for is made) or dismisses with an opinion.

The status graph of a finding lives here; what confirming does lives in
``workflows/comparisons.py``.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from casework.models.applications import Application
from casework.models.certificates import MigrantCertificate
from casework.models.people import Person
from casework.models.regions import Region


class ComparisonSource(models.TextChoices):
    PUBLIC_SECURITY = "public_security", _("public security (公安)")
    CIVIL_AFFAIRS = "civil_affairs", _("civil affairs (民政)")
    EDUCATION = "education", _("education (教育)")
    STATISTICS = "statistics", _("statistics (统计)")


class FindingKind(models.TextChoices):
    DEATH = "death", _("death")
    MOVED_OUT = "moved_out", _("household registration moved out")
    HUKOU_CHANGE = "hukou_change", _("household registration type changed")
    MARRIAGE = "marriage", _("marriage registration")


# The words of the extracts' 事项 column, and the kind each names.
KIND_WORDS = {
    "死亡": FindingKind.DEATH,
    "户籍迁出": FindingKind.MOVED_OUT,
    "迁出": FindingKind.MOVED_OUT,
    "户籍性质变更": FindingKind.HUKOU_CHANGE,
    "农转非": FindingKind.HUKOU_CHANGE,
    "婚姻登记": FindingKind.MARRIAGE,
    "结婚登记": FindingKind.MARRIAGE,
    "离婚登记": FindingKind.MARRIAGE,
}


class FindingStatus(models.TextChoices):
    OPEN = "open", _("awaiting a decision")
    CONFIRMED = "confirmed", _("confirmed")
    DISMISSED = "dismissed", _("dismissed")


def half_year_of(day: datetime.date) -> datetime.date:
    """The first day of the half-year ``day`` falls in (comparisons are counted by it)."""
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


class Comparison(models.Model):
    """One uploaded extract of another department, compared with our records."""

    source = models.CharField(_("department"), max_length=16, choices=ComparisonSource.choices)
    # The uploader's jurisdiction: only rows touching it become findings.
    region = models.ForeignKey(
        Region, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    half_year = models.DateField(_("half-year"))
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    # Rows naming nobody of the jurisdiction who applies, receives or holds a certificate.
    outside = models.PositiveIntegerField(_("rows outside the jurisdiction"), default=0)
    errors = models.JSONField(_("row errors"), default=list, blank=True)

    class Meta:
        verbose_name = _("data comparison")
        verbose_name_plural = _("data comparisons")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["region", "half_year"], name="comparison_region_half")]
        constraints = [
            # The same extract compared twice in one jurisdiction is a double submission.
            models.UniqueConstraint(fields=["region", "sha256"], name="one_comparison_per_file")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.half_year:%Y-%m} {self.file_name}"


class ComparisonFinding(ConcurrentTransitionMixin, models.Model):
    """One row of an extract that touches one of our people, and what was decided of it."""

    comparison = models.ForeignKey(
        Comparison, verbose_name=_("comparison"), on_delete=models.CASCADE, related_name="findings"
    )
    row = models.PositiveIntegerField(_("row"))
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    # The person's village: jurisdiction scoping is a range on this code.
    region = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    # What the row touches: the person's application or entitlement, else their certificate.
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comparison_findings",
    )
    certificate = models.ForeignKey(
        MigrantCertificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comparison_findings",
    )
    kind = models.CharField(_("what was found"), max_length=14, choices=FindingKind.choices)
    happened_on = models.DateField(_("date"))
    message = models.CharField(_("what the row says"), max_length=200)
    status = FSMField(
        _("status"), choices=FindingStatus.choices, default=FindingStatus.OPEN, protected=True
    )
    opinion = models.TextField(_("opinion"), blank=True)
    # What confirming did (terminated, suspended, withdrawn, revoked, noted…), for the list.
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comparison finding")
        verbose_name_plural = _("comparison findings")
        ordering = ["comparison", "row"]
        indexes = [models.Index(fields=["region", "status"], name="finding_region_status")]
        constraints = [
            models.UniqueConstraint(fields=["comparison", "row"], name="one_finding_per_row")
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_kind_display()} {self.happened_on}"

    @transition(field=status, source=FindingStatus.OPEN, target=FindingStatus.CONFIRMED)
    def confirm(self, officer, at, opinion_text: str, outcome: str) -> None:
        """The finding holds: the change it calls for is made (``workflows.comparisons``)."""
        self.decided_by, self.decided_at = officer, at
        self.opinion, self.outcome = opinion_text, outcome

    @transition(field=status, source=FindingStatus.OPEN, target=FindingStatus.DISMISSED)
    def dismiss(self, officer, at, opinion_text: str) -> None:
        """The finding does not hold (another person, a clerical error): nothing changes."""
        self.decided_by, self.decided_at, self.opinion = officer, at, opinion_text
