"""The audit chain: appended in the change's transaction, immutable, verifiable."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from permissions import audit
from permissions.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


def _record_three(officer, person):
    actor = audit.Actor(officer=officer, role="village_officer", client_address="127.0.0.1")
    with transaction.atomic():
        for step, (before, after) in enumerate(
            [("", "draft"), ("draft", "submitted"), ("submitted", "visited")]
        ):
            audit.record(
                actor,
                "transition",
                person,
                from_state=before,
                to_state=after,
                opinion=f"意见{step}",
            )


def test_entries_are_chained_by_hash_and_verify(village_officer, person_here):
    _record_three(village_officer, person_here)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [entry.seq for entry in entries] == [1, 2, 3]
    assert entries[0].prev_hash == audit.GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert entries[0].actor_name.endswith("（village_officer）")
    assert entries[0].client_address == "127.0.0.1"
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (3, entries[2].hash)
    assert audit.verify_chain().intact


def test_orm_refuses_updates_and_deletes(village_officer, person_here):
    _record_three(village_officer, person_here)
    entry = AuditEntry.objects.first()
    entry.opinion = "篡改"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(opinion="篡改")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_edit_behind_the_orms_back_is_reported_at_the_edited_entry(village_officer, person_here):
    _record_three(village_officer, person_here)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE permissions_auditentry SET opinion = %s WHERE seq = 2", ["篡改"])
    report = audit.verify_chain()
    assert (report.intact, report.broken_seq, report.checked) == (False, 2, 1)
    with pytest.raises(CommandError, match="2"):
        call_command("verify_audit")


def test_deleting_the_last_entry_behind_the_orms_back_is_reported(village_officer, person_here):
    _record_three(village_officer, person_here)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM permissions_auditentry WHERE seq = 3")
    report = audit.verify_chain()
    assert not report.intact
    assert report.broken_seq == 3


def test_verify_audit_command_reports_an_intact_chain(village_officer, person_here, capsys):
    _record_three(village_officer, person_here)
    call_command("verify_audit")
    assert "3" in capsys.readouterr().out


def test_record_outside_a_transaction_is_refused(village_officer, person_here):
    actor = audit.Actor(officer=village_officer)
    atomic = connection.in_atomic_block
    # pytest-django wraps each test in a transaction; leave it to check the guard itself.
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError):
            audit.record(actor, "transition", person_here)
    finally:
        connection.in_atomic_block = atomic
    assert AuditEntry.objects.count() == 0


def test_a_failed_change_leaves_no_entry(village_officer, person_here):
    actor = audit.Actor(officer=village_officer)
    with pytest.raises(ValueError), transaction.atomic():
        audit.record(actor, "transition", person_here, from_state="a", to_state="b")
        raise ValueError("the change itself failed")
    assert AuditEntry.objects.count() == 0
    assert AuditChainHead.objects.get().seq == 0


def test_deferred_entries_are_appended_together_in_order_and_dropped_with_their_row(
    village_officer, person_here
):
    actor = audit.Actor(officer=village_officer)
    with transaction.atomic(), audit.deferred():
        audit.record(actor, "first", person_here)
        mark = audit.held_since()
        audit.record(actor, "undone", person_here)
        audit.drop_since(mark)
        audit.record(actor, "second", person_here)
        assert not AuditEntry.objects.exists()  # held until the block ends
    assert list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)) == [
        "first",
        "second",
    ]
    assert audit.verify_chain().intact

    with pytest.raises(RuntimeError, match="boom"):
        with transaction.atomic(), audit.deferred():
            audit.record(actor, "rolled back", person_here)
            raise RuntimeError("boom")
    assert not AuditEntry.objects.filter(action="rolled back").exists()
    # Outside a block, entries are appended at once as before.
    with transaction.atomic():
        audit.record(actor, "third", person_here)
    assert AuditEntry.objects.filter(action="third").exists()
