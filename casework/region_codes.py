"""The 12-digit statistical division code: 2 province, 2 city, 2 county, 3 township, 3 village.

The first 6 digits are the GB/T 2260 code. A region's descendants are exactly the codes that
share its significant prefix, so a subtree is one indexed range scan, with no recursion.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = "province", "city", "county", "township", "village"
LEVELS = (PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE)
SIGNIFICANT_DIGITS = {PROVINCE: 2, CITY: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12}
CODE_LENGTH = 12
_DIGITS = re.compile(r"^\d{12}$", re.ASCII)


def level_of(code: str) -> str:
    """Return the level a well-formed code denotes, or raise ``ValidationError``.

    Every segment down to the region's own is non-zero and every segment below it is zero.
    """
    if not _DIGITS.match(code or ""):
        raise ValidationError(_("Region code: must be 12 digits."), code="shape")
    start = 0
    for level in LEVELS:
        end = SIGNIFICANT_DIGITS[level]
        if not code[start:end].strip("0"):
            break
        if not code[end:].strip("0"):
            return level
        start = end
    raise ValidationError(
        _("Region code: %(code)s is not a valid division code."),
        code="shape",
        params={"code": code},
    )


def _parent_level(level: str) -> str:
    return LEVELS[LEVELS.index(level) - 1]


def parent_code(code: str) -> str | None:
    """Return the code of the region directly above, or None for a province."""
    level = level_of(code)
    if level == PROVINCE:
        return None
    digits = SIGNIFICANT_DIGITS[_parent_level(level)]
    return code[:digits].ljust(CODE_LENGTH, "0")


def ancestor_codes(code: str) -> list[str]:
    """Return the codes of every region above ``code``, top first."""
    codes = []
    current = parent_code(code)
    while current is not None:
        codes.append(current)
        current = parent_code(current)
    return list(reversed(codes))


def region_code_at(code: str, level: str) -> str:
    """The code of the region at ``level`` that holds ``code`` (itself at its own level)."""
    return code[: SIGNIFICANT_DIGITS[level]].ljust(CODE_LENGTH, "0")


def subtree_bounds(code: str) -> tuple[str, str]:
    """Return the inclusive range of codes of a region and all regions below it."""
    prefix = code[: SIGNIFICANT_DIGITS[level_of(code)]]
    return prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")
