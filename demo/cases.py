"""Demo cases moved through the real steps: migrant certificates of both kinds in every state
with notices between two townships, and reward applications in every state of the chain, from
the village stage to the recipients' annual review, termination and revocation; and the
recipients' payments: bank accounts, last year's batch closed, this year's open; and two-illegal
enforcement cases in every state, with last year's closed for the yearly report."""

import datetime
import heapq
import random
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from casework import clock
from casework.eligibility import Fact
from casework.factories import synthetic_id_number
from casework.models import (
    Application,
    ApplicationStatus,
    CertificateKind,
    EnforcementCase,
    Hukou,
    MigrantCertificate,
    Objection,
    PaymentBatch,
    PaymentStatus,
    Person,
    Posting,
    Program,
    Region,
)
from permissions.audit import Actor
from workflows import (
    applications,
    bank_files,
    case_decisions,
    case_files,
    cases,
    certificates,
    payments,
    postings,
    recipients,
)
from workflows.transitions import perform

# The steps that bring a fresh application to each demo state: (step, by the registration
# township?, extra data). A marriage certificate is verified by its own (registration) township;
# a service certificate for a migrant from another township asks that township first.
MARRIAGE_PATHS = {
    "draft": [],
    "submitted": [("submit", False, {})],
    "verified": [("submit", False, {}), ("verify", False, {})],
    "issued": [("submit", False, {}), ("verify", False, {}), ("issue", False, {})],
    "revoked": [
        ("submit", False, {}),
        ("verify", False, {}),
        ("issue", False, {}),
        ("revoke", False, {}),
    ],
    "rejected": [("submit", False, {}), ("reject", False, {})],
}
_ASKED = [("submit", False, {}), ("request_verification", False, {})]
_CONFIRMED = _ASKED + [("confirm_verification", True, {"confirmed": "yes"})]
SERVICE_PATHS = {
    "draft": [],
    "submitted": [("submit", False, {})],
    "awaiting_verification": _ASKED,
    "verified": _CONFIRMED,
    "issued": _CONFIRMED + [("issue", False, {})],
    # Renewed on the spot: its first certificate is superseded by the new one.
    "issued_too": _CONFIRMED + [("issue", False, {}), ("renew", False, {})],
    "revoked": _CONFIRMED + [("issue", False, {}), ("revoke", False, {})],
    "rejected": _ASKED + [("confirm_verification", True, {"confirmed": "no"})],
}
OPINIONS = {
    "verify": "经核实，户籍、婚育情况属实",
    "request_verification": "请协助核实该人员婚育情况",
    "confirm_verification": "经核对户籍档案，情况属实",
    "reject": "申报材料不全，未能核实",
    "revoke": "持证人骗取证明",
    "renew": "持证人申请换发",
}


def load_demo_certificates(
    home_officer, other_officer, home_township: str, other_township: str
) -> int:
    """Certificates of 城关镇 (``home_township``) in every state: marriage certificates for its
    own people, service certificates for migrants registered in 石桥镇 (``other_township``),
    one of each kind expired, and notices between the two townships still unacknowledged."""
    home_people = _people(home_township, 10)
    migrants = _people(other_township, 10)
    home_village = home_people[0].region
    officers = (home_officer, other_officer)
    for person, path in zip(home_people, MARRIAGE_PATHS.values(), strict=False):
        _walk(
            certificates.apply(Actor(home_officer), _marriage(person), submit=False), path, officers
        )
    for person, path in zip(migrants, SERVICE_PATHS.values(), strict=False):
        _walk(
            certificates.apply(Actor(home_officer), _service(person, home_village), submit=False),
            path,
            officers,
        )
    # Issued over three years ago, their validity has run out: the daily task expires them.
    long_ago = clock.today() - datetime.timedelta(days=3 * 366 + 30)
    with clock.pinned(long_ago):
        _walk(
            certificates.apply(Actor(home_officer), _marriage(home_people[-1]), submit=False),
            MARRIAGE_PATHS["issued"],
            officers,
        )
        _walk(
            certificates.apply(
                Actor(home_officer), _service(migrants[-1], home_village), submit=False
            ),
            SERVICE_PATHS["issued"],
            officers,
        )
    certificates.expire_due()
    # A message from the registration township, not yet acknowledged by 城关镇.
    certificates.send_feedback(
        MigrantCertificate.objects.filter(kind=CertificateKind.SERVICE, status="issued").first(),
        Actor(other_officer),
        {"topic": "returned_home", "message": "该人员已于本月返回户籍地居住"},
    )
    return MigrantCertificate.objects.count()


def _walk(certificate, path, officers):
    home_officer, other_officer = officers
    for name, by_registration_area, data in path:
        officer = other_officer if by_registration_area else home_officer
        certificate = perform(
            name, certificate, Actor(officer), {"opinion": OPINIONS.get(name, ""), **data}
        )
    return certificate


def _people(township: str, count: int) -> list[Person]:
    low, high = township[:9] + "000", township[:9] + "999"
    return list(
        # Of an age to marry and have children, all in the past.
        Person.objects.filter(
            region_id__gte=low, region_id__lte=high, birth_date__year__range=(1975, 1995)
        )
        .select_related("region")
        .order_by("id")[:count]
    )


def _marriage(person: Person) -> MigrantCertificate:
    return MigrantCertificate(
        kind=CertificateKind.MARRIAGE_CHILDBEARING,
        holder_name=person.name,
        holder_id_number=person.id_number,
        registration_region=person.region,
        registration_address=f"{person.region.name}{person.household.number if person.household else ''}号",
        residence_address="示范省示范市新城区江滨路18号",
        marital_status="married",
        married_on=datetime.date(person.birth_date.year + 24, 5, 1),
        spouse_name="杨志强",
        children=[
            {"name": "杨小春", "sex": "女", "birth_date": f"{person.birth_date.year + 26}-06-12"}
        ],
        contraception="已落实避孕措施",
    )


def _service(person: Person, residence: Region) -> MigrantCertificate:
    return MigrantCertificate(
        kind=CertificateKind.SERVICE,
        holder_name=person.name,
        holder_id_number=person.id_number,
        registration_region=person.region,
        registration_address=f"{person.region.name}",
        residence_region=residence,
        residence_address=f"{residence.name}新街8号",
        residence_since=clock.today() - datetime.timedelta(days=200),
        marital_status="unmarried",
    )


