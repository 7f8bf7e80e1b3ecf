"""Document numbers (文号) and verification codes.

Each office numbers each kind from 1 every year. A number is taken inside the transaction that
registers its document and under a row lock on the sequence, so two documents never share a
number and a failed issue gives its number back: the sequence has no gaps.
"""

import re
import secrets

from django.db import transaction

from documents.kinds import spec_of
from documents.models import DocumentSequence, IssuingOffice

# No 0/O or 1/I: codes are read off paper and typed by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
_CODE_SHAPE = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}", re.ASCII)


def next_serial(office: IssuingOffice, kind: str, year: int) -> int:
    """Take the next serial of ``kind`` for ``office`` in ``year``; call inside the issuing
    transaction, which keeps the sequence locked until it commits or rolls back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Take document numbers inside the transaction that registers them.")
    DocumentSequence.objects.bulk_create(
        [DocumentSequence(office=office, kind=kind, year=year)], ignore_conflicts=True
    )
    sequence = DocumentSequence.objects.select_for_update().get(office=office, kind=kind, year=year)
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    return sequence.last_serial


def format_number(office: IssuingOffice, kind: str, year: int, serial: int) -> str:
    """The printed number, e.g. 安和县卫健〔2026〕奖扶字第0012号."""
    return f"{office.number_prefix}〔{year}〕{spec_of(kind).number_word}字第{serial:04d}号"


def new_code() -> str:
    """A fresh random verification code (50 bits: not guessable by trying)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    """The code as printed: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def normalize_code(text: str) -> str | None:
    """The code typed by a person (any case, dashes, spaces), or None if it cannot be one."""
    code = re.sub(r"[\s-]", "", text or "").upper()
    return code if _CODE_SHAPE.fullmatch(code) else None


def last_serial(office: IssuingOffice, kind: str, year: int) -> int:
    """The last serial taken so far (0 before the first), read without a lock."""
    sequence = DocumentSequence.objects.filter(office=office, kind=kind, year=year).first()
    return sequence.last_serial if sequence else 0


def take_serials(office: IssuingOffice, kind: str, year: int, first: int, count: int) -> bool:
    """Take serials ``first`` … ``first + count - 1`` if they are the next ones; False (and
    nothing taken) if the sequence has moved since they were foreseen. Call inside the
    transaction that registers their documents, as :func:`next_serial`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Take document numbers inside the transaction that registers them.")
    DocumentSequence.objects.bulk_create(
        [DocumentSequence(office=office, kind=kind, year=year)], ignore_conflicts=True
    )
    sequence = DocumentSequence.objects.select_for_update().get(office=office, kind=kind, year=year)
    if sequence.last_serial != first - 1:
        return False
    sequence.last_serial += count
    sequence.save(update_fields=["last_serial"])
    return True
