"""The city every other stage stands on: how much to make, its regions and officers, and the
state the generator carries from stage to stage."""

import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction

from casework import clock
from casework.bulk_insert import BulkInserter
from casework.models import PaymentBatch, Region
from permissions.factories import OfficerFactory
from permissions.roles import Role

PROVINCE, CITY = "360000000000", "369800000000"
CITY_NAME = "规模测试市"
VILLAGES_PER_TOWNSHIP = 20
TOWNSHIPS_PER_COUNTY = 15
CHUNK = 5000


@dataclass(frozen=True)
class Size:
    """How much to make; the seed makes the same data again."""

    villages: int
    applications: int
    cases: int
    certificates: int
    seed: int = 1
    # Only this year's new applications, each visited by its village officer (the fieldwork
    # that comes before the round) with the applicant's bank card on record: what a county's
    # yearly round starts from (``workflows/yearly_round.py``).
    new_round: bool = False


class Progress:
    """A one-line progress bar on a terminal stream; elsewhere (a log) a line every tenth."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.started = time.perf_counter()
        self.tenths: dict[str, int] = {}

    def show(self, stage: str, done: int, total: int) -> None:
        if not self.tty:
            tenth = 10 * done // max(total, 1)
            if self.tenths.get(stage) == tenth:
                return
            self.tenths[stage] = tenth
        width = 30
        filled = width * done // max(total, 1)
        elapsed = time.perf_counter() - self.started
        line = (
            f"{stage:<14} [{'#' * filled}{'.' * (width - filled)}] "
            f"{done:>9,}/{total:,}  {elapsed:6.0f} s"
        )
        end = "\n" if done >= total or not self.tty else ""
        self.stream.write(("\r" if self.tty else "") + line + end)
        self.stream.flush()


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class City:
    """The generator's core: its state from stage to stage, and the regions and officers the
    other stages (the mixins of ``demo.scale.Generator``) stand on."""

    def __init__(self, size: Size, progress: Progress | None = None):
        self.size = size
        self.rng = random.Random(size.seed)
        self.progress = progress or Progress()
        self.today = clock.today()
        self.now = clock.now()
        self.year = self.today.year
        self.years = [self.year - 2, self.year - 1, self.year]
        self.counts: dict[str, int] = defaultdict(int)
        self.postings: dict[tuple, int] = {}
        self.batches: dict[tuple, PaymentBatch] = {}
        self.filings: dict[tuple, int] = {}
        self.db = BulkInserter(self.now)

    # Regions and officers.

    def make_regions(self) -> None:
        """Province → city → counties of 15 townships → townships of 20 villages."""
        if Region.objects.filter(code=CITY).exists():
            raise ValueError(f"The scale city {CITY} is already in this database.")
        townships = -(-self.size.villages // VILLAGES_PER_TOWNSHIP)
        counties = -(-townships // TOWNSHIPS_PER_COUNTY)
        if counties > 99:
            raise ValueError("At most 99 counties (29,700 villages) fit in one city's codes.")
        regions = []
        if not Region.objects.filter(code=PROVINCE).exists():
            regions.append(Region(code=PROVINCE, name="示范省"))
        regions.append(Region(code=CITY, name=CITY_NAME))
        self.villages: list[Region] = []
        made = 0
        for c in range(counties):
            county = f"3698{c + 1:02d}000000"
            regions.append(Region(code=county, name=f"规模{c + 1}县"))
            for t in range(TOWNSHIPS_PER_COUNTY):
                if made >= self.size.villages:
                    break
                township = f"{county[:6]}{100 + t:03d}000"
                regions.append(Region(code=township, name=f"规模{c + 1}县第{t + 1}镇"))
                for v in range(VILLAGES_PER_TOWNSHIP):
                    if made >= self.size.villages:
                        break
                    village = Region(
                        code=f"{township[:9]}{v + 1:03d}", name=f"第{t + 1}镇{v + 1}村"
                    )
                    regions.append(village)
                    self.villages.append(village)
                    made += 1
        for region in regions:
            region.clean()  # level and parent follow from the code
        with transaction.atomic():
            self.db.insert(regions)
        self.counts["regions"] = len(regions)
        self.progress.show("regions", len(regions), len(regions))

    def make_officers(self) -> None:
        """One officer per role at the first county, township and village (password
        ``casework-demo``), as the benchmarks and the load run log in."""
        village = self.villages[0]
        township = Region.objects.get(code=village.parent_id)
        county = Region.objects.get(code=township.parent_id)
        city = Region.objects.get(code=CITY)
        at = {
            Role.VILLAGE_OFFICER: village,
            Role.TOWNSHIP_REVIEWER: township,
            Role.MIGRANT_SERVICE_OFFICER: township,
            Role.COUNTY_APPROVER: county,
            Role.COUNTY_INSPECTOR: county,
            Role.FUND_MANAGER: county,
            Role.DISBURSEMENT_OFFICER: county,
            Role.SUPERVISOR: county,
            Role.INVESTIGATOR: county,
            Role.CASE_APPROVER: county,
            Role.CITY_FILING_OFFICER: city,
        }
        self.officers = {
            role: OfficerFactory(
                username=f"scale_{role.value}",
                full_name=f"规模{role.label}",
                jurisdiction=region,
                roles=[role],
            )
            for role, region in at.items()
        }
        self.clerk = self.officers[Role.VILLAGE_OFFICER]
        self.counts["officers"] = len(self.officers)


def settle() -> None:
    """Leave the database as one in use would be after loading: statistics for the planner
    (without them it guesses at ranges over millions of new rows), and on PostgreSQL the new
    rows vacuumed too (visibility map, frozen rows). Otherwise autovacuum comes a minute after
    a load of millions of rows and takes one of a small machine's cores for a while, under
    whatever runs then. VACUUM cannot run inside a transaction (as in the tests): there, the
    statistics alone."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
