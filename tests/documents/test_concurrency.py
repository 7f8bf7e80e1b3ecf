"""Numbers stay unique and gapless when many threads issue at once (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from documents import issuing
from documents.models import Document
from permissions.audit import Actor, verify_chain

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under concurrency need PostgreSQL"
)

THREADS = 20


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_threads_get_twenty_consecutive_numbers(make_request, administrator):
    requests = [make_request("payment_letter") for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors = []

    def work(request):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            issuing.issue(request, Actor(administrator))
        except Exception as error:  # Collected and asserted on below.
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=work, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    serials = sorted(Document.objects.values_list("serial", flat=True))
    assert serials == list(range(1, THREADS + 1))
    assert Document.objects.values("number").distinct().count() == THREADS
    assert verify_chain().intact