DECLARED = {
    "living_children": Fact(1, "户口簿"),
    "births_outside_policy": Fact(0, "生育情况证明"),
}
VISIT = {
    "met_in_person": "on",
    "living_children": "1",
    "children_evidence": "户口簿、村委会证明",
    "births_outside_policy": "0",
    "births_evidence": "计生档案",
    "opinion": "入户核实，情况属实",
}
# The state each elder's application is brought to, in order (fewer elders, fewer states).
PLAN = [
    "posted_objection",
    "closed_posting",
    "posted",
    "closed_posting",
    "appraised",
    "visited",
    "deferred",
    "rejected",
    "submitted",
]


def load_demo_applications(village_officer, village: str, *, with_objection: bool = True) -> int:
    """Rural reward applications of one village at every step so far: submitted, visited,
    appraised, deferred, rejected, on an open village posting (one with an open objection), and
    past a closed posting, awaiting the township."""
    program = Program.objects.get(code="rural-reward")
    today, actor = clock.today(), Actor(village_officer)
    elders = list(
        Person.objects.filter(
            region_id=village, hukou=Hukou.RURAL, birth_date__year__lte=today.year - 60
        )
        .select_related("region", "household")
        .order_by("id")[: len(PLAN)]
    )
    made = []
    for person, state in zip(elders, PLAN, strict=False):
        application = applications.apply(
            actor, Application(program=program, year=today.year, applicant=person), DECLARED
        )
        if state not in ("submitted", "rejected"):
            visit = {**VISIT, "visited_on": (today - datetime.timedelta(days=25)).isoformat()}
            application = perform("record_visit", application, actor, visit)
        if state == "rejected":
            application = perform("reject", application, actor, {"opinion": "经核实有政策外生育"})
        made.append((application, state))
    appraised = {"appraised", "posted", "posted_objection", "closed_posting"}
    meeting = {a.pk: ("agree", "") for a, state in made if state in appraised}
    meeting |= {a.pk: ("unclear", "婚史需进一步核实") for a, state in made if state == "deferred"}
    if meeting:
        applications.record_appraisal(
            actor,
            held_on=today - datetime.timedelta(days=22),
            attendees="村两委成员、村民代表、老党员",
            attendee_count=21,
            opinions=meeting,
        )
    _post(actor, program, made, {"closed_posting"}, today - datetime.timedelta(days=20))
    for posting in Posting.objects.filter(region_id=village, status="open"):
        perform("close", posting, actor, {})
    open_posting = _post(
        actor, program, made, {"posted", "posted_objection"}, today - datetime.timedelta(days=2)
    )
    if open_posting is not None and with_objection:
        target = next(a for a, state in made if state == "posted_objection")
        postings.record_objection(
            actor,
            Objection(
                entry=open_posting.entries.get(application=target),
                channel="phone",
                content="群众来电反映该户子女情况与申报不符",
                reporter_name="来电群众",
                reporter_contact="138****2266",
                received_on=today,
            ),
        )
    return len(made)


PLACES = {"village": "村务公开栏", "township": "政务公开栏", "county": "政府门户网站及公开栏"}


def _post(actor, program, made, states, starts_on):
    ids = [a.pk for a, state in made if state in states]
    if not ids:
        return None
    village = next(a for a, state in made if state in states).region
    return _open(actor, program, "village", village, clock.today().year, starts_on, ids)


def _open(actor, program, level, region, year, starts_on, ids) -> Posting | None:
    """Put up the posting of ``level`` in ``region`` for the applications ``ids`` (None: none)."""
    if not ids:
        return None
    opened = postings.open_posting(
        actor,
        level=level,
        program=program,
        year=year,
        region=region,
        starts_on=starts_on,
        days=program.posting_days,
        place=f"{region.name}{PLACES[level]}",
        contact_phone="0797-5210001",
        application_ids=ids,
    )
    return opened.posting


S = ApplicationStatus
# Where an application's history may stop on the chain above the village, in order.
STOPS = [
    S.AWAITING_TOWNSHIP,
    S.TOWNSHIP_CHECKED,
    S.AWAITING_COUNTY,
    S.RECHECKED,
    S.AWAITING_APPROVAL,
    S.APPROVED,
    S.ENROLLED,
]
# The demo states above the village: where each one's history stops before today's step
# (if any) brings it there. Recipients (the last five) were filed at the city in past years.
STOP_OF = {
    "township_checked": S.TOWNSHIP_CHECKED,
    "township_posted": S.TOWNSHIP_CHECKED,
    "deferred_at_township": S.AWAITING_TOWNSHIP,
    "withdrawn": S.AWAITING_TOWNSHIP,
    "awaiting_county": S.AWAITING_COUNTY,
    "rechecked": S.RECHECKED,
    "county_posted": S.RECHECKED,
    "awaiting_approval": S.AWAITING_APPROVAL,
    "deferred_at_county": S.AWAITING_APPROVAL,
    "approved": S.APPROVED,
    "due_for_review": S.ENROLLED,
    "reviewed": S.ENROLLED,
    "suspended": S.ENROLLED,
    "terminated": S.ENROLLED,
    "revoked": S.ENROLLED,
}
# How many years ago each recipient state was filed at the city. Filing pays from the next
# period (the calendar year for the reward), so those filed the year before last were paid for
# last year too (last period's closed batch) and had last year's annual review.
FILED_YEARS_AGO = {
    "due_for_review": 1,
    "revoked": 1,
    "reviewed": 2,
    "suspended": 2,
    "terminated": 2,
}
RECIPIENT_STATES = set(FILED_YEARS_AGO)
# One application each, in order of priority: fewer elders, fewer states.
ABOVE_THE_VILLAGE = [
    "township_posted",
    "due_for_review",
    "county_posted",
    "reviewed",
    "approved",
    "deferred_at_county",
    "revoked",
    "terminated",
    "suspended",
    "awaiting_approval",
    "deferred_at_township",
    "rechecked",
    "awaiting_county",
    "township_checked",
    "withdrawn",
    "due_for_review",
    "township_posted",
    "county_posted",
]
# Today's step of the states that end with one: (step, who signs it, its data).
TODAY = {
    "deferred_at_township": ("defer", "township", {"opinion": "户籍迁移情况待派出所核实"}),
    "withdrawn": ("withdraw", "township", {"opinion": "申请人书面申请撤回"}),
    "deferred_at_county": (
        "defer",
        "approver",
        {"opinion": "子女户籍信息与公安系统不一致，待核实"},
    ),
    "terminated": ("terminate", "approver", {"cause": "death", "opinion": "本人已病故，家属报告"}),
    "revoked": (
        "revoke",
        "approver",
        # And the amount to recover: this year's payment (added in _today).
        {"opinion": "冒用他人计生档案骗取奖励扶助", "false_steps": ["village"]},
    ),
}


