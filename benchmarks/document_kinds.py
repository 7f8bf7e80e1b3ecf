"""Each kind of document at the renderer's cost (issue 30): the CPU per document of issuing a
batch of one kind (numbers, QR code, rendering, cutting, signing, registry, print file: the
whole of ``documents.batches.issue_batch`` in one process), beside the CPU per document of
bare WeasyPrint laying out and writing the very same HTML, in the same chunks.

``run.py`` prints :func:`kind_lines` after its other documents' rows; it needs the demo county's
office and keys. ``BENCH_KIND_DOCUMENTS`` sizes the short kinds' batches (50),
``BENCH_KIND_ROUNDS`` (3) how many times each is measured, the least kept. The budgets: the pipeline within 1.15 times the bare render for every kind, a
payment letter within 45 ms and a filed 审批表 within 100 ms.
"""

import os
import time
from dataclasses import dataclass

# The batch of each short kind: two chunks of documents.batches.CHUNK_SIZE unless set.
SHORT_BATCH = int(os.environ.get("BENCH_KIND_DOCUMENTS", "50"))
# Runs of each measurement, the least kept (BENCH_KIND_ROUNDS).
ROUNDS = int(os.environ.get("BENCH_KIND_ROUNDS", "3"))
# A long kind (a posting notice of POSTING_ROWS names) is laid out one document at a time.
LONG_BATCH, POSTING_ROWS = 3, 100
RATIO_BUDGET = 1.15
MS_BUDGETS = {"payment_letter": 45, "application_form": 100}
# The 审批栏 of a filed 审批表: every level has signed (workflows/filed_forms.py).
FILED_SIGNERS = (
    ("村级入户核实", "村计生专干", "2026年10月22日", "情况属实"),
    ("民主评议", "村评议小组", "2026年10月25日", "同意上报"),
    ("乡镇审核", "乡镇审核员", "2026年11月2日", "同意"),
    ("县级复核", "县复核员", "2026年11月10日", "同意"),
    ("县级审批", "县审批员", "2026年11月20日", "同意"),
    ("市级备案", "市备案员", "2026年11月25日", "已备案"),
)


@dataclass(frozen=True)
class KindCost:
    kind: str
    documents: int
    pages: int
    pipeline_ms: float
    bare_ms: float

    @property
    def ratio(self) -> float:
        return self.pipeline_ms / self.bare_ms

    def over(self) -> bool:
        budget = MS_BUDGETS.get(self.kind)
        return self.ratio > RATIO_BUDGET or (budget is not None and self.pipeline_ms > budget)


def _requests(kind, count):
    from casework.models import Region
    from demo.samples import SAMPLE_TITLES, sample_data
    from documents import issuing
    from documents.kinds import spec_of
    from documents.models import IssuingOffice

    office = IssuingOffice.objects.get(code="360921-wjw")
    county = Region.objects.get(code="360921000000")
    rows = POSTING_ROWS if spec_of(kind).long else 12
    signers = FILED_SIGNERS if kind == "application_form" else FILED_SIGNERS[-2:-1]
    return [
        issuing.IssueRequest(
            kind=kind,
            office=office,
            region=county,
            title=SAMPLE_TITLES[kind],
            data=sample_data(kind, rows=rows),
            public_summary=[("姓名", "韩*英")],
            signers=[issuing.Signer(*signer) for signer in signers],
        )
        for _ in range(count)
    ]


def _bare(requests, long: bool) -> tuple[float, int]:
    """CPU seconds of WeasyPrint laying out and writing the batch's HTML, chunked as the
    batch chunks it; and the pages."""
    from documents import batches, issuing, numbering, rendering

    bodies = [
        issuing.document_body(
            request, f"安和县卫健〔2026〕第{n:04d}号", numbering.new_code(), demo=True
        )
        for n, request in enumerate(requests)
    ]
    size = 1 if long else batches.CHUNK_SIZE
    # The kind's template compiled and its glyphs' fonts loaded: once a process, not a cost.
    rendering.layout(rendering.page_html(bodies[:1])).write_pdf()
    pages = 0
    started = time.process_time()
    for first in range(0, len(bodies), size):
        document = rendering.layout(rendering.page_html(bodies[first : first + size]))
        document.write_pdf()
        pages += len(document.pages)
    return time.process_time() - started, pages


def _pipeline(requests, actor) -> float:
    """CPU seconds of issuing ``requests`` as one batch in this process."""
    from django.conf import settings

    from documents import batches

    workers, settings.CASEWORK_DOCUMENT_WORKERS = settings.CASEWORK_DOCUMENT_WORKERS, 1
    try:
        started = time.process_time()
        issued, refused, _print = batches.issue_batch(requests, actor)
        spent = time.process_time() - started
    finally:
        settings.CASEWORK_DOCUMENT_WORKERS = workers
    if refused or len(issued) != len(requests):
        raise SystemExit(f"{requests[0].kind}: {len(refused)} refused: {refused[:1]}")
    return spent


def measure(kind: str, actor) -> KindCost:
    """One kind's batch, issued in this process, against its bare rendering: the least of
    ``ROUNDS`` runs of each, taken in turn (a shared machine's CPU time varies by a third
    from one run to the next; the least is the work's own)."""
    from documents.kinds import spec_of

    long = spec_of(kind).long
    requests = _requests(kind, LONG_BATCH if long else SHORT_BATCH)
    bare, pipeline = [], []
    for _round in range(ROUNDS):
        seconds, pages = _bare(requests, long)
        bare.append(seconds)
        pipeline.append(_pipeline(requests, actor))
    count = len(requests)
    return KindCost(kind, count, pages, min(pipeline) * 1000 / count, min(bare) * 1000 / count)


def kind_lines() -> list[str]:
    """The per-kind table: pipeline and bare render in CPU ms per document, and their ratio."""
    from documents import rendering
    from documents.kinds import DocumentKind
    from permissions.audit import Actor
    from permissions.models import Officer

    actor = Actor(Officer.objects.get(username="county_approver"))
    # The stylesheet and fonts are loaded once per process: not a document's cost.
    rendering.layout(rendering.page_html(["<p>预热</p>"])).write_pdf()
    costs = [measure(kind, actor) for kind in DocumentKind.values]
    lines = [
        "documents per kind, CPU ms per document in a batch of one process "
        f"(budgets: ratio {RATIO_BUDGET}, "
        + ", ".join(f"{kind} {ms} ms" for kind, ms in MS_BUDGETS.items())
        + ")",
        f"{'kind':<22} {'docs':>5} {'pages':>6} {'pipeline':>9} {'bare render':>12} {'ratio':>6}",
    ]
    for cost in costs:
        lines.append(
            f"{cost.kind:<22} {cost.documents:>5} {cost.pages:>6} {cost.pipeline_ms:>9.1f} "
            f"{cost.bare_ms:>12.1f} {cost.ratio:>6.2f} {'OVER' if cost.over() else 'ok'}"
        )
    missed = [cost.kind for cost in costs if cost.over()]
    lines.append(
        "documents budgets: " + ("missed by " + ", ".join(missed) if missed else "all held")
    )
    return lines
