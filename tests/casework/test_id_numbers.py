"""GB 11643 resident ID numbers: table tests of parsing, refusals, masking, ages, check characters.

Every number here is synthetic (casework.factories.synthetic_id_number), never a real person's.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from casework.factories import synthetic_id_number
from casework.id_numbers import (
    age_on,
    check_character,
    mask_id_number,
    normalize_id_number,
    parse_id_number,
)

TODAY = datetime.date(2026, 11, 24)  # the pinned CASEWORK_TODAY of tests/conftest.py

MAN = synthetic_id_number("360921", datetime.date(1960, 5, 17), 11, male=True)
WOMAN = synthetic_id_number("110105", datetime.date(1985, 12, 31), 24, male=False)
LEAP_DAY = synthetic_id_number("440305", datetime.date(2000, 2, 29), 101, male=True)
BORN_TODAY = synthetic_id_number("360921", TODAY, 2, male=False)
EARLIEST = synthetic_id_number("820000", datetime.date(1900, 1, 1), 7, male=True)


def _ending_in_x() -> str:
    """The first synthetic number (by sequence) whose check character is X."""
    for sequence in range(1, 1000, 2):
        number = synthetic_id_number("360921", datetime.date(1972, 3, 8), sequence, male=True)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives a check character of X")


ENDS_IN_X = _ending_in_x()


def _mod_11_2(first17: str) -> str:
    """ISO 7064 MOD 11-2 in its recursive form, independent of the weights table under test."""
    p = 0
    for digit in first17:
        p = ((p + int(digit)) * 2) % 11
    value = (12 - p) % 11
    return "X" if value == 10 else str(value)


def _with_wrong_check(number: str) -> str:
    wrong = "0" if number[17] != "0" else "1"
    return number[:17] + wrong


def _with_valid_check(first17: str) -> str:
    return first17 + _mod_11_2(first17)


def _chinese_message(error: ValidationError) -> str:
    with translation.override("zh-hans"):
        return str(error.messages[0])


# --- accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number", "region", "birth_date", "is_male"),
    [
        (MAN, MAN, "360921", datetime.date(1960, 5, 17), True),
        (WOMAN, WOMAN, "110105", datetime.date(1985, 12, 31), False),
        (LEAP_DAY, LEAP_DAY, "440305", datetime.date(2000, 2, 29), True),
        (BORN_TODAY, BORN_TODAY, "360921", TODAY, False),
        (EARLIEST, EARLIEST, "820000", datetime.date(1900, 1, 1), True),
        (ENDS_IN_X, ENDS_IN_X, "360921", datetime.date(1972, 3, 8), True),
        (ENDS_IN_X[:17] + "x", ENDS_IN_X, "360921", datetime.date(1972, 3, 8), True),
        (f"  {MAN[:6]} {MAN[6:14]} {MAN[14:]} ", MAN, "360921", datetime.date(1960, 5, 17), True),
    ],
    ids=["man", "woman", "leap-day", "born-today", "earliest", "final-X", "final-x", "spaces"],
)
def test_valid_number_is_parsed_into_its_facts(value, number, region, birth_date, is_male):
    facts = parse_id_number(value, today=TODAY)
    assert facts.number == number
    assert facts.region_code == region
    assert facts.birth_date == birth_date
    assert facts.is_male is is_male


def test_search_finds_a_synthetic_number_ending_in_x():
    assert ENDS_IN_X.endswith("X")
    assert check_character(ENDS_IN_X[:17]) == "X"


def test_lowercase_final_x_is_normalized_to_uppercase():
    assert normalize_id_number(ENDS_IN_X.lower()) == ENDS_IN_X
    assert parse_id_number(ENDS_IN_X[:17] + "x").number.endswith("X")


def test_parse_uses_the_pinned_today_when_none_is_given():
    assert parse_id_number(BORN_TODAY).birth_date == TODAY


@pytest.mark.parametrize(
    ("sequence", "is_male"),
    [("001", True), ("002", False), ("019", True), ("990", False), ("555", True), ("000", False)],
)
def test_sex_is_read_from_the_parity_of_the_17th_digit(sequence, is_male):
    number = _with_valid_check(f"36092119600517{sequence}")
    assert parse_id_number(number, today=TODAY).is_male is is_male


# --- refused -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (_with_wrong_check(MAN), "checksum"),
        (_with_wrong_check(WOMAN), "checksum"),
        (ENDS_IN_X[:17] + "0", "checksum"),
        (MAN[:17] + "X" if MAN[17] != "X" else MAN[:17] + "0", "checksum"),
        (_with_valid_check("36092119990230001"), "birth_date"),
        (_with_valid_check("36092120010229001"), "birth_date"),
        (_with_valid_check("36092119601301001"), "birth_date"),
        (_with_valid_check("36092119600500001"), "birth_date"),
        (_with_valid_check("36092118991231001"), "birth_date"),
        (synthetic_id_number("360921", datetime.date(2026, 11, 25), 11, male=True), "future_birth"),
        (synthetic_id_number("360921", datetime.date(2030, 1, 1), 12, male=False), "future_birth"),
        (MAN[:17], "length"),
        (MAN + "1", "length"),
        ("360921600517011", "length"),
        ("", "required"),
        ("   ", "required"),
        (MAN[:10] + "A" + MAN[11:], "characters"),
        (MAN[:17] + "Y", "characters"),
        (MAN[:8] + "X" + MAN[9:], "characters"),
        ("X" + MAN[1:], "characters"),
        (MAN[:6] + "-" + MAN[7:], "characters"),
        (_with_valid_check("99092119600517011"), "region"),
        (_with_valid_check("00092119600517011"), "region"),
        (_with_valid_check("39092119600517011"), "region"),
    ],
    ids=[
        "wrong-check-man",
        "wrong-check-woman",
        "X-replaced-by-0",
        "X-where-digit-due",
        "feb-30",
        "feb-29-non-leap",
        "month-13",
        "day-0",
        "before-1900",
        "tomorrow",
        "2030",
        "17-chars",
        "19-chars",
        "15-chars-old-format",
        "empty",
        "blank",
        "letter-inside",
        "final-letter-not-x",
        "x-in-middle",
        "x-first",
        "hyphen",
        "province-99",
        "province-00",
        "province-39",
    ],
)
def test_invalid_number_is_refused_with_code_and_chinese_message(value, code):
    with pytest.raises(ValidationError) as caught:
        parse_id_number(value, today=TODAY)
    assert caught.value.code == code
    message = _chinese_message(caught.value)
    assert "身份证号码" in message or message.startswith("ID number")


def test_refusal_message_is_chinese_under_zh_hans():
    with pytest.raises(ValidationError) as caught:
        parse_id_number(_with_wrong_check(MAN), today=TODAY)
    message = _chinese_message(caught.value)
    assert "身份证号码" in message or message.startswith("ID number")
    with translation.override("en"):
        assert str(caught.value.messages[0]).startswith("ID number")


def test_length_refusal_names_the_length_it_got():
    with pytest.raises(ValidationError) as caught:
        parse_id_number(MAN[:17], today=TODAY)
    assert "17" in _chinese_message(caught.value)


def test_future_birth_is_judged_against_the_pinned_today_by_default():
    tomorrow = synthetic_id_number("360921", TODAY + datetime.timedelta(days=1), 3, male=True)
    with pytest.raises(ValidationError) as caught:
        parse_id_number(tomorrow)
    assert caught.value.code == "future_birth"
    # The same number is fine a day later.
    assert parse_id_number(tomorrow, today=TODAY + datetime.timedelta(days=1)).number == tomorrow


def test_full_width_digits_are_refused_or_normalized_to_ascii():
    full_width = MAN[:2] + MAN[2:17].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    full_width += MAN[17]
    try:
        facts = parse_id_number(full_width, today=TODAY)
    except ValidationError as error:
        assert error.code == "characters"
    else:
        assert facts.number == MAN


# --- check characters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "first17",
    [
        "36092119600517011",
        "11010519851231024",
        "44030520000229101",
        ENDS_IN_X[:17],
        "00000000000000000",
        "99999999999999999",
        "12345678901234567",
    ],
)
def test_check_character_agrees_with_the_recursive_mod_11_2(first17):
    assert check_character(first17) == _mod_11_2(first17)


@pytest.mark.parametrize(
    ("first17", "expected"),
    [("00000000000000000", "1"), ("10000000000000000", "5"), ("00000000000000001", "X")],
)
def test_check_character_of_hand_computed_values(first17, expected):
    # Weighted sum 0 -> "1"; 7 -> "5"; 2 -> "X" (the table is "10X98765432").
    assert check_character(first17) == expected


@pytest.mark.parametrize("first17", ["3609211960051701", "360921196005170111"])
def test_check_character_requires_exactly_17_digits(first17):
    with pytest.raises(ValueError):
        check_character(first17)


# --- masking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        (MAN, MAN[:6] + "********" + MAN[-4:]),
        (ENDS_IN_X, ENDS_IN_X[:6] + "********" + ENDS_IN_X[-4:]),
        ("360921196005171234", "360921********1234"),
        ("", ""),
        (None, ""),
        ("1234567890", "**********"),
        ("12345", "*****"),
        ("12345678901", "123456*8901"),
    ],
    ids=["man", "final-X", "shape", "empty", "none", "ten", "short", "eleven"],
)
def test_mask_shows_first_six_and_last_four_only(number, masked):
    assert mask_id_number(number) == masked


def test_mask_of_a_full_number_hides_the_birth_date_and_sequence():
    masked = mask_id_number(MAN)
    assert len(masked) == 18
    assert masked[6:14] == "*" * 8
    assert MAN[6:14] not in masked


# --- ages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_date", "on", "age"),
    [
        (datetime.date(1960, 5, 17), TODAY, 66),
        (datetime.date(1960, 11, 24), TODAY, 66),
        (datetime.date(1960, 11, 25), TODAY, 65),
        (datetime.date(1960, 12, 31), TODAY, 65),
        (datetime.date(2026, 11, 24), TODAY, 0),
        (datetime.date(2000, 2, 29), datetime.date(2001, 2, 28), 0),
        (datetime.date(2000, 2, 29), datetime.date(2001, 3, 1), 1),
        (datetime.date(2000, 2, 29), datetime.date(2004, 2, 29), 4),
        (datetime.date(2000, 2, 29), datetime.date(2018, 2, 28), 17),
        (datetime.date(2000, 2, 29), datetime.date(2018, 3, 1), 18),
        (datetime.date(1999, 12, 31), datetime.date(2000, 1, 1), 0),
    ],
)
def test_age_is_whole_years_on_a_date(birth_date, on, age):
    assert age_on(birth_date, on) == age