@dataclass(frozen=True)
class Signers:
    """The demo officer who signs each level (separation of duties: a different one each)."""

    villages: dict  # village code -> its village officer
    township: object
    inspector: object
    approver: object
    city: object


def load_demo_chain(signers: Signers) -> int:
    """Reward applications above the village stage, in every state: at the township (checked,
    on an open township posting, deferred, withdrawn), at the county (awaiting the recheck,
    rechecked, on an open county posting, awaiting approval, deferred, approved), and
    recipients: filed last year (due for their first review this year; one revoked for fraud)
    or the year before last (paid for last year and reviewed then; this year reviewed,
    suspended by the review, or terminated). Each goes through the real steps on the days they
    would have been taken; elders already applying are left alone, and with few elders fewer
    states are built."""
    today = clock.today()
    pools = {
        code: list(
            Person.objects.filter(
                region_id=code,
                hukou=Hukou.RURAL,
                birth_date__year__lte=today.year - 60,
                applications__isnull=True,
            ).order_by("id")
        )
        for code in signers.villages
    }
    villages = list(pools)
    # Planned (elder, state) by years ago: 0 this year, 1 last year, 2 the year before last.
    planned = {0: [], 1: [], 2: []}
    for index, state in enumerate(ABOVE_THE_VILLAGE):
        ago = FILED_YEARS_AGO.get(state, 0)
        year = today.year - ago
        # Round the villages, so both have cases at every level.
        order = villages[index % len(villages) :] + villages[: index % len(villages)]
        for code in order:
            person = next((p for p in pools[code] if year - p.birth_date.year >= 60), None)
            if person is not None:
                pools[code].remove(person)
                planned[ago].append((person, state))
                break
    made = []
    for ago in (2, 1):
        year = today.year - ago
        made += _chain(signers, planned[ago], year, datetime.date(year, 9, 1))
    _last_years_reviews(signers, made, today.year - 1)
    made += _chain(signers, planned[0], today.year, today - datetime.timedelta(days=40))
    _today(signers, made)
    return len(made)


def _last_years_reviews(signers: Signers, made, year: int) -> None:
    """Last year's annual review of the recipients filed the year before (before its payment,
    by the review deadline)."""
    day = datetime.date(year, 3, 10)
    ids = [pk for pk, state in made if FILED_YEARS_AGO.get(state) == 2]
    review = {
        "reviewed_on": day.isoformat(),
        "met_in_person": "on",
        "alive": "on",
        "still_eligible": "on",
    }
    with clock.pinned(day):
        for application in Application.objects.filter(pk__in=ids).order_by("pk"):
            village = Actor(signers.villages[application.region_id])
            perform("annual_review", application, village, review)


def _chain(signers: Signers, planned, year: int, start: datetime.date) -> list:
    """Apply for each (elder, state) of ``planned`` on ``start`` and bring each application up
    the chain, a step a day and each posting for its full period, to where its state stops."""
    if not planned:
        return []
    program = Program.objects.get(code="rural-reward")
    day = start
    made = []
    with clock.pinned(day):
        for person, state in planned:
            actor = Actor(signers.villages[person.region_id])
            application = applications.apply(
                actor, Application(program=program, year=year, applicant=person), DECLARED
            )
            visit = {**VISIT, "visited_on": day.isoformat()}
            made.append((perform("record_visit", application, actor, visit).pk, state))

    def reaching(stop):
        wanted = [pk for pk, state in made if STOPS.index(STOP_OF[state]) >= STOPS.index(stop)]
        return list(Application.objects.filter(pk__in=wanted).order_by("pk"))

    day += datetime.timedelta(days=1)
    with clock.pinned(day):
        for code, officer in signers.villages.items():
            applications.record_appraisal(
                Actor(officer),
                held_on=day,
                attendees="村两委成员、村民代表、老党员",
                attendee_count=19,
                opinions={a.pk: ("agree", "") for a in reaching(STOPS[0]) if a.region_id == code},
            )
    day += datetime.timedelta(days=1)
    with clock.pinned(day):
        opened = [
            (
                officer,
                _open(
                    Actor(officer),
                    program,
                    "village",
                    officer.jurisdiction,
                    year,
                    day,
                    [a.pk for a in reaching(STOPS[0]) if a.region_id == code],
                ),
            )
            for code, officer in signers.villages.items()
        ]
    day += datetime.timedelta(days=program.posting_days)
    with clock.pinned(day):
        for officer, posting in opened:
            if posting is not None:
                perform("close", posting, Actor(officer), {})
    township, approver = Actor(signers.township), Actor(signers.approver)
    day += datetime.timedelta(days=1)
    with clock.pinned(day):
        for application in reaching(S.TOWNSHIP_CHECKED):
            perform("township_check", application, township, {"opinion": "经审核，符合条件"})
    day = _posting(township, program, year, day, [a.pk for a in reaching(S.AWAITING_COUNTY)])
    day += datetime.timedelta(days=1)
    with clock.pinned(day):
        recheck = {**VISIT, "visited_on": day.isoformat(), "opinion": "县级复核入户，情况属实"}
        for application in reaching(S.RECHECKED):
            perform("county_recheck", application, Actor(signers.inspector), recheck)
    day = _posting(approver, program, year, day, [a.pk for a in reaching(S.AWAITING_APPROVAL)])
    day += datetime.timedelta(days=1)
    with clock.pinned(day):
        for application in reaching(S.APPROVED):
            perform("approve", application, approver, {"opinion": "同意纳入奖励扶助"})
    day += datetime.timedelta(days=1)
    with clock.pinned(day):
        filed = {a.pk: a for a in reaching(S.ENROLLED)}
        if filed:
            recipients.file_applications(Actor(signers.city), filed, list(filed), "准予备案")
    return made


def _posting(actor, program, year, day, ids) -> datetime.date:
    """The posting of the actor's level (township or county) over ``ids``, from the day after
    ``day`` for its full period, closed the day after it ends; returns the day it closed."""
    level = "township" if actor.officer.jurisdiction.level == "township" else "county"
    day += datetime.timedelta(days=1)
    with clock.pinned(day):
        posting = _open(actor, program, level, actor.officer.jurisdiction, year, day, ids)
    day += datetime.timedelta(days=program.posting_days)
    with clock.pinned(day):
        if posting is not None:
            perform("close", posting, actor, {})
    return day


