"""Issuing offices, their number sequences, and the registry of every issued document."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from casework import region_codes
from casework.models import Region
from documents.kinds import DocumentKind, kinds_by_subject
from permissions.scoping import Scope, following_subjects, register_scope


class IssuingOfficeQuerySet(models.QuerySet):
    def serving(self, region_code: str) -> "IssuingOfficeQuerySet":
        """Active offices at ``region_code`` or above it, nearest first."""
        return self.filter(
            active=True, region__in=region_codes.ancestor_codes(region_code) + [region_code]
        ).order_by("-region_id")


class IssuingOffice(models.Model):
    """An office that issues documents under its own name, numbers and signing key.

    Its key is the PKCS#12 file ``<code>.p12`` in ``CASEWORK_SIGNING_KEY_DIR``, never stored here.
    """

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    number_prefix = models.CharField(
        _("document number prefix"), max_length=20, help_text=_("For example 安和县卫健.")
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="offices"
    )
    active = models.BooleanField(_("active"), default=True)
    # Printed on letters to the public as the number to call with questions.
    phone = models.CharField(_("enquiry phone"), max_length=40, blank=True)

    objects = IssuingOfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("issuing office")
        verbose_name_plural = _("issuing offices")
        ordering = ["region_id", "code"]

    def __str__(self) -> str:
        return self.name


class DocumentSequence(models.Model):
    """The last number an office gave to one kind in one year; locked while a number is taken."""

    office = models.ForeignKey(IssuingOffice, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "kind", "year"], name="one_sequence_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.kind} {self.year}: {self.last_serial}"


class DocumentQuerySet(models.QuerySet):
    def for_subject(self, subject: models.Model) -> "DocumentQuerySet":
        """The documents issued about one case, certificate or person (newest first)."""
        return self.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
        )

    def delete(self):
        raise ValueError("Issued documents are never deleted; revoke them instead.")

    def update(self, **kwargs):
        raise ValueError("An issued document is immutable; change its status by a transition.")


class DocumentStatus(models.TextChoices):
    VALID = "valid", _("valid")
    REVOKED = "revoked", _("revoked")
    SUPERSEDED = "superseded", _("superseded")
    EXPIRED = "expired", _("expired")


def document_path(document: "Document", filename: str) -> str:
    # Named by content hash: a stored file is never overwritten by another document.
    return f"documents/{document.issued_at:%Y}/{document.sha256[:2]}/{document.sha256}.pdf"


class Document(ConcurrentTransitionMixin, models.Model):
    """One issued, signed PDF. Rows are written once; only the status may change afterwards."""

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number"), max_length=60, unique=True)
    office = models.ForeignKey(
        IssuingOffice, verbose_name=_("issuing office"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
    )
    # Where the subject lives: jurisdiction scoping is a range on this code.
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    public_summary = models.JSONField(
        _("public summary"), default=list, help_text=_("Label/value pairs, personal data masked.")
    )
    context = models.JSONField(_("rendered data"), default=dict)
    signers = models.JSONField(_("signers"), default=list)
    signer_fingerprint = models.CharField(_("signer certificate SHA-256"), max_length=64)
    sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"))
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = FSMField(
        _("status"), choices=DocumentStatus.choices, default=DocumentStatus.VALID, protected=True
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    STATUS_FIELDS = ("status", "status_reason", "status_changed_at")

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "year", "serial"], name="one_document_per_serial"
            )
        ]
        indexes = [
            models.Index(fields=["region", "-issued_at"], name="document_region_issued"),
            models.Index(fields=["subject_type", "subject_id"], name="document_subject"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        # The registry is write-once: after the insert only the status columns may be written.
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= set(self.STATUS_FIELDS):
                raise ValueError("An issued document is immutable; only its status may change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Issued documents are never deleted; revoke them instead.")

    @transition(field=status, source=DocumentStatus.VALID, target=DocumentStatus.REVOKED)
    def revoke(self, reason: str, at) -> None:
        """Withdraw the document: it no longer proves anything."""
        self.status_reason, self.status_changed_at = reason, at

    @transition(field=status, source=DocumentStatus.VALID, target=DocumentStatus.EXPIRED)
    def expire(self, reason: str, at) -> None:
        """The validity printed on the document (a certificate's) has ended."""
        self.status_reason, self.status_changed_at = reason, at

    @transition(field=status, source=DocumentStatus.VALID, target=DocumentStatus.SUPERSEDED)
    def supersede(self, reason: str, at) -> None:
        """Replace the document by a new version issued in the same transaction."""
        self.status_reason, self.status_changed_at = reason, at


# Who sees a document is whoever sees its subject; documents.kinds says which model each kind
# follows.
register_scope(
    Document,
    Scope("region_id", "documents.view_document", reach=following_subjects(kinds_by_subject)),
)


class VerificationChannel(models.TextChoices):
    PAGE = "page", _("public page")
    API = "api", _("API")
    UPLOAD = "upload", _("uploaded PDF")


class VerificationCheck(models.Model):
    """One public verification: when, from where, what was asked, and whether it matched."""

    at = models.DateTimeField(_("at"), db_index=True)
    channel = models.CharField(_("channel"), max_length=8, choices=VerificationChannel.choices)
    code = models.CharField(_("code asked"), max_length=32, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="checks"
    )
    outcome = models.CharField(_("outcome"), max_length=16)

    class Meta:
        verbose_name = _("verification check")
        verbose_name_plural = _("verification checks")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.channel} {self.code} {self.outcome}"
