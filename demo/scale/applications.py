"""Applications, with the households, persons and filings they bring (their facts, postings
and processes are in ``records``, their accounts and payments in ``payments``)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from casework.factories import synthetic_id_number, synthetic_name
from casework.models import (
    Application,
    ApplicationStatus,
    Filing,
    Household,
    Hukou,
    Person,
    Program,
    Region,
    Sex,
)
from casework.models.postings import PostingLevel
from demo.scale.city import CHUNK, CITY, City, weighted
from permissions import audit
from permissions.roles import Role

S = ApplicationStatus

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


class Plan:
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


def stage_of(status: str) -> int:
    """How far along the chain ``status`` is (ended ones count as enrolled before they ended)."""
    if status in (S.SUSPENDED, S.TERMINATED, S.REVOKED):
        return CHAIN.index(S.ENROLLED)
    return CHAIN.index(status) if status in CHAIN else -1


class Applications(City):
    """Applications from every village over the years, with everything each one brings."""

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
            program = self.programs[weighted(rng, PROGRAM_SHARES)]
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
                status = weighted(rng, THIS_YEAR if year == self.year else EARLIER_YEARS)
            plan = Plan(
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

    def _application(self, plan: "Plan") -> Application:
        """An unsaved stand-in of the application written, for its audit entry's description."""
        application = Application(id=plan.id, program=plan.program, year=plan.year)
        Application.applicant.field.set_cached_value(
            application, Person(id=plan.applicant[0], name=plan.applicant[2])
        )
        return application

    def _place(self, plan: "Plan") -> None:
        """Filing and payment dates of a recipient; the reason of an ended one."""
        status = plan.status
        if stage_of(status) < CHAIN.index(S.ENROLLED):
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