def _today(signers: Signers, made) -> None:
    """Today's steps: the open township and county postings, the deferrals and withdrawal,
    this year's annual reviews (one finding the recipient no longer eligible), a death and a
    fraud."""
    program = Program.objects.get(code="rural-reward")
    today = clock.today()
    by_state = {}
    for pk, state in made:
        by_state.setdefault(state, []).append(pk)
    township, approver = Actor(signers.township), Actor(signers.approver)
    for actor, level, state, days_ago in (
        (township, "township", "township_posted", 2),
        (approver, "county", "county_posted", 3),
    ):
        _open(
            actor,
            program,
            level,
            actor.officer.jurisdiction,
            today.year,
            today - datetime.timedelta(days=days_ago),
            by_state.get(state, []),
        )
    actors = {"township": township, "approver": approver}
    reviewed_on = max(today - datetime.timedelta(days=10), datetime.date(today.year, 1, 1))
    review = {
        "reviewed_on": reviewed_on.isoformat(),
        "met_in_person": "on",
        "alive": "on",
        "still_eligible": "on",
    }
    for state, ids in by_state.items():
        for application in Application.objects.filter(pk__in=ids).order_by("pk"):
            if state in TODAY:
                name, who, data = TODAY[state]
                if name == "revoke":
                    amount = program.standard_on(today).amount
                    data = {
                        **data,
                        "amount_to_recover": f"{amount:.2f}",
                        "false_since": f"{today.year}-01-01",
                    }
                perform(name, application, actors[who], data)
            elif state in ("reviewed", "suspended"):
                village = Actor(signers.villages[application.region_id])
                unfit = {"still_eligible": "", "opinion": "本人已迁出本县，待核实"}
                data = {**review, **unfit} if state == "suspended" else review
                perform("annual_review", application, village, data)


# Payments. The demo pays the rural reward: its periods are calendar years, so last period is
# last year, paid to the recipients filed the year before last, and this period is this year
# (on any day of the year, unlike months, whose batches need recipients filed some months ago).
BANK = "示范农村商业银行城关支行"
# Recipients, and a few applicants near the end of the chain, whose accounts are on record.
WITH_ACCOUNTS = [S.ENROLLED, S.SUSPENDED, S.TERMINATED, S.REVOKED, S.APPROVED, S.AWAITING_APPROVAL]


@dataclass(frozen=True)
class Payers:
    """The county's disbursement officer (builds, exports, imports, closes) and fund manager
    (approves): neither signed any eligibility step, nor may one do the other's part."""

    disburser: object
    fund_manager: object


def load_demo_accounts(disburser, county: Region, seed: int = 2026) -> int:
    """Bank accounts of the county's recipients, recorded the day after their filing, and of
    the applicants awaiting approval or filing, recorded today, except one recipient filed
    last year: this year's batch leaves them out (a skipped row). Returns how many."""
    rng = random.Random(seed)
    people = list(
        _in_county(Application.objects, county)
        .filter(program__code="rural-reward", status__in=WITH_ACCOUNTS)
        .select_related("applicant", "filing")
        .order_by("pk")
    )
    this_year = datetime.date(clock.today().year, 1, 1)
    new_recipients = [a for a in people if a.status == S.ENROLLED and a.paid_from == this_year]
    without = new_recipients[-1].pk if new_recipients else None
    recorded = 0
    for application in people:
        if application.pk == without:
            continue
        day = clock.today()
        if application.filing is not None:
            day = min(day, application.filing.filed_on + datetime.timedelta(days=1))
        with clock.pinned(day):
            payments.record_bank_account(
                Actor(disburser),
                application.applicant,
                BANK,
                f"621799{rng.randrange(10**13):013d}",
            )
        recorded += 1
    return recorded


def _in_county(queryset, county: Region):
    return queryset.filter(region_id__gte=county.code, region_id__lte=county.code[:6] + "999999")


def load_demo_last_period(payers: Payers, county: Region) -> PaymentBatch | None:
    """Last year's batch of the rural reward, built in June, approved by the fund manager, its
    bank file exported and sent; the bank's return is :func:`settle_demo_batch`. None when no
    recipient was paid from last year.

    The rural reward rather than a monthly special-assistance program: its period is the
    calendar year, so last period's recipients (filed the year before last, see
    ``FILED_YEARS_AGO``) and this period's exist on any day of the year, with no second chain
    of facts for the special programs."""
    program = Program.objects.get(code="rural-reward")
    year = clock.today().year - 1
    disburser, fund_manager = Actor(payers.disburser), Actor(payers.fund_manager)
    with clock.pinned(datetime.date(year, 6, 1)):
        batch = payments.build(disburser, program=program, county=county, day=clock.today()).batch
    if batch is None:
        return None
    with clock.pinned(datetime.date(year, 6, 3)):
        batch = perform("approve", batch, fund_manager, {"opinion": "经审核，同意发放"})
    with clock.pinned(datetime.date(year, 6, 5)):
        _content_type, _name, chunks = bank_files.export(disburser, batch, "csv")
        for _chunk in chunks:
            pass
        batch = perform("mark_sent", batch, disburser, {})
    return batch


def settle_demo_batch(payers: Payers, batch: PaymentBatch) -> PaymentBatch:
    """The bank's return of a sent batch a week later (every payment made but one, to a closed
    account), then the batch closed; the paid recipients' letters are queued for the worker."""
    disburser = Actor(payers.disburser)
    day = batch.period_start.replace(month=6, day=12)
    failed = batch.payments.filter(status=PaymentStatus.PENDING).order_by("-pk").first()
    data = bank_files.return_file_for(batch, {failed.reference: "账户已销户"})
    with clock.pinned(day):
        bank_files.import_return(disburser, batch, data)
    with clock.pinned(day + datetime.timedelta(days=3)), transaction.atomic():
        batch = PaymentBatch.objects.get(pk=batch.pk)
        return perform("close", batch, disburser, {})


def load_demo_this_period(payers: Payers, county: Region) -> PaymentBatch | None:
    """This year's batch, built and approved today: open, waiting for its bank file. The
    recipient without an account on record is left out."""
    program = Program.objects.get(code="rural-reward")
    with transaction.atomic():
        built = payments.build(
            Actor(payers.disburser), program=program, county=county, day=clock.today()
        )
        if built.batch is None:
            return None
        return perform(
            "approve", built.batch, Actor(payers.fund_manager), {"opinion": "经审核，同意发放"}
        )


