"""Migrant certificates (流动人口婚育证明 and 服务证) and the notices between areas about them.

The status graph lives here as django-fsm transitions; who may run them, and everything that
goes with running them (audit, documents, notices), lives in ``workflows/certificates.py``.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from casework import clock, region_codes
from casework.id_numbers import mask_id_number, mask_name, normalize_id_number, parse_id_number
from casework.models.people import Person, Sex
from casework.models.regions import Region, RegionLevel


class CertificateKind(models.TextChoices):
    # Issued by the township of household registration, carried when the holder moves away.
    MARRIAGE_CHILDBEARING = "marriage_childbearing", _("marriage and childbearing certificate")
    # Issued by the township of residence after three months there.
    SERVICE = "service", _("migrant service certificate")


class CertificateStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    AWAITING_VERIFICATION = "awaiting_verification", _("awaiting verification")
    VERIFIED = "verified", _("verified")
    ISSUED = "issued", _("issued")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")
    REJECTED = "rejected", _("rejected")


class MaritalStatus(models.TextChoices):
    UNMARRIED = "unmarried", _("unmarried")
    MARRIED = "married", _("married")
    DIVORCED = "divorced", _("divorced")
    WIDOWED = "widowed", _("widowed")


def township_of(code: str) -> str:
    """The township code above (or equal to) a township or village code."""
    if region_codes.level_of(code) == RegionLevel.VILLAGE:
        return region_codes.parent_code(code)
    return code


class MigrantCertificate(ConcurrentTransitionMixin, models.Model):
    """One certificate of one holder, from application to expiry.

    ``region`` is the issuing township, which also places the certificate in the tree: the
    registration township for a 婚育证明, the residence township for a 服务证.
    """

    kind = models.CharField(_("kind"), max_length=24, choices=CertificateKind.choices)
    status = FSMField(
        _("status"),
        choices=CertificateStatus.choices,
        default=CertificateStatus.DRAFT,
        protected=True,
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("issuing township"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        editable=False,
    )
    holder_name = models.CharField(_("holder's name"), max_length=50)
    holder_id_number = models.CharField(_("holder's ID number"), max_length=18)
    holder_sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, editable=False)
    holder_birth_date = models.DateField(_("birth date"), editable=False)
    registration_region = models.ForeignKey(
        Region,
        verbose_name=_("household registration place"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registration_address = models.CharField(_("registration address"), max_length=200)
    residence_region = models.ForeignKey(
        Region,
        verbose_name=_("residence township or village"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    residence_address = models.CharField(_("residence address"), max_length=200, blank=True)
    residence_since = models.DateField(_("living there since"), null=True, blank=True)
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=MaritalStatus.choices
    )
    married_on = models.DateField(_("married on"), null=True, blank=True)
    spouse_name = models.CharField(_("spouse's name"), max_length=50, blank=True)
    spouse_id_number = models.CharField(_("spouse's ID number"), max_length=18, blank=True)
    children = models.JSONField(_("children"), default=list, blank=True)
    contraception = models.CharField(_("contraception"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True, editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, editable=False)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("current document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    verification_note = models.TextField(_("verification note"), blank=True, editable=False)
    status_reason = models.TextField(_("reason"), blank=True, editable=False)
    # Empty when the holder applied online themselves (the township then reviews the draft).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        null=True,
        blank=True,
    )
    applicant_phone = models.CharField(_("applicant's phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("migrant certificate")
        verbose_name_plural = _("migrant certificates")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status"], name="certificate_region_status"),
            models.Index(fields=["status", "valid_until"], name="certificate_status_expiry"),
            models.Index(fields=["holder_id_number"], name="certificate_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.holder_name}"

    @property
    def masked_holder_id_number(self) -> str:
        return mask_id_number(self.holder_id_number)

    @property
    def masked_holder_name(self) -> str:
        return mask_name(self.holder_name)

    @property
    def from_another_area(self) -> bool:
        """A 服务证 holder registered outside the issuing township (notices go both ways)."""
        return township_of(self.registration_region_id) != self.region_id

    # What an application states (the form, the API and the online page take these).
    APPLICATION_FIELDS = [
        "kind",
        "holder_name",
        "holder_id_number",
        "registration_region",
        "registration_address",
        "residence_region",
        "residence_address",
        "residence_since",
        "marital_status",
        "married_on",
        "spouse_name",
        "spouse_id_number",
        "children",
        "contraception",
    ]
    # Set by clean() or by the transitions, never by the caller.
    DERIVED_FIELDS = (
        "status",
        "region",
        "holder_sex",
        "holder_birth_date",
        "created_by",
        "person",
        "document",
    )

    def validate(self) -> None:
        """Check the application's facts and derive the issuing township, sex and birth date."""
        self.full_clean(exclude=self.DERIVED_FIELDS)

    def clean(self) -> None:
        errors = {}
        try:
            identity = parse_id_number(self.holder_id_number)
        except ValidationError as error:
            errors["holder_id_number"] = error.messages
        else:
            self.holder_id_number = identity.number
            self.holder_sex = Sex.MALE if identity.is_male else Sex.FEMALE
            self.holder_birth_date = identity.birth_date
        if self.spouse_id_number:
            try:
                self.spouse_id_number = parse_id_number(self.spouse_id_number).number
            except ValidationError as error:
                errors["spouse_id_number"] = error.messages
        if self.marital_status == MaritalStatus.MARRIED and not self.spouse_name:
            errors["spouse_name"] = [_("Give the spouse's name for a married holder.")]
        if self.married_on and self.married_on > clock.today():
            errors["married_on"] = [_("The marriage date cannot be in the future.")]
        if self.residence_since and self.residence_since > clock.today():
            errors["residence_since"] = [_("The residence start date cannot be in the future.")]
        if not self._children_well_formed():
            errors["children"] = [
                _("Each child needs a name, a sex (男 or 女) and a birth date (YYYY-MM-DD).")
            ]
        errors.update(self._clean_regions())
        if errors:
            raise ValidationError(errors)
        self.person = Person.objects.filter(
            id_number=normalize_id_number(self.holder_id_number)
        ).first()

    def _children_well_formed(self) -> bool:
        if not isinstance(self.children, list):
            return False
        for child in self.children:
            try:
                datetime.date.fromisoformat(child["birth_date"])
                if not child["name"] or child["sex"] not in ("男", "女"):
                    return False
            except (KeyError, TypeError, ValueError):
                return False
        return True

    def _clean_regions(self) -> dict:
        errors = {}
        levels = (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
        if self.registration_region_id and self.registration_region.level not in levels:
            errors["registration_region"] = [_("Choose a township or a village.")]
        if self.kind == CertificateKind.SERVICE:
            if self.residence_region_id is None:
                errors["residence_region"] = [_("A service certificate needs the residence place.")]
            elif self.residence_region.level not in levels:
                errors["residence_region"] = [_("Choose a township or a village.")]
            else:
                self.region_id = township_of(self.residence_region_id)
        elif self.registration_region_id and not errors:
            self.region_id = township_of(self.registration_region_id)
        return errors

    # The status graph. Each method only moves the status and the facts that go with it;
    # workflows/certificates.py decides who may call it and records it.

    @transition(field=status, source=CertificateStatus.DRAFT, target=CertificateStatus.SUBMITTED)
    def submit(self) -> None:
        """The application is complete and handed in."""

    @transition(
        field=status,
        source=CertificateStatus.SUBMITTED,
        target=CertificateStatus.AWAITING_VERIFICATION,
    )
    def request_verification(self) -> None:
        """Ask the registration area to confirm the facts."""

    @transition(
        field=status,
        source=[CertificateStatus.SUBMITTED, CertificateStatus.AWAITING_VERIFICATION],
        target=CertificateStatus.VERIFIED,
    )
    def verify(self, note: str) -> None:
        """The facts are confirmed (by this township, or by the registration area)."""
        self.verification_note = note

    @transition(
        field=status,
        source=[
            CertificateStatus.SUBMITTED,
            CertificateStatus.AWAITING_VERIFICATION,
            CertificateStatus.VERIFIED,
        ],
        target=CertificateStatus.REJECTED,
    )
    def reject(self, reason: str) -> None:
        self.status_reason = reason

    @transition(field=status, source=CertificateStatus.VERIFIED, target=CertificateStatus.ISSUED)
    def issue(self, document, valid_from: datetime.date, valid_until: datetime.date) -> None:
        self.document, self.valid_from, self.valid_until = document, valid_from, valid_until
        self.status_reason = ""

    @transition(
        field=status,
        source=[CertificateStatus.ISSUED, CertificateStatus.EXPIRED],
        target=CertificateStatus.ISSUED,
    )
    def renew(self, document, valid_from: datetime.date, valid_until: datetime.date) -> None:
        self.document, self.valid_from, self.valid_until = document, valid_from, valid_until

    @transition(field=status, source=CertificateStatus.ISSUED, target=CertificateStatus.ISSUED)
    def report_lost(self, document) -> None:
        self.document = document

    @transition(field=status, source=CertificateStatus.ISSUED, target=CertificateStatus.SUBMITTED)
    def amend(self) -> None:
        """The facts changed: verify again, then issue a new version."""

    @transition(field=status, source=CertificateStatus.ISSUED, target=CertificateStatus.REVOKED)
    def revoke(self, reason: str) -> None:
        self.status_reason = reason

    @transition(field=status, source=CertificateStatus.ISSUED, target=CertificateStatus.EXPIRED)
    def expire(self) -> None:
        """The validity ended (the daily task runs this)."""


def attachment_path(attachment: "CertificateAttachment", filename: str) -> str:
    return f"attachments/certificates/{attachment.certificate_id}/{attachment.sha256}{attachment.extension}"


class CertificateAttachment(models.Model):
    """A scanned document supporting an application (marriage certificate, household book…)."""

    certificate = models.ForeignKey(
        MigrantCertificate, on_delete=models.CASCADE, related_name="attachments"
    )
    description = models.CharField(_("description"), max_length=100)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    content_type = models.CharField(_("file type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, "")


class NoticeKind(models.TextChoices):
    VERIFICATION_REQUEST = "verification_request", _("verification request")
    ISSUE_NOTICE = "issue_notice", _("certificate issued")
    FEEDBACK = "feedback", _("feedback")


class FeedbackTopic(models.TextChoices):
    MOVED_AGAIN = "moved_again", _("moved again")
    RETURNED_HOME = "returned_home", _("returned home")
    CERTIFICATE_LOST = "certificate_lost", _("certificate lost")
    OTHER = "other", _("other")


class NoticeStatus(models.TextChoices):
    SENT = "sent", _("awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")


def acknowledge_deadline(today: datetime.date | None = None) -> datetime.date:
    """Notices sent before this day and still unacknowledged are overdue."""
    today = today or clock.today()
    return today - datetime.timedelta(days=settings.CASEWORK_NOTICE_ACKNOWLEDGE_DAYS)


class NoticeQuerySet(models.QuerySet):
    def overdue(self) -> "NoticeQuerySet":
        """Unacknowledged for longer than CASEWORK_NOTICE_ACKNOWLEDGE_DAYS."""
        return self.filter(status=NoticeStatus.SENT, sent_at__date__lt=acknowledge_deadline())


class CertificateNotice(ConcurrentTransitionMixin, models.Model):
    """A notice between the outflow and inflow townships about one certificate (双向通报)."""

    certificate = models.ForeignKey(
        MigrantCertificate, on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=NoticeKind.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=FeedbackTopic.choices, blank=True)
    from_region = models.ForeignKey(
        Region, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_region = models.ForeignKey(
        Region, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("message"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"))
    status = FSMField(
        _("status"), choices=NoticeStatus.choices, default=NoticeStatus.SENT, protected=True
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice between areas")
        verbose_name_plural = _("notices between areas")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["to_region", "status", "sent_at"], name="notice_inbox"),
            models.Index(fields=["from_region", "sent_at"], name="notice_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.certificate.masked_holder_name}"

    def overdue(self, today: datetime.date | None = None) -> bool:
        """Unacknowledged for longer than CASEWORK_NOTICE_ACKNOWLEDGE_DAYS."""
        deadline = acknowledge_deadline(today)
        return self.status == NoticeStatus.SENT and timezone.localdate(self.sent_at) < deadline

    @transition(field=status, source=NoticeStatus.SENT, target=NoticeStatus.ACKNOWLEDGED)
    def acknowledge(self, officer, at, reply: str) -> None:
        self.acknowledged_by, self.acknowledged_at, self.reply = officer, at, reply
