"""A synthetic city at scale, for benchmarks and load runs (issue 8): ``generate_scale_data``.

The data is what years of work would leave behind: families with valid (made-up) ID numbers,
applications of the last three years in every status, the postings they stood on, the city
filings, the bank accounts and the payments of every period already paid, the viewflow process
of each application with the open task of the waiting ones, one audit entry per application,
enforcement cases with parties and decisions, and migrant certificates with their document
records.

Rows are built in memory with the factories' name and ID-number helpers and bulk-inserted a
chunk at a time, one transaction per chunk, so the memory used does not grow with the size.
Two things are not what the steps would make, because making them would take days at this
size: documents (posting notices, certificates) are registry rows without a PDF behind them,
and each application carries one ``generated`` audit entry instead of one per step. The
benchmarks issue real PDFs and run real steps on top of this data.

One module per domain, each a stage of ``Generator`` on the core in ``city`` (size, regions,
officers): ``applications`` (with what each brings: ``records``, ``payments``),
``enforcement`` and ``certificates``. One seeded random sequence runs through the stages in
the order of ``Generator.run``: the same seed makes the same data.
"""

from demo.scale.applications import CHAIN, POSTED_AT, Applications
from demo.scale.certificates import Certificates
from demo.scale.city import CITY, Progress, Size, settle
from demo.scale.enforcement import Enforcement
from demo.scale.payments import Payments
from demo.scale.records import Records

__all__ = ["CHAIN", "CITY", "POSTED_AT", "Progress", "Size", "generate"]


class Generator(Applications, Records, Payments, Enforcement, Certificates):
    """Makes one synthetic city of ``size`` into the database, stage by stage."""

    def run(self) -> dict[str, int]:
        """Make everything; return how many rows of each kind were made."""
        self.make_regions()
        self.make_officers()
        self.make_applications()
        self.close_batches()
        self.make_cases()
        self.make_certificates()
        self.db.finish()
        settle()
        return dict(self.counts)


def generate(size: Size, progress: Progress | None = None) -> dict[str, int]:
    """Make a synthetic city of ``size`` (see the module's docstring)."""
    return Generator(size, progress).run()