# Two-illegal (两非) enforcement cases. Every case goes through the real steps, each on the
# (working) day it would have been taken: the clue recorded by an investigator (who is
# assigned to it), the registration proposed and decided by the case approver (who is never
# assigned), the file (parties, evidence, chronology), the measures, their approval (signed
# penalty decisions), their execution and closing (a signed closing report).
@dataclass(frozen=True)
class CaseOfficers:
    """The county's two investigators and its case approver, who decides on what they propose."""

    investigators: tuple
    approver: object


@dataclass(frozen=True)
class Party:
    """A party of a demo case with the measures proposed against it: (kind, illegal gains,
    amount, facts and grounds), the yuan as text."""

    name: str
    role: str
    id_number: str
    medical: bool = False
    licence: str = ""
    employer: str = ""
    public: bool = False
    outside: bool = False
    measures: tuple = ()


@dataclass(frozen=True)
class DemoCase:
    region: str
    source: str
    subject: str
    summary: str
    parties: tuple = ()
    evidence: tuple = ()  # (kind, description)
    actions: tuple = ()  # what the investigators did, in order
    informant: tuple = ("", "")  # (name, contact)


def _person(name, role, born, sequence, *, male=True, county="360921", **flags) -> dict:
    """The fields of a person party: a valid synthetic ID number of ``county`` (another county
    for a party from outside)."""
    number = synthetic_id_number(county, datetime.date(*born), sequence, male=male)
    return {"name": name, "role": role, "id_number": number, **flags}


