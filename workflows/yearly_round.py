"""A county's yearly round of new applications, from the village appraisals to the first
payment, driven through the same action functions the pages and the API call, as the county's
officers work: one meeting per village, one posting per village, township and county for each
program, closed after its days; the township checks and the county approval and city filing in
bulk; the county recheck per household; then the first payment batch of each program,
approved, its bank file exported and sent, the bank's return imported and the recipients'
letters queued. The round starts from visited applications: the village visits are fieldwork
recorded one household at a time over the weeks before (``record_visit``, as the recheck).

Every document the round produces (posting notices, each application's 审批表 filed with every
level's signature, letters) goes through the documents pipeline; notices longer than
``CASEWORK_INLINE_NOTICE_ROWS``, the filed forms and the letters are issued by the task
workers. ``make bench-round`` (``benchmarks/round.py``) times each stage on a
generated county; ``tests/workflows/test_yearly_round.py`` runs the round on 30 applications.
"""

import datetime
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from casework import clock
from casework.chunks import chunks
from casework.filters import filter_region_subtree
from casework.models import (
    Application,
    ApplicationStatus,
    PaymentBatch,
    Posting,
    PostingStatus,
    Program,
    Region,
)
from casework.models.payments import PaymentStatus
from documents import keys
from documents.models import IssuingOffice
from permissions.audit import Actor
from permissions.factories import OfficerFactory
from permissions.roles import Role
from workflows import bank_files, bulk, payments, postings
from workflows.applications import record_appraisal
from workflows.transitions import RowResult, perform

S = ApplicationStatus
# What the county's inspector finds on the recheck of a household.
VISIT = {
    "met_in_person": "on",
    "living_children": "1",
    "children_evidence": "户口簿",
    "births_outside_policy": "0",
    "births_evidence": "计生档案",
    "opinion": "入户核实，情况属实",
}
# How many rows an officer ticks at once on the application list.
TICKED = 1000


# The scale generator's first county: where ``Size(new_round=True)`` puts the round.
COUNTY = "369801000000"


def county_office(county: Region) -> IssuingOffice:
    """The county's health commission, which numbers and signs the round's notices and
    letters, with its signing key made under the configured CA (a generated county has none)."""
    office = IssuingOffice.objects.create(
        code=f"{county.code[:6]}-wjw",
        name=f"{county.name}卫生健康委员会",
        number_prefix=f"{county.name}卫健",
        region=county,
        phone="0790-0000000",
    )
    keys.make_office_key(
        Path(settings.CASEWORK_SIGNING_KEY_DIR),
        office.code,
        office.name,
        settings.CASEWORK_SIGNING_PASSPHRASE,
    )
    return office


class RoundRefused(Exception):
    """A row of the round was refused: the round stops there, saying which and why."""


@dataclass
class RoundOfficers:
    """Who works the round: a village officer per village, a township reviewer per township,
    the county's inspector, approver, fund manager and disburser, and the city filing
    officer."""

    villages: dict[str, object]
    townships: dict[str, object]
    inspector: object
    approver: object
    fund_manager: object
    disburser: object
    city: object


def round_officers(county: Region) -> RoundOfficers:
    """Make the round's officers for ``county`` (accounts that never log in: the round acts
    for them)."""

    def officer(role, region, name):
        # None: an unusable password, set without hashing (a county's 330 officers would
        # otherwise cost half a second of PBKDF2 each).
        return OfficerFactory(
            username=f"round_{role.value}_{region.code}",
            full_name=name,
            jurisdiction=region,
            roles=[role],
            password=None,
        )

    townships = list(Region.objects.filter(parent=county).order_by("code"))
    villages = Region.objects.filter(parent__in=townships).order_by("code")
    return RoundOfficers(
        villages={v.code: officer(Role.VILLAGE_OFFICER, v, f"{v.name}专干") for v in villages},
        townships={
            t.code: officer(Role.TOWNSHIP_REVIEWER, t, f"{t.name}审核员") for t in townships
        },
        inspector=officer(Role.COUNTY_INSPECTOR, county, f"{county.name}复核员"),
        approver=officer(Role.COUNTY_APPROVER, county, f"{county.name}审批员"),
        fund_manager=officer(Role.FUND_MANAGER, county, f"{county.name}资金管理员"),
        disburser=officer(Role.DISBURSEMENT_OFFICER, county, f"{county.name}发放员"),
        city=officer(Role.CITY_FILING_OFFICER, county.parent, f"{county.parent.name}备案员"),
    )


