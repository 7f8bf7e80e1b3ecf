"""Households and persons, identified by their resident ID numbers."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework import clock
from casework.id_numbers import (
    age_on,
    mask_id_number,
    normalize_id_number,
    parse_id_number,
    validate_id_number,
)
from casework.models.regions import Region, RegionLevel, validate_region_level


class Hukou(models.TextChoices):
    RURAL = "rural", _("rural")
    URBAN = "urban", _("urban")


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Household(models.Model):
    """A registered household (户) in a village."""

    number = models.CharField(_("household number"), max_length=20, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.region_id:
            validate_region_level(self.region, RegionLevel.VILLAGE, field="region")


class Person(models.Model):
    """A resident. Birth date and sex are read from the ID number and stored for queries."""

    id_number = models.CharField(
        _("ID number"), max_length=18, unique=True, validators=[validate_id_number]
    )
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    region = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="persons"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    hukou = models.CharField(_("household registration"), max_length=5, choices=Hukou.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["region", "name", "id"]
        indexes = [
            models.Index(fields=["region", "name"], name="person_region_name"),
            # Prefix searches (name or ID number starting with what was typed): PostgreSQL
            # uses an index for LIKE 'x%' only with the pattern operator class, whatever the
            # database's collation; SQLite ignores the class.
            models.Index(fields=["name"], name="person_name", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["id_number"],
                name="person_id_number_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    def clean(self) -> None:
        self.id_number = normalize_id_number(self.id_number)
        if self.region_id:
            validate_region_level(self.region, RegionLevel.VILLAGE, field="region")
        if self.household_id and self.region_id and self.household.region_id != self.region_id:
            raise ValidationError(
                {"household": _("The household is registered in another village.")}
            )

    def save(self, *args, **kwargs) -> None:
        # Derived facts are recomputed on every save so they can never disagree with the number.
        facts = parse_id_number(normalize_id_number(self.id_number))
        self.id_number = facts.number
        self.birth_date = facts.birth_date
        self.sex = Sex.MALE if facts.is_male else Sex.FEMALE
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def age(self, on: datetime.date | None = None) -> int:
        """Whole years of age on a date, by default the system's today."""
        return age_on(self.birth_date, on or clock.today())
