"""Issuing a batch: numbers and bodies here, rendering and signing in worker processes.

A county's yearly round issues ~10,000 payment letters. Each is still its own signed PDF with
its own number and code, but

* short documents are laid out :data:`CHUNK_SIZE` at a time (:func:`rendering.render_many`:
  the stylesheet parsed and the fonts cut down once per chunk); long ones one at a time;
* rendering and signing run in ``CASEWORK_DOCUMENT_WORKERS`` processes (by default one per
  CPU; 1 does the work in this process). Workers never touch the database: they get HTML and
  plain values, and load the fonts and each office's signing key once;
* this process then stores the files and registers each chunk's documents and their audit
  entries together, in one transaction per chunk.

Numbers stay gap-free without keeping the sequence locked while workers render. A chunk's
numbers are foreseen from the sequence when it is sent out, and taken only in the transaction
that registers its documents (:func:`numbering.take_serials`). If a document of the chunk
could not be rendered or signed, or the sequence moved meanwhile (a document issued
elsewhere), nothing of that chunk is registered: the failed document is refused on its row,
and that chunk and every chunk sent out after it are numbered afresh and rendered again. So
the numbers follow the order of the requests, each taken together with its document, exactly
as issuing them one by one would.
"""

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext as _

from casework import clock
from documents import issuing, keys, numbering, rendering, signing
from documents.kinds import spec_of
from documents.models import Document
from permissions import audit
from permissions.audit import Actor

# Short documents laid out in one WeasyPrint pass. Larger chunks save little more (the
# stylesheet and fonts are already shared) but hold more pages in memory.
CHUNK_SIZE = 25


def worker_count() -> int:
    """``CASEWORK_DOCUMENT_WORKERS``, or else the number of CPUs this process may use."""
    configured = getattr(settings, "CASEWORK_DOCUMENT_WORKERS", None)
    return max(1, int(configured or len(os.sched_getaffinity(0))))


@dataclass(frozen=True)
class Work:
    """One document as a worker gets it: plain values only. ``key`` names the document's
    anchors in ``body`` (its verification code)."""

    key: str
    body: str
    office: str
    reason: str
    location: str


@dataclass(frozen=True)
class Outcome:
    """One document as a worker hands it back: signed, or the reason it is not."""

    signed: bytes | None
    pages: int = 0
    error: str = ""


@dataclass(frozen=True)
class ChunkResult:
    """A chunk's outcomes, in its order, and its unsigned PDF for the batch's print file."""

    outcomes: list[Outcome]
    print_pdf: bytes | None


def render_and_sign(works: list[Work], key_dir: str, passphrase: str) -> ChunkResult:
    """Render ``works`` (in one pass when there are several) and sign each PDF.

    Runs in a worker process. When the chunk cannot be laid out as a whole, each document is
    tried alone, so one bad document costs only itself.
    """
    try:
        if len(works) == 1:
            alone = rendering.render_pdf(rendering.page_html([works[0].body]))
            rendered, print_pdf = [alone], alone.pdf
        else:
            chunk = rendering.render_many([(work.key, work.body) for work in works])
            rendered, print_pdf = chunk.documents, chunk.print_pdf
    # WeasyPrint raises many unrelated types for a body it cannot lay out.
    except Exception as error:
        if len(works) == 1:
            return ChunkResult([Outcome(None, error=str(error))], None)
        results = [render_and_sign([work], key_dir, passphrase) for work in works]
        parts = [result.print_pdf for result in results if result.print_pdf is not None]
        return ChunkResult(
            [result.outcomes[0] for result in results],
            rendering.merge_pdfs(parts) if len(parts) == len(works) else None,
        )
    outcomes = []
    for work, pdf in zip(works, rendered, strict=True):
        try:
            key = keys.load_office_key(work.office, key_dir=key_dir, passphrase=passphrase)
            signed = signing.sign_pdf(pdf, key, reason=work.reason, location=work.location)
        # pyHanko, too, raises many types (PDF structure, ASN.1, crypto).
        except Exception as error:
            outcomes.append(Outcome(None, error=str(error)))
        else:
            outcomes.append(Outcome(signed, pdf.pages))
    return ChunkResult(outcomes, print_pdf)