@dataclass
class StageResult:
    """One stage of the round: how long it took and how many rows it moved."""

    name: str
    seconds: float
    rows: int


@dataclass
class YearlyRound:
    """The round of ``county``'s submitted applications of this year, starting on ``start``."""

    county: Region
    officers: RoundOfficers
    start: datetime.date
    # Called with each finished stage (the benchmark prints it as it goes).
    on_stage: Callable[[StageResult], None] = lambda result: None
    # Wraps each stage, given its name (the benchmark profiles the stage it is asked to).
    profile: Callable[[str], AbstractContextManager] = lambda name: nullcontext()
    stages: list[StageResult] = field(default_factory=list)
    batches: list[PaymentBatch] = field(default_factory=list)

    def run(self) -> list[StageResult]:
        """Work the whole round; raises :class:`RoundRefused` at the first refused row."""
        programs = list(Program.objects.filter(applications__in=self._applications()).distinct())
        self.programs = sorted(programs, key=lambda program: program.code)
        self.days = max(program.posting_days for program in self.programs)
        day = self.start
        with clock.pinned(day):
            self._stage("village appraisals", self.appraise)
            self._stage("village postings", self.post, "village", self.officers.villages)
        day = self._after_posting(day)
        with clock.pinned(day):
            self._stage("village postings closed", self.close, "village", self.officers.villages)
            self._stage("township checks", self.check_townships)
            self._stage("township postings", self.post, "township", self.officers.townships)
        day = self._after_posting(day)
        with clock.pinned(day):
            self._stage("township postings closed", self.close, "township", self.officers.townships)
            self._stage("county rechecks", self.recheck)
            county = {self.county.code: self.officers.approver}
            self._stage("county postings", self.post, "county", county)
        day = self._after_posting(day)
        with clock.pinned(day):
            self._stage("county postings closed", self.close, "county", county)
            self._stage("county approval", self.in_bulk, "approve", self.officers.approver)
            self._stage("city filing", self.in_bulk, "file", self.officers.city)
        self._stage("first payment batches", self.pay)
        return self.stages

    # Stages.

    def recheck(self) -> int:
        """Each household rechecked by the county's inspector, one visit after another as the
        pages record them."""
        actor, done = Actor(self.officers.inspector), 0
        rows = self._applications(S.AWAITING_COUNTY).select_related("program", "applicant")
        for application in rows:
            data = {**VISIT, "visited_on": clock.today().isoformat()}
            perform("county_recheck", application, actor, data)
            done += 1
        return done

    def appraise(self) -> int:
        """One democratic appraisal meeting per village, agreeing on every visited application."""
        done = 0
        for village, officer in self.officers.villages.items():
            ids = list(self._applications(S.VISITED, region=village).values_list("pk", flat=True))
            if not ids:
                continue
            _appraisal, results = record_appraisal(
                Actor(officer),
                held_on=clock.today(),
                attendees="村民代表、村两委成员",
                attendees_by_kind={"representatives": 15},
                minutes="逐户介绍入户核实情况，与会人员无异议，一致同意。",
                opinions={pk: ("agree", "") for pk in ids},
            )
            done += _all_done(results, "appraisal")
        return done

    def post(self, level: str, officers: dict) -> int:
        """Each region's posting of each program (its notice queued or issued inline)."""
        ready = postings.LEVELS[level].ready
        done = 0
        for code, officer in officers.items():
            region = Region.objects.get(code=code)
            for program in self.programs:
                ids = list(
                    self._applications(ready, region=code, program=program).values_list(
                        "pk", flat=True
                    )
                )
                if not ids:
                    continue
                opened = postings.open_posting(
                    Actor(officer),
                    level=level,
                    program=program,
                    year=self.start.year,
                    region=region,
                    starts_on=clock.today(),
                    days=self.days,
                    place=f"{region.name}公示栏",
                    contact_phone="0790-0000000",
                    application_ids=ids,
                )
                done += _all_done(opened.results, f"{level} posting")
        return done

    def close(self, level: str, officers: dict) -> int:
        """Each posting of ``level`` closed by whoever put it up, its days over."""
        done = 0
        for code, officer in officers.items():
            ids = list(
                Posting.objects.filter(
                    level=level, region_id=code, status=PostingStatus.OPEN
                ).values_list("pk", flat=True)
            )
            if ids:
                _all_done(postings.close_many(Actor(officer), ids), f"closing {level} postings")
                done += len(ids)
        return done

    def check_townships(self) -> int:
        """Each township reviewer passes the township's applications, a page of them at once."""
        done = 0
        for code, officer in self.officers.townships.items():
            ids = list(
                self._applications(S.AWAITING_TOWNSHIP, region=code).values_list("pk", flat=True)
            )
            done += self.in_bulk("township_check", officer, ids)
        return done

    def in_bulk(self, step: str, officer, ids: list[int] | None = None) -> int:
        """Run ``step`` on the list's rows ``TICKED`` at a time (all waiting rows by default)."""
        if ids is None:
            waiting = {"approve": S.AWAITING_APPROVAL, "file": S.APPROVED}[step]
            ids = list(self._applications(waiting).values_list("pk", flat=True))
        done = 0
        for ticked in chunks(ids, TICKED):
            run = bulk.run_bulk(Actor(officer), step, ticked, {"opinion": "同意"})
            done += _all_done(run.results, step)
        return done

    def pay(self) -> int:
        """The first batch of each program: built by the disburser on the first day paid,
        approved by the fund manager, the bank file exported and sent, the bank's return
        (everyone paid) imported, which queues the recipients' letters."""
        disburser, fund_manager = Actor(self.officers.disburser), Actor(self.officers.fund_manager)
        paid = 0
        for program in self.programs:
            first_day = (
                self._applications(S.ENROLLED, program=program)
                .values_list("paid_from", flat=True)
                .first()
            )
            with clock.pinned(first_day):
                built = payments.build(
                    disburser, program=program, county=self.county, day=first_day
                )
                batch = built.batch
                if batch is None:
                    continue
                batch = perform("approve", batch, fund_manager, {"opinion": "经审核，同意发放"})
                _content_type, _name, parts = bank_files.export(disburser, batch, "csv")
                for _part in parts:
                    pass
                batch = perform("mark_sent", batch, disburser, {})
                returned = bank_files.return_file_for(batch)
                bank_files.import_return(disburser, batch, returned)
            self.batches.append(batch)
            paid += batch.payments.filter(status=PaymentStatus.PAID).count()
        return paid

    # Helpers.

    def _applications(self, status=None, *, region: str | None = None, program=None):
        """This round's applications (this year's, in the county or in ``region`` within it),
        at ``status``, of ``program``; oldest first."""
        rows = filter_region_subtree(
            Application.objects.filter(year=self.start.year), "region", region or self.county.code
        )
        if status is not None:
            rows = rows.filter(status=status)
        if program is not None:
            rows = rows.filter(program=program)
        return rows.order_by("pk")

    def _after_posting(self, day: datetime.date) -> datetime.date:
        return day + datetime.timedelta(days=self.days + 1)

    def _stage(self, name: str, work, *arguments) -> None:
        started = time.perf_counter()
        with self.profile(name):
            rows = work(*arguments)
        result = StageResult(name, time.perf_counter() - started, rows)
        self.stages.append(result)
        self.on_stage(result)


def _all_done(results: list[RowResult], what: str) -> int:
    """How many rows were done; a refused row stops the round (it must have none)."""
    refused = [row for row in results if not row.done]
    if refused:
        raise RoundRefused(f"{what}: {len(refused)} rows refused, e.g. {refused[:3]}")
    return len(results)
