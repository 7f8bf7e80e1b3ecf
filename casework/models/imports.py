"""Imports from Excel or CSV: the uploaded file (kept, so the preview and the import read the
same bytes), what its rows were found to hold, and what was imported from it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models.regions import Region


class ImportKind(models.TextChoices):
    PERSONS = "persons", _("persons and households")
    RECIPIENTS = "recipients", _("enrolled recipients")
    APPLICATIONS = "applications", _("new applications")


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("being checked")
    PREVIEWED = "previewed", _("checked, awaiting the officer's choice")
    IMPORTING = "importing", _("being imported")
    IMPORTED = "imported", _("imported")
    FAILED = "failed", _("failed")


class ImportMode(models.TextChoices):
    VALID_ONLY = "valid_only", _("import the valid rows")
    ALL_OR_NOTHING = "all_or_nothing", _("import only if every row is valid")


def import_file_path(data_import: "DataImport", filename: str) -> str:
    # Named by content: the stored bytes are what was checked and what is imported.
    return f"imports/{data_import.sha256}/{filename}"


class DataImport(models.Model):
    """One uploaded file of one kind, checked row by row, then imported whole or not at all."""

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to=import_file_path)
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The importer's jurisdiction when uploading: the office that imports, and the rows' reach.
    region = models.ForeignKey(
        Region, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    mode = models.CharField(_("mode"), max_length=16, choices=ImportMode.choices, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    imported_rows = models.PositiveIntegerField(_("imported rows"), default=0)
    # [{"row": n, "field": "<column>", "message": "..."}], in row order; blank fields are the
    # file's own (unreadable, wrong headers).
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    job = models.ForeignKey(
        "casework.Job",
        verbose_name=_("background job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "-created_at"], name="import_region_created")]
        constraints = [
            # A file is imported once per office: a second submission of it is refused.
            models.UniqueConstraint(
                fields=["region", "sha256"],
                condition=models.Q(status="imported"),
                name="import_file_once_per_office",
            )
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def invalid_rows(self) -> int:
        return self.rows - self.valid_rows

    @property
    def error_rows(self) -> list[int]:
        """The numbers of the rows with an error, in order, each once."""
        return sorted({error["row"] for error in self.errors if error.get("row")})

    @property
    def busy(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING)
