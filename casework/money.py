"""Money is kept as integer fen (分) and shown as yuan with two decimals; never a float."""

from decimal import Decimal


def yuan(fen: int) -> Decimal:
    """``fen`` as yuan, a Decimal with two places (120000 → Decimal("1200.00"))."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def fen(amount: Decimal) -> int:
    """A yuan amount (at most two decimal places) as integer fen."""
    return int((amount * 100).to_integral_exact())