def _refuse_database(execute, sql, params, many, context):
    raise RuntimeError("Document workers never use the database.")


def _start_worker() -> None:
    """In a forked worker: the parent's database connections are shared sockets, which the
    worker must neither use nor close; any query it tried would fail here instead."""
    for alias in connections:
        connections[alias].execute_wrappers.append(_refuse_database)


class _InProcess:
    """The executor of ``CASEWORK_DOCUMENT_WORKERS = 1``: does the work when it is submitted."""

    def submit(self, function, *args) -> Future:
        future = Future()
        future.set_result(function(*args))
        return future

    def shutdown(self, **kwargs) -> None:
        """Nothing runs in the background."""


def _executor(workers: int):
    # A daemonic process (a worker of some task queues' pools) may not start processes.
    if workers <= 1 or multiprocessing.current_process().daemon:
        return _InProcess()
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
    )


@dataclass
class _Entry:
    """A checked request on its way: its number and code once it is sent out."""

    index: int
    request: issuing.IssueRequest
    long: bool
    year: int = 0
    serial: int = 0
    number: str = ""
    code: str = ""

    @property
    def sequence(self) -> tuple:
        return (self.request.office, self.request.kind, self.year)


def _chunks(entries: list[_Entry]) -> list[list[_Entry]]:
    """Consecutive short documents in chunks of CHUNK_SIZE; each long one alone."""
    chunks, current = [], []
    for entry in entries:
        if entry.long:
            if current:
                chunks.append(current)
                current = []
            chunks.append([entry])
            continue
        current.append(entry)
        if len(current) == CHUNK_SIZE:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


class _Moved(Exception):
    """The sequence is not where the chunk's numbers expected it."""