GAINS_SMALL = "《中华人民共和国人口与计划生育法》第三十九条：违法所得不足一万元的，处一万元以上三万元以下的罚款"
SEX_ID = "为他人进行非医学需要的胎儿性别鉴定"
# Last year's cases, one received each month from January to October, all closed in the year.
LAST_YEARS_CASES = [
    DemoCase(
        "360921100000",
        "hotline",
        "城关镇建华诊所及其负责人刘建华",
        "举报人称城关镇建华诊所利用B超为孕妇鉴定胎儿性别，每次收费300元。",
        parties=(
            Party(
                **_person("刘建华", "medical_staff", (1971, 4, 12), 1),
                medical=True,
                licence="110360921000123",
                employer="城关镇建华诊所",
                measures=(
                    ("confiscation", "1200", "1200", f"{SEX_ID}四次，违法所得1200元"),
                    ("fine", "1200", "20000", f"{SEX_ID}四次。{GAINS_SMALL}"),
                    (
                        "licence_revocation",
                        "",
                        "",
                        "医师为他人进行非医学需要的胎儿性别鉴定，情节严重",
                    ),
                ),
            ),
        ),
        evidence=(
            ("interview", "刘建华询问笔录"),
            ("inspection", "建华诊所现场检查笔录"),
            ("physical", "B超机及检查登记本照片"),
        ),
        actions=("到建华诊所现场检查，查封B超机一台", "询问当事人刘建华及两名就诊孕妇"),
        informant=("匿名", "13907970001"),
    ),
    DemoCase(
        "360921101000",
        "public_tip",
        "介绍孕妇到外地鉴定胎儿性别的中介黄某、陈某",
        "群众反映有人在石桥镇集市招揽孕妇，带往外地做胎儿性别鉴定。",
        parties=(
            Party(
                **_person("黄志强", "intermediary", (1983, 9, 3), 2, county="360922"),
                outside=True,
                measures=(
                    (
                        "police_referral",
                        "",
                        "",
                        "多次组织孕妇进行非医学需要的胎儿性别鉴定，涉嫌犯罪",
                    ),
                ),
            ),
            Party(
                **_person("陈秀英", "intermediary", (1979, 2, 21), 3, male=False),
                measures=(
                    ("confiscation", "800", "800", "介绍孕妇进行胎儿性别鉴定，获取介绍费800元"),
                    (
                        "fine",
                        "800",
                        "10000",
                        f"介绍他人进行非医学需要的胎儿性别鉴定。{GAINS_SMALL}",
                    ),
                ),
            ),
        ),
        evidence=(
            ("interview", "陈秀英询问笔录"),
            ("document", "微信聊天记录截图"),
            ("audio_video", "集市招揽现场录像"),
        ),
        actions=("在石桥镇集市蹲守，查获陈秀英招揽孕妇", "询问陈秀英，查明上线黄志强"),
        informant=("王丽", "13907970002"),
    ),
    DemoCase(
        "360921102000",
        "health",
        "清溪镇卫生院医生赵德明",
        "县卫健委转来线索：清溪镇卫生院B超室医生私下向孕妇透露胎儿性别。",
        parties=(
            Party(
                **_person("赵德明", "medical_staff", (1976, 11, 5), 4),
                medical=True,
                licence="110360921000456",
                employer="清溪镇卫生院",
                public=True,
                measures=(
                    ("warning", "", "", "在B超检查中向孕妇透露胎儿性别，未收取费用"),
                    ("discipline_referral", "", "", "事业单位工作人员违反计划生育法律规定"),
                ),
            ),
        ),
        evidence=(("interview", "赵德明询问笔录"), ("document", "卫生院B超检查登记簿复印件")),
        actions=("调取清溪镇卫生院B超检查登记簿", "询问赵德明及卫生院负责人"),
    ),
    DemoCase(
        "360921200000",
        "inspection",
        "无证流动B超操作人员周海燕",
        "专项检查中发现白沙乡有人携带便携式B超上门为孕妇鉴定胎儿性别。",
        parties=(
            Party(
                **_person("周海燕", "suspect", (1985, 6, 17), 5, male=False, county="431022"),
                outside=True,
                measures=(
                    (
                        "confiscation",
                        "3500",
                        "3500",
                        "携带便携式B超上门鉴定胎儿性别，违法所得3500元",
                    ),
                    ("police_referral", "", "", "非法行医并进行非医学需要的胎儿性别鉴定，涉嫌犯罪"),
                ),
            ),
        ),
        evidence=(
            ("inspection", "白沙乡现场检查笔录"),
            ("physical", "便携式B超机一台（已扣押）照片"),
            ("interview", "周海燕询问笔录"),
        ),
        actions=("会同派出所在白沙乡当场查获，扣押便携式B超机", "询问周海燕并移交派出所"),
    ),
    DemoCase(
        "360921201000",
        "inspection",
        "松林乡康健大药房",
        "专项检查中发现该药房无处方销售终止妊娠药品米非司酮。",
        parties=(
            Party(
                "松林乡康健大药房",
                "institution",
                "92360921MA35KJ2X1B",
                measures=(
                    ("fine", "600", "15000", f"无处方销售终止妊娠药品。{GAINS_SMALL}"),
                    ("confiscation", "600", "600", "销售终止妊娠药品违法所得600元"),
                ),
            ),
        ),
        evidence=(("inspection", "康健大药房现场检查笔录"), ("document", "药品购销记录复印件")),
        actions=("检查康健大药房，清点终止妊娠药品", "调取购销记录，询问药房负责人"),
    ),
    DemoCase(
        "360921202000",
        "public_tip",
        "云岭乡乡村医生孙建国",
        "村民反映乡村医生孙建国为孕妇介绍胎儿性别鉴定。",
        parties=(
            Party(
                **_person("孙建国", "medical_staff", (1968, 3, 30), 6),
                medical=True,
                licence="乡村医生证360921202015",
                employer="云岭乡东风村卫生室",
                measures=(("warning", "", "", "向孕妇介绍胎儿性别鉴定场所，未获利，情节轻微"),),
            ),
        ),
        evidence=(("interview", "孙建国询问笔录"), ("interview", "知情村民证言")),
        actions=("走访东风村知情村民", "询问孙建国"),
        informant=("李春兰", "13907970006"),
    ),
    DemoCase(
        "360921100000",
        "police",
        "城关镇仁和医院及其B超医生吴晓东",
        "县公安局移送线索：仁和医院B超医生吴晓东长期为孕妇鉴定胎儿性别。",
        parties=(
            Party(
                "城关镇仁和医院",
                "institution",
                "52360921MJ35RH8X2C",
                measures=(
                    (
                        "confiscation",
                        "16000",
                        "16000",
                        "医院B超室为孕妇鉴定胎儿性别，违法所得16000元",
                    ),
                    (
                        "fine",
                        "16000",
                        "48000",
                        "违法所得一万元以上的，处违法所得二倍以上六倍以下的罚款",
                    ),
                ),
            ),
            Party(
                **_person("吴晓东", "medical_staff", (1980, 8, 8), 7, county="360922"),
                medical=True,
                licence="110360922000789",
                employer="城关镇仁和医院",
                outside=True,
                measures=(
                    ("licence_revocation", "", "", "医师多次进行非医学需要的胎儿性别鉴定"),
                    ("police_referral", "", "", "多次鉴定胎儿性别，情节严重，涉嫌非法行医罪"),
                ),
            ),
        ),
        evidence=(
            ("document", "公安机关移送函"),
            ("interview", "吴晓东询问笔录"),
            ("document", "仁和医院收费记录"),
            ("audio_video", "B超室监控录像"),
        ),
        actions=(
            "接收公安机关移送材料",
            "检查仁和医院B超室，调取监控和收费记录",
            "询问吴晓东及医院负责人",
        ),
    ),
    DemoCase(
        "360921101000",
        "hotline",
        "县外医院护士郑桂芳",
        "热线举报：邻县人民医院护士郑桂芳回石桥镇为亲友联系胎儿性别鉴定。",
        parties=(
            Party(
                **_person("郑桂芳", "medical_staff", (1987, 12, 1), 8, male=False, county="360922"),
                medical=True,
                employer="示范市邻县人民医院",
                public=True,
                outside=True,
                measures=(
                    ("warning", "", "", "为他人联系非医学需要的胎儿性别鉴定"),
                    ("discipline_referral", "", "", "公立医院工作人员违反计划生育法律规定"),
                ),
            ),
        ),
        evidence=(("interview", "郑桂芳询问笔录"), ("document", "通话记录")),
        actions=("函询郑桂芳所在单位", "询问郑桂芳"),
    ),
    DemoCase(
        "360921100000",
        "media",
        "网络发布胎儿性别鉴定广告的何文华",
        "媒体报道有人在本县网络群组发布“包生男孩”“验血查性别”广告。",
        parties=(
            Party(
                **_person("何文华", "intermediary", (1990, 5, 14), 9),
                measures=(
                    ("confiscation", "2000", "2000", "发布胎儿性别鉴定广告，收取介绍费2000元"),
                    (
                        "fine",
                        "2000",
                        "12000",
                        f"介绍他人进行非医学需要的胎儿性别鉴定。{GAINS_SMALL}",
                    ),
                ),
            ),
        ),
        evidence=(("document", "网络广告截图"), ("interview", "何文华询问笔录")),
        actions=("固定网络广告证据", "约谈并询问何文华"),
    ),
    DemoCase(
        "360921102000",
        "police",
        "清溪镇惠民诊所及非法行医人员林国庆",
        "公安机关通报：林国庆在惠民诊所为孕妇实施选择性别的人工终止妊娠。",
        parties=(
            Party(
                **_person("林国庆", "suspect", (1974, 1, 9), 10),
                measures=(
                    ("police_referral", "", "", "非法为他人施行选择性别的人工终止妊娠，涉嫌犯罪"),
                ),
            ),
            Party(
                "清溪镇惠民诊所",
                "institution",
                "92360921MA35HM3X4D",
                measures=(
                    (
                        "confiscation",
                        "5000",
                        "5000",
                        "提供场所实施选择性别终止妊娠，违法所得5000元",
                    ),
                    ("fine", "5000", "25000", f"为选择性别的人工终止妊娠提供场所。{GAINS_SMALL}"),
                ),
            ),
        ),
        evidence=(
            ("document", "公安机关通报材料"),
            ("inspection", "惠民诊所现场检查笔录"),
            ("interview", "诊所负责人询问笔录"),
        ),
        actions=("检查惠民诊所手术室及药品", "询问诊所负责人", "配合公安机关调查林国庆"),
    ),
]


# Cases in progress, one per state (and the variants of some), from a clue received yesterday to
# a case closed and reopened: (where it stops, days before today it was received, the case).
def _go_between(name, born, sequence, *, male=False, fee="1500") -> Party:
    """An intermediary who took a fee for introducing pregnant women to sex identification."""
    return Party(
        **_person(name, "intermediary", born, sequence, male=male),
        measures=(
            ("confiscation", fee, fee, f"介绍孕妇进行胎儿性别鉴定，获取介绍费{fee}元"),
            ("fine", fee, "15000", f"介绍他人进行非医学需要的胎儿性别鉴定。{GAINS_SMALL}"),
        ),
    )


def _clinic_doctor(name, born, sequence, clinic, licence) -> Party:
    """A clinic doctor who hinted at the sex of the foetus during B-ultrasound checks."""
    return Party(
        **_person(name, "medical_staff", born, sequence),
        medical=True,
        licence=licence,
        employer=clinic,
        measures=(
            ("warning", "", "", "诊所B超检查登记不全，向孕妇暗示胎儿性别"),
            ("fine", "900", "10000", f"{SEX_ID}。{GAINS_SMALL}"),
        ),
    )


