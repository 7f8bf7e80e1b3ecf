"""The audit trail: append entries in the caller's transaction, chained by SHA-256.

Every change of status, grant or permission calls :func:`record` (or :func:`record_many` for
bulk work) inside the same ``transaction.atomic()`` block as the change itself, so a change is
never kept without its entry nor an entry without its change.
"""

import datetime
import hashlib
import json
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from casework import clock
from permissions.models import AuditChainHead, AuditEntry, Officer

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who acts, in which role, from where: the first three columns of every entry."""

    officer: Officer | None
    role: str = ""
    client_address: str | None = None

    @classmethod
    def from_request(cls, request, role: str = "") -> "Actor":
        """The logged-in officer of a request, acting in ``role`` or their primary role."""
        officer = request.user if request.user.is_authenticated else None
        return cls(officer=officer, role=role, client_address=request.META.get("REMOTE_ADDR"))

    @property
    def role_name(self) -> str:
        if self.role:
            return str(self.role)
        if self.officer is not None and self.officer.primary_role:
            return self.officer.primary_role.value
        return ""


@dataclass(frozen=True)
class Change:
    """One thing that happened to one object."""

    action: str
    obj: models.Model | None = None
    from_state: str = ""
    to_state: str = ""
    opinion: str = ""
    data: dict = field(default_factory=dict)


def record(
    actor: Actor, action: str, obj: models.Model | None = None, **details
) -> AuditEntry | None:
    """Append one entry; ``details`` are the fields of :class:`Change`. Inside
    :func:`deferred` the entry is held and appended when the block ends (None is returned)."""
    change = Change(action=action, obj=obj, **details)
    held = getattr(_held, "entries", None)
    if held is not None:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Audit entries must be written in the transaction of their change.")
        held.append((actor, change))
        return None
    return record_many(actor, [change])[0]


# The entries held by ``deferred`` in this thread: (actor, change) pairs, or None outside it.
_held = threading.local()


@contextmanager
def deferred():
    """Hold the entries :func:`record` is asked for inside the block, and append them in the
    order they were recorded with one lock on the chain and one insert per actor when it ends.
    Use it inside the transaction of the changes (a bulk step over many rows), so the entries
    still commit or roll back with them; rows undone by a savepoint give theirs back with
    :func:`held_since`/:func:`drop_since`. Nested blocks join the outer one."""
    if getattr(_held, "entries", None) is not None:
        yield
        return
    _held.entries = []
    try:
        yield
        entries, _held.entries = _held.entries, None
        for actor, changes in _runs_by_actor(entries):
            record_many(actor, changes)
    finally:
        _held.entries = None


def held_since() -> int:
    """A mark in the held entries (before a row that may be undone)."""
    return len(_held.entries) if getattr(_held, "entries", None) is not None else 0


def drop_since(mark: int) -> None:
    """Forget the entries held after ``mark`` (their row's savepoint was rolled back)."""
    if getattr(_held, "entries", None) is not None:
        del _held.entries[mark:]


def _runs_by_actor(entries):
    """Consecutive entries of one actor, as (actor, [changes]) runs, in order."""
    runs = []
    for actor, change in entries:
        if runs and runs[-1][0] is actor:
            runs[-1][1].append(change)
        else:
            runs.append((actor, [change]))
    return runs


def record_many(actor: Actor, changes: Iterable[Change], *, insert=None) -> list[AuditEntry]:
    """Append entries for many changes by one actor with a single lock and a single insert.

    ``insert`` writes the chained entries (by default one ``bulk_create``); the scale data
    generator passes its faster writer (``casework.bulk_insert``)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit entries must be written in the transaction of their change.")
    changes = list(changes)
    if not changes:
        return []
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    at = clock.now()
    role, actor_name = actor.role_name, _officer_name(actor.officer)
    entries = []
    seq, previous = head.seq, head.hash
    for change in changes:
        seq += 1
        entry = AuditEntry(
            seq=seq,
            at=at,
            actor=actor.officer,
            actor_name=actor_name,
            role=role,
            action=change.action,
            content_type=(
                ContentType.objects.get_for_model(change.obj) if change.obj is not None else None
            ),
            object_id=str(change.obj.pk) if change.obj is not None else "",
            object_repr=str(change.obj)[:200] if change.obj is not None else "",
            from_state=change.from_state,
            to_state=change.to_state,
            opinion=change.opinion,
            client_address=actor.client_address,
            data=change.data,
            prev_hash=previous,
        )
        entry.hash = entry_hash(entry)
        previous = entry.hash
        entries.append(entry)
    (insert or AuditEntry.objects.bulk_create)(entries)
    AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=previous)
    return entries


def _officer_name(officer: Officer | None) -> str:
    if officer is None:
        return ""
    return f"{officer.full_name}（{officer.username}）" if officer.full_name else officer.username


def entry_hash(entry: AuditEntry) -> str:
    """The SHA-256 of an entry's recorded facts and the previous entry's hash."""
    payload = {
        "seq": entry.seq,
        "prev": entry.prev_hash,
        "at": entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "role": entry.role,
        "action": entry.action,
        "content_type": entry.content_type_id,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "from": entry.from_state,
        "to": entry.to_state,
        "opinion": entry.opinion,
        "client_address": entry.client_address,
        "data": entry.data,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: how many entries were sound and the first fault."""

    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_seq is None


def verify_chain() -> ChainReport:
    """Walk every entry in order and report the first one whose link or content is wrong."""
    previous, expected_seq, checked = GENESIS_HASH, 1, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainReport(checked, expected_seq, "missing entry")
        if entry.prev_hash != previous:
            return ChainReport(checked, entry.seq, "link to previous entry broken")
        if entry_hash(entry) != entry.hash:
            return ChainReport(checked, entry.seq, "content changed after it was written")
        previous, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.get(pk=1)
    if head.seq != checked or head.hash != previous:
        return ChainReport(checked, checked + 1, "entries missing at the end of the chain")
    return ChainReport(checked)
