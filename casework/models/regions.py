"""Administrative divisions: province → city → county → township → village."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework import region_codes


class RegionLevel(models.TextChoices):
    PROVINCE = region_codes.PROVINCE, _("province")
    CITY = region_codes.CITY, _("city")
    COUNTY = region_codes.COUNTY, _("county")
    TOWNSHIP = region_codes.TOWNSHIP, _("township")
    VILLAGE = region_codes.VILLAGE, _("village")


class RegionQuerySet(models.QuerySet):
    def subtree(self, code: str) -> "RegionQuerySet":
        """The region with this code and every region below it: one range scan on the key."""
        low, high = region_codes.subtree_bounds(code)
        return self.filter(code__gte=low, code__lte=high)


class Region(models.Model):
    """A division keyed by its 12-digit statistical code.

    The code is the primary key, so every foreign key to a region holds the code itself and a
    jurisdiction check on any table is a range condition on that column, without a join.
    """

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        editable=False,
    )
    # The public's line to this level's office (the village committee, the township's or the
    # county's family-planning office): every posting prints those of its levels (三榜四级).
    report_phone = models.CharField(
        _("report phone"),
        max_length=40,
        blank=True,
        help_text=_("The number the public calls to report on this level's lists (举报电话)."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.level = region_codes.level_of(self.code)
        self.parent_id = region_codes.parent_code(self.code)

    def save(self, *args, **kwargs) -> None:
        # Level and parent are facts of the code; deriving them here keeps them from disagreeing.
        self.clean()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        """The names from the county down, as written on documents (e.g. 安和县城关镇东风村)."""
        codes = region_codes.ancestor_codes(self.code)
        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        return "".join(names.get(code, "") for code in codes[2:]) + self.name

    def contains(self, code: str) -> bool:
        """True if the region with ``code`` is this region or lies below it."""
        low, high = region_codes.subtree_bounds(self.code)
        return low <= code <= high


def validate_region_level(region: Region, *levels: str, field: str) -> None:
    """Raise a field error unless ``region`` is at one of ``levels``."""
    if region.level not in levels:
        raise ValidationError(
            {
                field: _("%(name)s is a %(level)s; a %(expected)s is required here.")
                % {
                    "name": region.name,
                    "level": region.get_level_display(),
                    "expected": "/".join(str(RegionLevel(level).label) for level in levels),
                }
            }
        )
