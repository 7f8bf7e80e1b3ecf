"""Money: fen ↔ yuan and the capital numerals printed on payment letters."""

from decimal import Decimal

import pytest

from casework.money import fen, in_words, yuan


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (96000, "玖佰陆拾元整"),
        (123456, "壹仟贰佰叁拾肆元伍角陆分"),
        (100005, "壹仟元零伍分"),
        (50, "伍角"),
        (0, "零元整"),
        (1000100, "壹万零壹元整"),
        (10010000, "壹拾万零壹佰元整"),
        (1010100, "壹万零壹佰零壹元整"),
        (315600000, "叁佰壹拾伍万陆仟元整"),
        (1000000000, "壹仟万元整"),
    ],
)
def test_amounts_in_capital_numerals(amount, words):
    assert in_words(amount) == words


def test_fen_and_yuan_round_trip_without_floats():
    assert yuan(96000) == Decimal("960.00") and fen(Decimal("960.00")) == 96000
    assert fen(Decimal("0.07")) == 7
    with pytest.raises(ValueError):
        in_words(-1)
