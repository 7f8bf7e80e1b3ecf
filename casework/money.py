"""Money is kept as integer fen (分) and shown as yuan with two decimals; never a float.
Accounts it is paid into are digits only, shown masked."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def yuan(fen: int) -> Decimal:
    """``fen`` as yuan, a Decimal with two places (120000 → Decimal("1200.00"))."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def fen(amount: Decimal) -> int:
    """A yuan amount (at most two decimal places) as integer fen."""
    return int((amount * 100).to_integral_exact())


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_GROUP_UNITS = ["", "万", "亿", "万亿"]


def in_words(fen: int) -> str:
    """An amount in the capital numerals of financial documents (大写): 96000 → 玖佰陆拾元整,
    123456 → 壹仟贰佰叁拾肆元伍角陆分, 100005 → 壹仟元零伍分."""
    if fen < 0:
        raise ValueError("negative amount")
    yuan_part, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    words = _integer_words(yuan_part) + "元" if yuan_part else ""
    if not jiao and not cents:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if cents:
        words += _DIGITS[cents] + "分"
    return words


def _integer_words(number: int) -> str:
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    words, zero_pending = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(words)
            continue
        if words and (zero_pending or group < 1000):
            words += "零"
        words += _group_words(group) + _GROUP_UNITS[index]
        zero_pending = False
    return words


def _group_words(group: int) -> str:
    words, zero = "", False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero = bool(words)
            continue
        if zero:
            words += "零"
            zero = False
        words += _DIGITS[digit] + _SMALL_UNITS[position]
    return words


_ACCOUNT = re.compile(r"^\d{10,25}$", re.ASCII)


def validate_account_number(value: str) -> None:
    """A bank account or card number: 10 to 25 ASCII digits (cards have 16–19, passbook
    accounts of rural credit cooperatives other lengths)."""
    if not _ACCOUNT.match(value or ""):
        raise ValidationError(_("Account number: 10 to 25 digits, nothing else."), code="shape")


def mask_account_number(value: str) -> str:
    """Show the first 4 and last 4 digits only: 6217********1234."""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)