_EVIDENCE = (("interview", "当事人询问笔录"), ("inspection", "现场检查笔录"))
_ACTIONS = ("现场检查，固定证据", "询问当事人")


def _in_progress(region, source, subject, summary, *parties) -> DemoCase:
    return DemoCase(region, source, subject, summary, parties, _EVIDENCE, _ACTIONS)


CASES_IN_PROGRESS = [
    (
        "clue",
        1,
        _in_progress(
            "360921100000",
            "hotline",
            "城关镇某母婴店店主",
            "举报母婴店代收孕妇血样寄往外地验性别。",
        ),
    ),
    (
        "returned",
        8,
        _in_progress(
            "360921201000", "public_tip", "松林乡流动B超车", "群众反映有流动B超车在松林乡出没。"
        ),
    ),
    (
        "registration_proposed",
        3,
        _in_progress(
            "360921101000", "inspection", "石桥镇爱婴诊所", "检查发现诊所B超登记本缺页，去向不明。"
        ),
    ),
    (
        "decline_proposed",
        3,
        _in_progress(
            "360921202000", "public_tip", "云岭乡某村民", "举报内容为邻里传言，无具体人员和事实。"
        ),
    ),
    (
        "declined",
        20,
        _in_progress(
            "360921102000", "media", "网传清溪镇“神医”", "网帖称清溪镇有“神医”号脉辨男女。"
        ),
    ),
    (
        "registered",
        25,
        _in_progress(
            "360921200000",
            "hotline",
            "白沙乡中介邓春兰",
            "举报邓春兰介绍孕妇到外地鉴定胎儿性别。",
            _go_between("邓春兰", (1982, 7, 7), 11),
        ),
    ),
    (
        "overdue",
        110,
        _in_progress(
            "360921100000",
            "police",
            "城关镇中介潘伟",
            "公安机关移送：潘伟组织孕妇到邻县鉴定胎儿性别。",
            Party(
                **_person("潘伟", "suspect", (1986, 4, 2), 13, county="360922"),
                outside=True,
                measures=(("police_referral", "", "", "组织孕妇跨县鉴定胎儿性别，涉嫌犯罪"),),
            ),
        ),
    ),
    (
        "extended",
        100,
        _in_progress(
            "360921101000",
            "health",
            "石桥镇曹明诊所",
            "县卫健委转来：诊所医生曹明涉嫌鉴定胎儿性别。",
            _clinic_doctor("曹明", (1978, 10, 20), 12, "石桥镇曹明诊所", "110360921000321"),
        ),
    ),
    (
        "decision_proposed",
        44,
        _in_progress(
            "360921200000",
            "public_tip",
            "白沙乡康宁诊所医生冯国强",
            "群众举报诊所B超鉴定胎儿性别。",
            _clinic_doctor("冯国强", (1973, 2, 14), 14, "白沙乡康宁诊所", "110360921000654"),
        ),
    ),
    (
        "decided",
        50,
        _in_progress(
            "360921102000",
            "hotline",
            "清溪镇中介谢玉兰",
            "举报谢玉兰在清溪镇招揽孕妇鉴定胎儿性别。",
            _go_between("谢玉兰", (1977, 3, 8), 15, fee="2400"),
        ),
    ),
    (
        "partly_executed",
        64,
        _in_progress(
            "360921201000",
            "inspection",
            "松林乡中介袁海及仁心诊所医生蒋文",
            "专项检查发现中介带孕妇到诊所鉴定胎儿性别。",
            _go_between("袁海", (1984, 12, 3), 16, male=True),
            _clinic_doctor("蒋文", (1981, 6, 26), 17, "松林乡仁心诊所", "110360921000987"),
        ),
    ),
    (
        "closing_proposed",
        66,
        _in_progress(
            "360921202000",
            "public_tip",
            "云岭乡中介龚桂英",
            "举报龚桂英介绍孕妇鉴定胎儿性别。",
            _go_between("龚桂英", (1975, 9, 19), 18, fee="600"),
        ),
    ),
    (
        "closed",
        75,
        _in_progress(
            "360921100000",
            "inspection",
            "城关镇安康诊所医生董建华",
            "检查发现诊所违规开展B超，向孕妇暗示胎儿性别。",
            _clinic_doctor("董建华", (1969, 8, 1), 19, "城关镇安康诊所", "110360921000246"),
        ),
    ),
    (
        "reopened",
        85,
        _in_progress(
            "360921101000",
            "public_tip",
            "石桥镇中介韩秀兰",
            "举报韩秀兰介绍孕妇鉴定胎儿性别。",
            _go_between("韩秀兰", (1980, 1, 23), 20),
        ),
    ),
]

# The days after the clue was received that each step is taken (then back to a working day).
PROPOSE, REGISTER, FILE, INQUIRY, MEASURES, APPROVE, EXECUTE = 2, 4, 6, 20, 40, 45, 60
PROPOSE_CLOSING, CLOSE, EXTEND, REOPEN = 62, 65, 84, 75


