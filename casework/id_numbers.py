"""Resident identity card numbers (GB 11643-1999).

An 18-character number: 6 digits of the region of first registration (GB/T 2260), 8 digits of
the birth date, 3 digits of sequence (odd for men, even for women) and a check character
computed with ISO 7064 MOD 11-2, where 10 is written ``X``.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casework import clock

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)

# First two digits of GB/T 2260: provinces, autonomous regions, municipalities, Taiwan, Hong Kong
# and Macao.
PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class IdNumber:
    """The facts an ID number carries."""

    number: str
    region_code: str
    birth_date: datetime.date
    is_male: bool


def check_character(first_17_digits: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_17_digits, _WEIGHTS, strict=True)
    )
    return _CHECK_CHARACTERS[total % 11]


def normalize_id_number(value: str) -> str:
    """Strip spaces and upper-case a final ``x``; does not validate."""
    return (value or "").strip().replace(" ", "").upper()


def parse_id_number(value: str, *, today: datetime.date | None = None) -> IdNumber:
    """Validate an ID number and return its facts, or raise ``ValidationError`` in Chinese."""
    number = normalize_id_number(value)
    if not number:
        raise ValidationError(_("ID number: this field is required."), code="required")
    if len(number) != 18:
        raise ValidationError(
            _("ID number: must be 18 characters, got %(length)d."),
            code="length",
            params={"length": len(number)},
        )
    if not _SHAPE.match(number):
        raise ValidationError(
            _("ID number: only digits are allowed, with an X only as the last character."),
            code="characters",
        )
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("ID number: %(prefix)s is not a valid region code."),
            code="region",
            params={"prefix": number[:6]},
        )
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("ID number: %(digits)s is not a real birth date."),
            code="birth_date",
            params={"digits": number[6:14]},
        ) from None
    if birth_date < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("ID number: the birth date %(date)s is too early."),
            code="birth_date",
            params={"date": birth_date.isoformat()},
        )
    if birth_date > (today or clock.today()):
        raise ValidationError(
            _("ID number: the birth date %(date)s is in the future."),
            code="future_birth",
            params={"date": birth_date.isoformat()},
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("ID number: the check character is wrong; please check the number."),
            code="checksum",
        )
    return IdNumber(
        number=number,
        region_code=number[:6],
        birth_date=birth_date,
        is_male=int(number[16]) % 2 == 1,
    )


def validate_id_number(value: str) -> None:
    """Django validator form of :func:`parse_id_number`."""
    parse_id_number(value)


def mask_id_number(value: str) -> str:
    """Show the first 6 and last 4 characters only, as every public list and document must."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    """Whole years of age on a date (a person born on 29 February ages on 1 March)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def mask_name(name: str) -> str:
    """A name as public documents show it: the surname and one star per further character."""
    return name[:1] + "*" * max(len(name) - 1, 1)