class _Batch:
    def __init__(self, actor: Actor, progress: Callable[[int], None]):
        self.actor = actor
        self.progress = progress
        self.documents: list[Document] = []
        self.refused: list[dict] = []
        self.print_file = rendering.PrintFile()
        self.office_keys: dict[str, keys.OfficeKey] = {}
        self.next_serials: dict[tuple, int] = {}
        self.key_dir = str(settings.CASEWORK_SIGNING_KEY_DIR)
        self.passphrase = settings.CASEWORK_SIGNING_PASSPHRASE

    def refuse(self, entry_index: int, request: issuing.IssueRequest, reason: str) -> None:
        self.refused.append({"index": entry_index, "title": request.title, "reason": reason})
        self.progress(1)

    def checked(self, requests: list[issuing.IssueRequest]) -> list[_Entry]:
        entries = []
        for index, request in enumerate(requests):
            try:
                request.check()
            except (ValueError, LookupError) as error:
                self.refuse(index, request, str(error))
                continue
            code = request.office.code
            if code not in self.office_keys:
                self.office_keys[code] = keys.load_office_key(code)
            entries.append(_Entry(index, request, spec_of(request.kind).long))
        return entries

    def number(self, chunk: list[_Entry]) -> list[Work]:
        """Foresee the chunk's numbers, give each document a code, and write its body."""
        works = []
        for entry in chunk:
            request = entry.request
            entry.year = clock.today().year
            if entry.sequence not in self.next_serials:
                self.next_serials[entry.sequence] = (
                    numbering.last_serial(request.office, request.kind, entry.year) + 1
                )
            entry.serial = self.next_serials[entry.sequence]
            self.next_serials[entry.sequence] += 1
            entry.number = numbering.format_number(
                request.office, request.kind, entry.year, entry.serial
            )
            entry.code = entry.code or numbering.new_code()
            office_key = self.office_keys[request.office.code]
            body = issuing.document_body(request, entry.number, entry.code, demo=office_key.demo)
            works.append(
                Work(entry.code, body, request.office.code, request.title, request.office.name)
            )
        return works

    def register(self, chunk: list[_Entry], result: ChunkResult) -> bool:
        """Take the chunk's numbers and register its documents; False if the numbers moved."""
        issued_at = clock.now()
        runs: dict[tuple, list[_Entry]] = {}
        for entry in chunk:
            runs.setdefault(entry.sequence, []).append(entry)
        try:
            with transaction.atomic():
                for (office, kind, year), run in runs.items():
                    if not numbering.take_serials(office, kind, year, run[0].serial, len(run)):
                        raise _Moved
                rows = [
                    issuing.new_document(
                        entry.request,
                        self.actor,
                        number=entry.number,
                        year=entry.year,
                        serial=entry.serial,
                        code=entry.code,
                        signed=outcome.signed,
                        pages=outcome.pages,
                        fingerprint=self.office_keys[entry.request.office.code].fingerprint,
                        issued_at=issued_at,
                    )
                    for entry, outcome in zip(chunk, result.outcomes, strict=True)
                ]
                Document.objects.bulk_create(rows)
                audit.record_many(
                    self.actor,
                    [
                        audit.Change("document.issue", row, **issuing.issue_entry(row))
                        for row in rows
                    ],
                )
                # Counted in the same transaction: on SQLite every write transaction waits for
                # the one writer's lock, and a job's worker contends with the officers' requests.
                self.progress(len(rows))
        except _Moved:
            return False
        self.documents.extend(rows)
        if not chunk[0].long and result.print_pdf is not None:
            self.print_file.append(result.print_pdf)
        return True

    def run(self, entries: list[_Entry]) -> None:
        chunks = _chunks(entries)
        workers = min(worker_count(), len(chunks))
        pool = _executor(workers)
        # Twice as many chunks out as workers: each has the next while this process registers.
        # In this process, work submitted is work done: one chunk at a time.
        depth = 1 if isinstance(pool, _InProcess) else 2 * workers
        pending, out = deque(chunks), deque()
        try:
            while pending or out:
                while pending and len(out) < depth:
                    chunk = pending.popleft()
                    works = self.number(chunk)
                    out.append((chunk, works, self.submit(pool, works)))
                chunk, works, future = out.popleft()
                try:
                    result = future.result()
                except BrokenProcessPool:
                    # A worker died (killed, out of memory): finish the batch in this process.
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = _InProcess()
                    result = render_and_sign(works, self.key_dir, self.passphrase)
                failed = [
                    (entry, outcome)
                    for entry, outcome in zip(chunk, result.outcomes, strict=True)
                    if outcome.signed is None
                ]
                if not failed and self.register(chunk, result):
                    continue
                for entry, outcome in failed:
                    self.refuse(
                        entry.index,
                        entry.request,
                        _("The document could not be rendered or signed: %(error)s")
                        % {"error": outcome.error},
                    )
                kept = [entry for entry in chunk if all(entry is not bad for bad, _o in failed)]
                again = ([kept] if kept else []) + [later for later, _works, _f in out]
                for _chunk, _works, later_future in out:
                    later_future.cancel()
                out.clear()
                self.next_serials.clear()
                pending.extendleft(reversed(again))
        finally:
            pool.shutdown(cancel_futures=True)

    def submit(self, pool, works: list[Work]) -> Future:
        return pool.submit(render_and_sign, works, self.key_dir, self.passphrase)


def issue_batch(
    requests: Iterable[issuing.IssueRequest],
    actor: Actor,
    *,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Document], list[dict], bytes | None]:
    """Issue many documents and gather one print file: the issued documents in the order of
    the requests, the refused requests (index, title, reason) and the print file of the short
    documents. One refused request never undoes the others. ``progress(n)`` is told of every
    ``n`` requests done, a chunk at a time."""
    batch = _Batch(actor, progress or (lambda done: None))
    batch.run(batch.checked(list(requests)))
    batch.refused.sort(key=lambda row: row["index"])
    return batch.documents, batch.refused, batch.print_file.getvalue()
