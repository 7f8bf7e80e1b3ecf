"""Likely duplicate persons (one person, one entitlement): two persons with live applications
who share name, birth date and spouse but not their ID number, for a supervisor to resolve.

``casework/duplicates.py`` finds the pairs; ``workflows/duplicates.py`` holds the two
resolution steps and what goes with them (the later application held, the audit entries).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from casework.models.applications import Application
from casework.models.people import Person


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("open")
    SAME_PERSON = "same_person", _("same person")
    DIFFERENT_PERSONS = "different_persons", _("different persons")


class DuplicateSuspect(ConcurrentTransitionMixin, models.Model):
    """A pair of persons (the lower id first) who are likely one person under two ID numbers,
    with the live application each held when the pair was found."""

    person_a = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    person_b = models.ForeignKey(
        Person, verbose_name=_("other person"), on_delete=models.PROTECT, related_name="+"
    )
    application_a = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="+"
    )
    application_b = models.ForeignKey(
        Application,
        verbose_name=_("other application"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    found_at = models.DateTimeField(_("found at"))
    status = FSMField(
        _("status"),
        choices=DuplicateStatus.choices,
        default=DuplicateStatus.OPEN,
        protected=True,
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    note = models.TextField(_("note"), blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("likely duplicate")
        verbose_name_plural = _("likely duplicates")
        ordering = ["-found_at", "-id"]
        indexes = [models.Index(fields=["status", "-found_at"], name="duplicate_status_found")]
        constraints = [
            # One row per pair, whichever way round it was found, so a re-run adds nothing.
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_suspect_per_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")),
                name="suspect_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a.name} ≈ {self.person_b.name}"

    def later_application(self) -> Application:
        """The application of the pair recorded last: the one held if they are one person."""
        return max(
            (self.application_a, self.application_b),
            key=lambda application: (application.created_at, application.pk),
        )

    @transition(field=status, source=DuplicateStatus.OPEN, target=DuplicateStatus.SAME_PERSON)
    def confirm_same_person(self, officer, note: str, at) -> None:
        """One person under two ID numbers: the later application is held (see the step)."""
        self.resolved_by, self.note, self.resolved_at = officer, note, at

    @transition(field=status, source=DuplicateStatus.OPEN, target=DuplicateStatus.DIFFERENT_PERSONS)
    def confirm_different_persons(self, officer, note: str, at) -> None:
        """Two people who happen to match: closed with the note saying how it was checked."""
        self.resolved_by, self.note, self.resolved_at = officer, note, at
