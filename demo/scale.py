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
"""

import datetime
import hashlib
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from casework import clock
from casework.bulk_insert import BulkInserter
from casework.factories import synthetic_id_number, synthetic_name
from casework.models import (
    Application,
    ApplicationFact,
    ApplicationStatus,
    BankAccount,
    CaseParty,
    CaseStatus,
    CertificateKind,
    CertificateStatus,
    Disposition,
    EnforcementCase,
    Filing,
    Household,
    Hukou,
    MigrantCertificate,
    Payment,
    PaymentBatch,
    Person,
    Posting,
    PostingEntry,
    Program,
    Region,
    Sex,
)
from casework.models.cases import ClueSource, DispositionKind, DispositionStatus, PartyRole
from casework.models.payments import BatchStatus, PaymentStatus
from casework.models.postings import PostingLevel, PostingStatus
from documents.kinds import DocumentKind
from documents.models import Document, IssuingOffice
from documents.numbering import CODE_ALPHABET, CODE_LENGTH
from permissions import audit
from permissions.factories import OfficerFactory
from permissions.roles import Role
from workflows.certificates import validity
from workflows.flows import TERMINAL, ApplicationFlow

S = ApplicationStatus
PROVINCE, CITY = "360000000000", "369800000000"
CITY_NAME = "规模测试市"
VILLAGES_PER_TOWNSHIP = 20
TOWNSHIPS_PER_COUNTY = 15
CHUNK = 5000
BANK = "示范农村商业银行"

# Statuses of this year's applications (weights), and of earlier years' (all decided by now).
THIS_YEAR = {
    S.DRAFT: 3,
    S.SUBMITTED: 10,
    S.VISITED: 6,
    S.APPRAISED: 6,
    S.VILLAGE_POSTED: 7,
    S.AWAITING_TOWNSHIP: 8,
    S.TOWNSHIP_CHECKED: 5,
    S.TOWNSHIP_POSTED: 6,
    S.AWAITING_COUNTY: 7,
    S.RECHECKED: 5,
    S.COUNTY_POSTED: 5,
    S.AWAITING_APPROVAL: 6,
    S.APPROVED: 5,
    S.ENROLLED: 8,
    S.DEFERRED: 3,
    S.REJECTED: 6,
    S.WITHDRAWN: 3,
}
EARLIER_YEARS = {
    S.ENROLLED: 78,
    S.SUSPENDED: 2,
    S.TERMINATED: 8,
    S.REVOKED: 1,
    S.REJECTED: 8,
    S.WITHDRAWN: 3,
}
# The chain in order (the statuses are declared in it): an application stood on the postings
# of the levels it has passed.
CHAIN = list(S)[: list(S).index(S.ENROLLED) + 1]
POSTED_AT = {
    PostingLevel.VILLAGE: S.VILLAGE_POSTED,
    PostingLevel.TOWNSHIP: S.TOWNSHIP_POSTED,
    PostingLevel.COUNTY: S.COUNTY_POSTED,
}
# Programs by share of the applications (the rural reward dominates, DESIGN.md §5).
PROGRAM_SHARES = {
    "rural-reward": 88,
    "special-disabled": 3,
    "special-deceased": 3,
    "single-child-reward": 6,
}
# What every applicant declares, and what each program's rules read besides (so that a visit
# finds the family eligible, as the applications made it this far).
DECLARED_FACTS = (("living_children", 1), ("births_outside_policy", 0))
PROGRAM_FACTS = {
    "special-disabled": (("only_child_status", "disabled"), ("further_children", 0)),
    "special-deceased": (("only_child_status", "deceased"), ("further_children", 0)),
    "single-child-reward": (("single_child_certificate", True),),
}
# Enforcement cases and certificates: how their statuses are spread.
CASE_STATUSES = {
    CaseStatus.CLUE: 6,
    CaseStatus.REGISTRATION_PROPOSED: 3,
    CaseStatus.DECLINE_PROPOSED: 1,
    CaseStatus.REGISTERED: 10,
    CaseStatus.DECISION_PROPOSED: 3,
    CaseStatus.DECIDED: 5,
    CaseStatus.CLOSING_PROPOSED: 2,
    CaseStatus.CLOSED: 60,
    CaseStatus.DECLINED: 10,
}
CERTIFICATE_STATUSES = {
    CertificateStatus.DRAFT: 2,
    CertificateStatus.SUBMITTED: 3,
    CertificateStatus.AWAITING_VERIFICATION: 3,
    CertificateStatus.VERIFIED: 2,
    CertificateStatus.ISSUED: 70,
    CertificateStatus.EXPIRED: 15,
    CertificateStatus.REVOKED: 3,
    CertificateStatus.REJECTED: 2,
}


PERSON_COLUMNS = (
    "id",
    "id_number",
    "name",
    "sex",
    "birth_date",
    "region_id",
    "household_id",
    "hukou",
)
APPLICATION_COLUMNS = (
    "id",
    "program_id",
    "year",
    "applicant_id",
    "spouse_id",
    "region_id",
    "children",
    "status",
    "deferred_from",
    "status_reason",
    "filing_id",
    "paid_from",
    "paid_until",
    "created_by_id",
    "status_changed_at",
)
POSTING_COLUMNS = (
    "id",
    "level",
    "region_id",
    "program_id",
    "year",
    "starts_on",
    "ends_on",
    "place",
    "contact_phone",
    "status",
    "opened_by_id",
    "opened_at",
    "closed_at",
)


class _Plan:
    """One application before it is written (cheaper than a model instance by far)."""

    __slots__ = (
        "id",
        "program",
        "year",
        "region_id",
        "status",
        "applicant",
        "spouse_id",
        "deferred_from",
        "status_reason",
        "filing_id",
        "paid_from",
        "paid_until",
        "since",
    )

    def __init__(self, *, id, program, year, region_id, status):
        self.id, self.program, self.year = id, program, year
        self.region_id, self.status = region_id, status
        self.applicant, self.spouse_id = None, None
        self.deferred_from, self.status_reason = "", ""
        self.filing_id = self.paid_from = self.paid_until = None
        self.since = None


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


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _stage_of(status: str) -> int:
    """How far along the chain ``status`` is (ended ones count as enrolled before they ended)."""
    if status in (S.SUSPENDED, S.TERMINATED, S.REVOKED):
        return CHAIN.index(S.ENROLLED)
    return CHAIN.index(status) if status in CHAIN else -1


class Generator:
    """Makes one synthetic city of ``size`` into the database, stage by stage."""

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

    # Applications, with everything each one brings.

    def make_applications(self) -> None:
        total = self.size.applications
        self.programs = {p.code: p for p in Program.objects.prefetch_related("standards")}
        self.content_type = ContentType.objects.get_for_model(Application)
        per_village = [total // len(self.villages)] * len(self.villages)
        for index in range(total % len(self.villages)):
            per_village[index] += 1
        villages = [
            v for v, count in zip(self.villages, per_village, strict=True) for _ in range(count)
        ]
        # Applications arrive from every village over the years, not one village after another.
        self.rng.shuffle(villages)
        for start in range(0, total, CHUNK):
            self._application_chunk(villages[start : start + CHUNK], start)
            self.progress.show("applications", min(total, start + CHUNK), total)

    def _application_chunk(self, villages: list[Region], offset: int) -> None:
        rng, db = self.rng, self.db
        count = len(villages)
        first_household = db.take_ids(Household, count)
        first_person = db.take_ids(Person, 2 * count)
        first_application = db.take_ids(Application, count)
        households, persons, plans = [], [], []
        for i, village in enumerate(villages):
            household = first_household + i
            households.append(
                (
                    household,
                    f"S{village.code[:6]}{offset + i:09d}",
                    village.code,
                    f"{village.name}{(offset + i) % 400 + 1}号",
                )
            )
            program = self.programs[_weighted(rng, PROGRAM_SHARES)]
            # Rural reward applicants are 60 or over; the others younger.
            born = datetime.date(1946 if program.code == "rural-reward" else 1958, 1, 1)
            couple = [
                self._person(
                    first_person + 2 * i + wife, village, household, 2 * (offset + i) + wife, born
                )
                for wife in (0, 1)
            ]
            persons += couple
            year = self.year if self.size.new_round else rng.choice(self.years)
            if self.size.new_round:
                status = S.VISITED
            else:
                status = _weighted(rng, THIS_YEAR if year == self.year else EARLIER_YEARS)
            plan = _Plan(
                id=first_application + i,
                program=program,
                year=year,
                region_id=village.code,
                status=status,
            )
            applicant = rng.randrange(2)
            plan.applicant = couple[applicant]
            plan.spouse_id = couple[1 - applicant][0]
            self._place(plan)
            # Waiting from an hour to two months: some are overdue.
            plan.since = self.now - datetime.timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
            plans.append(plan)
        with transaction.atomic():
            db.insert_rows(Household, ("id", "number", "region_id", "address"), households)
            db.insert_rows(Person, PERSON_COLUMNS, persons)
            db.insert_rows(
                Application,
                APPLICATION_COLUMNS,
                (
                    (
                        p.id,
                        p.program.pk,
                        p.year,
                        p.applicant[0],
                        p.spouse_id,
                        p.region_id,
                        [
                            {
                                "name": synthetic_name(rng),
                                "sex": "female",
                                "birth_date": "1985-03-01",
                            }
                        ],
                        p.status,
                        p.deferred_from,
                        p.status_reason,
                        p.filing_id,
                        p.paid_from,
                        p.paid_until,
                        self.clerk.pk,
                        p.since,
                    )
                    for p in plans
                ),
            )
            self._facts(plans)
            self._posting_entries(plans)
            self._processes(plans)
            self._accounts_and_payments(plans)
            audit.record_many(
                audit.Actor(self.clerk),
                [audit.Change("generated", self._application(p), to_state=p.status) for p in plans],
                insert=db.insert,
            )
        self.counts["persons"] += len(persons)
        self.counts["applications"] += count

    def _person(self, pk: int, village: Region, household: int, serial: int, born) -> tuple:
        """A row of PERSON_COLUMNS; even serials are men, odd ones women."""
        male = serial % 2 == 0
        # Within a county, the serial picks a distinct (birth date, sequence) pair.
        birth = born + datetime.timedelta(days=(serial // 1000) % 3650)
        number = synthetic_id_number(village.code[:6], birth, serial // 2, male=male)
        sex = Sex.MALE.value if male else Sex.FEMALE.value
        return (
            pk,
            number,
            synthetic_name(self.rng),
            sex,
            birth,
            village.code,
            household,
            Hukou.RURAL.value,
        )

    def _application(self, plan: "_Plan") -> Application:
        """An unsaved stand-in of the application written, for its audit entry's description."""
        application = Application(id=plan.id, program=plan.program, year=plan.year)
        Application.applicant.field.set_cached_value(
            application, Person(id=plan.applicant[0], name=plan.applicant[2])
        )
        return application

    def _place(self, plan: "_Plan") -> None:
        """Filing and payment dates of a recipient; the reason of an ended one."""
        status = plan.status
        if _stage_of(status) < CHAIN.index(S.ENROLLED):
            if status in (S.REJECTED, S.WITHDRAWN, S.DEFERRED):
                plan.status_reason = "经核实不符合条件" if status == S.REJECTED else "申请人撤回"
                if status == S.DEFERRED:
                    plan.deferred_from = S.SUBMITTED
            return
        program = plan.program
        filed_on = datetime.date(plan.year, 6, 30)
        plan.filing_id = self._filing(program, plan.year, filed_on)
        plan.paid_from = program.next_period_start(filed_on)
        if status in (S.SUSPENDED, S.TERMINATED, S.REVOKED):
            plan.paid_until = datetime.date(self.year - 1, 12, 31)
            plan.status_reason = "年审发现不再符合条件"

    def _filing(self, program: Program, year: int, filed_on: datetime.date) -> int:
        key = (program.pk, year)
        if key not in self.filings:
            self.filings[key] = Filing.objects.create(
                region_id=CITY,
                program=program,
                filed_on=filed_on,
                paid_from=program.next_period_start(filed_on),
                officer=self.officers[Role.CITY_FILING_OFFICER],
                signed_at=self.now,
            ).pk
        return self.filings[key]

    def _facts(self, plans) -> None:
        self.db.insert_rows(
            ApplicationFact,
            (
                "application_id",
                "code",
                "value",
                "evidence",
                "source",
                "recorded_by_id",
                "recorded_at",
            ),
            (
                (p.id, code, value, "户口簿", "declared", self.clerk.pk, self.now)
                for p in plans
                if p.status != S.DRAFT
                for code, value in DECLARED_FACTS + PROGRAM_FACTS.get(p.program.code, ())
            ),
        )

    def _posting_entries(self, plans) -> None:
        entries, self.new_postings = [], []
        for plan in plans:
            stage = _stage_of(plan.status)
            for level, posted in POSTED_AT.items():
                if stage >= CHAIN.index(posted):
                    entries.append((self._posting(level, plan, plan.status == posted), plan.id))
        self.db.insert_rows(Posting, POSTING_COLUMNS, self.new_postings)
        self.db.insert_rows(PostingEntry, ("posting_id", "application_id"), entries)

    def _posting(self, level: str, plan: "_Plan", is_open: bool) -> int:
        code = plan.region_id
        region = {
            PostingLevel.VILLAGE: code,
            PostingLevel.TOWNSHIP: code[:9] + "000",
            PostingLevel.COUNTY: code[:6] + "000000",
        }[level]
        key = (level, region, plan.program.pk, plan.year, is_open)
        if key not in self.postings:
            month = {PostingLevel.VILLAGE: 3, PostingLevel.TOWNSHIP: 4, PostingLevel.COUNTY: 5}
            starts = (
                self.today - datetime.timedelta(days=3)
                if is_open
                else datetime.date(plan.year, month[level], 1)
            )
            pk = self.db.take_ids(Posting, 1)
            self.new_postings.append(
                (
                    pk,
                    level,
                    region,
                    plan.program.pk,
                    plan.year,
                    starts,
                    starts + datetime.timedelta(days=7),
                    "村务公开栏",
                    "0790-0000000",
                    PostingStatus.OPEN.value if is_open else PostingStatus.CLOSED.value,
                    self.clerk.pk,
                    timezone.make_aware(datetime.datetime.combine(starts, datetime.time(9))),
                    None if is_open else self.now,
                )
            )
            self.postings[key] = pk
            self.counts["postings"] += 1
        return self.postings[key]

    def _processes(self, plans) -> None:
        """Each submitted application's process, with the open task of a waiting one."""
        followed = [p for p in plans if p.status != S.DRAFT]
        first = self.db.take_ids(Process, len(followed))
        self.db.insert_rows(
            Process,
            (
                "id",
                "flow_class",
                "status",
                "created",
                "finished",
                "artifact_content_type_id",
                "artifact_object_id",
            ),
            (
                (
                    first + n,
                    ApplicationFlow,
                    STATUS.DONE if p.status in TERMINAL else STATUS.NEW,
                    self.now,
                    self.now if p.status in TERMINAL else None,
                    self.content_type.pk,
                    p.id,
                )
                for n, p in enumerate(followed)
            ),
        )
        self.counts["tasks"] += self.db.insert_rows(
            Task,
            ("process_id", "flow_task", "flow_task_type", "status", "created", "token"),
            (
                (
                    first + n,
                    getattr(ApplicationFlow, p.status),
                    "FUNCTION",
                    STATUS.NEW,
                    p.since,
                    "start",
                )
                for n, p in enumerate(followed)
                if p.status not in TERMINAL
            ),
        )

    def _accounts_and_payments(self, plans) -> None:
        recipients = [p for p in plans if p.paid_from is not None]
        # New applicants give their bank card with the application.
        holders = plans if self.size.new_round else recipients
        accounts = {p.id: f"621799{p.applicant[1][6:14]}{p.id % 100000:05d}" for p in holders}
        self.db.insert_rows(
            BankAccount,
            (
                "person_id",
                "bank",
                "account_number",
                "recorded_by_id",
                "recorded_at",
                "effective_from",
            ),
            (
                (
                    p.applicant[0],
                    BANK,
                    accounts[p.id],
                    self.clerk.pk,
                    self.now,
                    p.paid_from or self.today,
                )
                for p in holders
            ),
        )
        payments = []
        current = self.today.replace(day=1)
        for p in recipients:
            program, start = p.program, p.paid_from
            last = p.paid_until or datetime.date.max
            while True:
                period_start, period_end = program.payment_period(start)
                if period_end >= current or period_end > last:
                    break
                batch = self._batch(program, p.region_id[:6] + "000000", period_start, period_end)
                standard = program.standard_on(period_start)
                batch.payment_count += 1
                batch.total_fen += standard.payment_fen
                payments.append(
                    (
                        batch.pk,
                        p.id,
                        period_start,
                        standard.payment_fen,
                        BANK,
                        accounts[p.id],
                        f"SD{batch.pk:06d}{batch.payment_count:07d}",
                        PaymentStatus.PAID.value,
                        self.now,
                    )
                )
                if standard.period == "once":
                    break
                start = period_end + datetime.timedelta(days=1)
        self.counts["payments"] += self.db.insert_rows(
            Payment,
            (
                "batch_id",
                "application_id",
                "period_start",
                "amount_fen",
                "bank",
                "account_number",
                "reference",
                "status",
                "settled_at",
            ),
            payments,
        )

    def _batch(self, program, county: str, start, end) -> PaymentBatch:
        key = (program.pk, county, start)
        if key not in self.batches:
            self.batches[key] = PaymentBatch.objects.create(
                program=program,
                region_id=county,
                period_start=start,
                period_end=end,
                status=BatchStatus.CLOSED,
                built_by=self.officers[Role.FUND_MANAGER],
                built_at=self.now,
            )
        return self.batches[key]

    def close_batches(self) -> None:
        """Write each batch's count and total, summed while its payments were made."""
        with transaction.atomic():
            PaymentBatch.objects.bulk_update(
                list(self.batches.values()), ["payment_count", "total_fen"], batch_size=CHUNK
            )
        self.counts["payment batches"] = len(self.batches)

    # Enforcement cases and certificates.

    def make_cases(self) -> None:
        total, rng = self.size.cases, self.rng
        counties = sorted({v.code[:6] + "000000" for v in self.villages})
        investigator = self.officers[Role.INVESTIGATOR]
        numbers: dict[tuple, int] = defaultdict(int)
        for start in range(0, total, CHUNK):
            with transaction.atomic():
                cases = []
                for _ in range(start, min(total, start + CHUNK)):
                    village = rng.choice(self.villages)
                    status = _weighted(rng, CASE_STATUSES)
                    year = rng.choice(self.years)
                    received = datetime.date(year, rng.randint(1, 10), rng.randint(1, 28))
                    if received > self.today:
                        received = self.today - datetime.timedelta(days=rng.randrange(1, 60))
                        year = received.year
                    case = EnforcementCase(
                        region=village,
                        source=rng.choice(list(ClueSource.values)),
                        received_on=received,
                        subject=f"{synthetic_name(rng)}诊所",
                        summary="群众举报非医学需要胎儿性别鉴定",
                        status=status,
                        recorded_by=investigator,
                        recorded_at=self.now,
                    )
                    if status not in (
                        CaseStatus.CLUE,
                        CaseStatus.REGISTRATION_PROPOSED,
                        CaseStatus.DECLINE_PROPOSED,
                        CaseStatus.DECLINED,
                    ):
                        county = village.code[:6]
                        numbers[(county, year)] += 1
                        case.number = f"规{county}卫两非〔{year}〕{numbers[(county, year)]}号"
                        case.registered_on = received + datetime.timedelta(days=5)
                        case.decision_due = case.registered_on + datetime.timedelta(days=90)
                    cases.append(case)
                self.db.insert(cases, with_ids=True)
                parties, dispositions = [], []
                for case in cases:
                    if case.number is None:
                        continue
                    for n in range(rng.randint(1, 3)):
                        parties.append(
                            CaseParty(
                                case=case,
                                name=synthetic_name(rng),
                                role=PartyRole.values[n % len(PartyRole.values)],
                                is_medical_staff=rng.random() < 0.5,
                                from_outside=rng.random() < 0.1,
                                recorded_by=investigator,
                                recorded_at=self.now,
                            )
                        )
                self.db.insert(parties, with_ids=True)
                decided = (CaseStatus.DECIDED, CaseStatus.CLOSING_PROPOSED, CaseStatus.CLOSED)
                for party in parties:
                    if party.case.status in decided:
                        executed = party.case.status != CaseStatus.DECIDED
                        dispositions.append(
                            Disposition(
                                case=party.case,
                                party=party,
                                kind=DispositionKind.FINE,
                                amount_fen=rng.choice((500000, 1000000, 3000000)),
                                grounds="《人口与计划生育法》第三十九条",
                                status=(
                                    DispositionStatus.EXECUTED
                                    if executed
                                    else DispositionStatus.APPROVED
                                ),
                                executed_on=party.case.registered_on if executed else None,
                                proposed_by=investigator,
                                proposed_at=self.now,
                            )
                        )
                self.db.insert(dispositions)
            self.counts["cases"] += len(cases)
            self.progress.show("cases", self.counts["cases"], total)
        self.counts["counties"] = len(counties)

    def make_certificates(self) -> None:
        total, rng = self.size.certificates, self.rng
        office, _created = IssuingOffice.objects.get_or_create(
            code="3698-scale",
            defaults={
                "name": f"{CITY_NAME}卫生健康委员会",
                "number_prefix": "规卫健",
                "region_id": CITY,
            },
        )
        officer = self.officers[Role.MIGRANT_SERVICE_OFFICER]
        serial = 0
        for start in range(0, total, CHUNK):
            with transaction.atomic():
                certificates, documents = [], []
                for n in range(start, min(total, start + CHUNK)):
                    village = rng.choice(self.villages)
                    birth = datetime.date(1985, 1, 1) + datetime.timedelta(days=n % 3650)
                    number = synthetic_id_number(
                        village.code[:6], birth, 250 + n // 3650, male=False
                    )
                    status = _weighted(rng, CERTIFICATE_STATUSES)
                    certificate = MigrantCertificate(
                        kind=CertificateKind.MARRIAGE_CHILDBEARING,
                        status=status,
                        region_id=village.code[:9] + "000",
                        holder_name=synthetic_name(rng),
                        holder_id_number=number,
                        holder_sex=Sex.FEMALE,
                        holder_birth_date=birth,
                        registration_region=village,
                        registration_address=f"{village.name}{n % 300 + 1}号",
                        marital_status="married",
                        created_by=officer,
                    )
                    if status in (
                        CertificateStatus.ISSUED,
                        CertificateStatus.EXPIRED,
                        CertificateStatus.REVOKED,
                    ):
                        issued = self.today - datetime.timedelta(days=rng.randrange(30, 1500))
                        certificate.valid_from, certificate.valid_until = validity(issued)
                        serial += 1
                        code = hashlib.sha256(f"{self.size.seed}-{serial}".encode()).hexdigest()
                        document = Document(
                            kind=DocumentKind.MIGRANT_CERTIFICATE,
                            title="流动人口婚育证明",
                            number=f"规卫健〔{issued.year}〕婚育证字第{serial:07d}号",
                            office=office,
                            year=issued.year,
                            serial=serial,
                            code=_code(code),
                            region_id=certificate.region_id,
                            public_summary=[["姓名", certificate.holder_name[0] + "*"]],
                            signer_fingerprint="0" * 64,
                            sha256=code,
                            size=0,
                            pages=1,
                            file="",
                            issued_at=self.now,
                            issued_by=officer,
                            status={
                                CertificateStatus.ISSUED: "valid",
                                CertificateStatus.EXPIRED: "expired",
                                CertificateStatus.REVOKED: "revoked",
                            }[status],
                        )
                        documents.append(document)
                        certificate.document = document
                    certificates.append(certificate)
                self.db.insert(documents, with_ids=True)
                for certificate in certificates:
                    if certificate.document is not None:
                        certificate.document_id = certificate.document.pk
                self.db.insert(certificates)
            self.counts["certificates"] += len(certificates)
            self.counts["documents"] += len(documents)
            self.progress.show("certificates", self.counts["certificates"], total)

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


def _code(hex_digest: str) -> str:
    """A verification code of the printed shape, fixed by the seed (not random: the same seed
    makes the same data)."""
    value = int(hex_digest[:26], 16)
    return "".join(CODE_ALPHABET[(value >> (5 * i)) & 31] for i in range(CODE_LENGTH))


def generate(size: Size, progress: Progress | None = None) -> dict[str, int]:
    """Make a synthetic city of ``size`` (see the module's docstring)."""
    return Generator(size, progress).run()