def _working_day(day: datetime.date) -> datetime.date:
    """The day, or the Friday before when it falls on a weekend."""
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _evidence_pdf(note: str) -> bytes:
    """A tiny valid one-page PDF (a blank page) standing in for a scanned record."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n% " + note.encode("ascii") + b"\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return bytes(out)


def _case_script(officers: CaseOfficers, spec: DemoCase, stop: str, received, lead):
    """A generator taking one case through the real steps up to ``stop``: it yields the day of
    each next step, and the scheduler runs the step with the clock pinned to that day."""
    investigator, approver = Actor(lead), Actor(officers.approver)

    def on(offset):
        return _working_day(received + datetime.timedelta(days=offset))

    yield received
    case = cases.record_clue(
        investigator,
        EnforcementCase(
            region_id=spec.region,
            source=spec.source,
            received_on=received,
            subject=spec.subject,
            summary=spec.summary,
        ),
        {"name": spec.informant[0], "contact": spec.informant[1]},
    )
    if stop == "clue":
        return
    yield on(PROPOSE)
    declining = stop in ("decline_proposed", "declined")
    if declining:
        opinion = "经初步核查，举报事项无事实依据，建议不予立案"
        case = perform("propose_decline", case, investigator, {"opinion": opinion})
        if stop == "declined":
            yield on(REGISTER)
            perform("decline", case, approver, {"opinion": "同意不予立案"})
        return
    opinion = "经初步核查，涉嫌违反人口与计划生育法律规定，建议立案调查"
    case = perform("propose_registration", case, investigator, {"opinion": opinion})
    if stop == "returned":
        yield on(PROPOSE + 1)
        perform("return", case, approver, {"opinion": "线索不具体，请补充核查后再提请"})
        return
    if stop == "registration_proposed":
        return
    yield on(REGISTER)
    team = [officer.pk for officer in officers.investigators]
    case = perform("register", case, approver, {"investigators": team, "opinion": "同意立案"})
    yield on(FILE)
    for party in spec.parties:
        case_files.add_party(investigator, case, _party_data(party))
    for index, (kind, description) in enumerate(spec.evidence[:1]):
        _add_evidence(investigator, case, index, kind, description, on(FILE))
    case_files.add_action(investigator, case, on(FILE), spec.actions[0])
    yield on(INQUIRY)
    for index, (kind, description) in enumerate(spec.evidence[1:], start=1):
        _add_evidence(investigator, case, index, kind, description, on(INQUIRY))
    for action in spec.actions[1:]:
        case_files.add_action(investigator, case, on(INQUIRY), action)
    if stop == "overdue":
        return
    if stop == "extended":
        yield on(EXTEND)
        opinion = "当事人在外地务工，需进一步调查取证，延长办案期限"
        perform("extend_deadline", case, approver, {"opinion": opinion})
        return
    if stop == "registered":
        return
    yield on(MEASURES)
    parties = {party.name: party for party in case.parties.all()}
    for party in spec.parties:
        for kind, gains, amount, grounds in party.measures:
            data = {"party": parties[party.name].pk, "kind": kind, "grounds": grounds}
            data.update({"illegal_gains": gains, "amount": amount})
            case_decisions.propose_measure(investigator, case, data)
    case = perform("propose_decision", case, investigator, {})
    if stop == "decision_proposed":
        return
    yield on(APPROVE)
    case = perform("approve_decision", case, approver, {"opinion": "同意"})
    if stop == "decided":
        return
    yield on(EXECUTE)
    decisions = list(case.dispositions.order_by("pk"))
    if stop == "partly_executed":
        decisions = decisions[:1]
    for decision in decisions:
        data = {
            "disposition": decision.pk,
            "executed_on": on(EXECUTE).isoformat(),
            "note": EXECUTED[decision.kind],
        }
        case = perform("record_execution", case, investigator, data)
    if stop == "partly_executed":
        return
    yield on(PROPOSE_CLOSING)
    report = f"{spec.subject}一案，经调查终结，处理决定已全部执行完毕，建议结案。"
    case = perform("propose_closing", case, investigator, {"opinion": report})
    if stop == "closing_proposed":
        return
    yield on(CLOSE)
    case = perform("close", case, approver, {"opinion": "同意结案"})
    if stop == "reopened":
        yield on(REOPEN)
        opinion = "公安机关反馈当事人另有违法事实，重新调查"
        case = perform("reopen", case, approver, {"opinion": opinion})


EXECUTED = {
    "warning": "已当面送达警告决定",
    "fine": "罚款已缴入指定银行",
    "confiscation": "违法所得已没收上缴国库",
    "licence_revocation": "执业证书已收回注销",
    "police_referral": "公安机关已出具接收回执",
    "discipline_referral": "纪检监察机关已回函受理",
}


def _party_data(party: Party) -> dict:
    return {
        "name": party.name,
        "role": party.role,
        "id_number": party.id_number,
        "is_medical_staff": "on" if party.medical else "",
        "licence_number": party.licence,
        "employer": party.employer,
        "public_employee": "on" if party.public else "",
        "from_outside": "on" if party.outside else "",
    }


def _add_evidence(actor, case, index, kind, description, day):
    upload = SimpleUploadedFile(
        f"evidence-{index}.pdf",
        _evidence_pdf(f"casework demo evidence, case {case.pk}, item {index}"),
        content_type="application/pdf",
    )
    return case_files.add_evidence(actor, case, upload, kind, description, day.isoformat())


def load_demo_cases(officers: CaseOfficers) -> dict[str, int]:
    """Two-illegal cases: last year's, one received each month from January to October, all
    closed in the year (the yearly report's), and cases in progress in every state (one past
    its decision deadline, one with it extended, decisions executed and not, one closed and
    reopened). The steps of all cases are taken in date order (so case numbers follow the
    registration days); returns how many cases of last year and in progress were built."""
    today = clock.today()
    last_year = today.year - 1
    scripts = []
    for index, spec in enumerate(LAST_YEARS_CASES):
        received = _working_day(datetime.date(last_year, index % 10 + 1, 6 + index % 3 * 5))
        lead = officers.investigators[index % 2]
        scripts.append(_case_script(officers, spec, "closed", received, lead))
    for index, (stop, days_ago, spec) in enumerate(CASES_IN_PROGRESS):
        received = _working_day(today - datetime.timedelta(days=days_ago))
        lead = officers.investigators[(index + 1) % 2]
        scripts.append(_case_script(officers, spec, stop, received, lead))
    _chronologically(scripts)
    return {"cases": len(scripts), "closed_cases_last_year": len(LAST_YEARS_CASES)}


def _chronologically(scripts) -> None:
    """Run the scripts' steps in the order of their days, each on its day."""
    waiting = []
    for order, script in enumerate(scripts):
        heapq.heappush(waiting, (next(script), order, script))
    while waiting:
        day, order, script = heapq.heappop(waiting)
        with clock.pinned(day):
            following = next(script, None)
        if following is not None:
            heapq.heappush(waiting, (max(following, day), order, script))


# One couple recorded twice: the husband and the wife each hold an ID number first issued in
# another county (made-up prefixes no other demo person uses), so the refusal of a second
# application of one person does not see them and the duplicate search must.
_TWICE_RECORDED = (
    ("赵国庆", (1952, 4, 12), True),
    ("钱秀兰", (1954, 9, 3), False),
)


def load_demo_duplicate(village_officers) -> int:
    """The same synthetic couple applying in two villages, one village officer each, under two
    sets of ID numbers; returns the number of applications made."""
    program = Program.objects.get(code="rural-reward")
    year = clock.today().year
    for index, officer in enumerate(village_officers):
        village = officer.jurisdiction
        husband, wife = (
            Person.objects.create(
                name=name,
                region=village,
                hukou=Hukou.RURAL,
                id_number=synthetic_id_number(
                    f"36092{3 + index}", datetime.date(*born), 461, male=male
                ),
            )
            for name, born, male in _TWICE_RECORDED
        )
        applications.apply(
            Actor(officer),
            Application(program=program, year=year, applicant=husband, spouse=wife),
            DECLARED,
        )
    return len(village_officers)
