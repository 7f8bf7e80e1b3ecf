"""GB 11643 ID numbers and 12-digit region codes: accepted shapes and each refusal, in Chinese."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from casework import region_codes
from casework.factories import synthetic_id_number
from casework.id_numbers import check_character, mask_id_number, parse_id_number

VALID = synthetic_id_number("360921", datetime.date(1960, 5, 17), 11, male=True)
TODAY = datetime.date(2026, 11, 24)


def _number_ending_in_x() -> str:
    for sequence in range(1000):
        first17 = f"36092119600517{sequence:03d}"
        if check_character(first17) == "X":
            return first17 + "X"
    raise AssertionError("no sequence gives X")


def test_valid_number_gives_birth_date_sex_and_region():
    facts = parse_id_number(VALID, today=TODAY)
    assert (facts.birth_date, facts.is_male, facts.region_code) == (
        datetime.date(1960, 5, 17),
        True,
        "360921",
    )


def test_final_x_is_accepted_in_either_case():
    number = _number_ending_in_x()
    assert parse_id_number(number.lower(), today=TODAY).number == number


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (
            VALID[:17] + str((int(VALID[17]) + 1) % 10) if VALID[17] != "X" else VALID[:17] + "0",
            "checksum",
        ),
        ("36092119990230" + "0011", "birth_date"),
        (synthetic_id_number("360921", datetime.date(2027, 1, 1), 11, male=True), "future_birth"),
        (VALID[:17], "length"),
        (VALID + "1", "length"),
        ("360921600517001", "length"),
        (VALID[:10] + "A" + VALID[11:], "characters"),
        (VALID[:10] + "X" + VALID[11:], "characters"),
        ("99" + VALID[2:17] + check_character("99" + VALID[2:17]), "region"),
        ("", "required"),
    ],
)
def test_bad_numbers_are_refused_with_a_chinese_message_naming_the_field(number, code):
    with pytest.raises(ValidationError) as refused:
        parse_id_number(number, today=TODAY)
    assert refused.value.code == code
    with translation.override("zh-hans"):
        assert str(refused.value.messages[0]).startswith("身份证号码：")


def test_mask_shows_first_six_and_last_four():
    assert mask_id_number(VALID) == VALID[:6] + "********" + VALID[-4:]


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("360000000000", "province", None),
        ("360900000000", "city", "360000000000"),
        ("360921000000", "county", "360900000000"),
        ("360921100000", "township", "360921000000"),
        ("360921100201", "village", "360921100000"),
    ],
)
def test_region_code_levels_and_parents(code, level, parent):
    assert region_codes.level_of(code) == level
    assert region_codes.parent_code(code) == parent


@pytest.mark.parametrize("code", ["36092110020", "3609211002AB", "360900100000", "000000000000"])
def test_malformed_region_codes_are_refused(code):
    with pytest.raises(ValidationError):
        region_codes.level_of(code)


def test_subtree_bounds_cover_exactly_the_township():
    assert region_codes.subtree_bounds("360921100000") == ("360921100000", "360921100999")
