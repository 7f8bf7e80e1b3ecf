"""Demo rural reward applications moved through the real steps, in every state of the
chain: at the village (visited, appraised, deferred, rejected, on an open posting with an
objection), at the township and the county, and recipients filed in past years up to their
annual review, termination and revocation."""

import datetime
from dataclasses import dataclass

from casework import clock
from casework.eligibility import Fact
from casework.models import (
    Application,
    ApplicationStatus,
    Hukou,
    Objection,
    Person,
    Posting,
    Program,
)
from casework.models.applications import ALL_CHECKS, VisitCheck
from permissions.audit import Actor
from workflows import applications, postings, recipients
from workflows.transitions import perform

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
    "checklist": list(ALL_CHECKS),
    "opinion": "入户核实，情况属实",
}
# What the county's inspector does on a recheck: fewer checks than the village's visit.
RECHECKED = [
    VisitCheck.ASK_APPLICANT,
    VisitCheck.SEE_HUKOU,
    VisitCheck.SEE_ID_CARD,
    VisitCheck.VISIT_NEIGHBOURS,
]
# Who a village's appraisal meeting invites, and what its minutes record.
MEETING = {
    "attendees": "村两委成员、村民代表、老党员、老干部、同龄村民",
    "minutes": (
        "村党支部书记主持，村委会逐户介绍申请人家庭情况和入户核实结果；"
        "与会人员逐一发表意见，同龄村民和老党员证实申请人子女情况属实。"
        "经举手表决，同意的申请报乡镇审核，情况不清的暂缓，待核实后再议。"
    ),
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
            attendees_by_kind={
                "representatives": 9,
                "party_members": 5,
                "old_cadres": 3,
                "peers": 4,
            },
            **MEETING,
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
                attendees_by_kind={
                    "representatives": 8,
                    "party_members": 4,
                    "old_cadres": 3,
                    "peers": 4,
                },
                **MEETING,
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
        recheck = {
            **VISIT,
            "visited_on": day.isoformat(),
            "checklist": RECHECKED,
            "opinion": "县级复核入户，情况属实",
        }
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
