"""Demo two-illegal enforcement cases moved through the real steps: last year's, all
closed (the yearly report's), and cases in progress in every state; the cases themselves are
read from demo/data/enforcement_cases.json."""

import datetime
import heapq
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from casework import clock
from casework.factories import synthetic_id_number
from casework.models import EnforcementCase
from demo.data import load
from permissions.audit import Actor
from workflows import case_decisions, case_files, cases
from workflows.transitions import perform


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


def _party(record: dict) -> Party:
    """A party of the data file; a person's ID number is a valid synthetic one of ``county``
    (another county for a party from outside), made from their birth date and sequence."""
    fields = dict(record)
    if "born" in fields:
        born = datetime.date.fromisoformat(fields.pop("born"))
        sequence, male, county = fields.pop("sequence"), fields.pop("male"), fields.pop("county")
        fields["id_number"] = synthetic_id_number(county, born, sequence, male=male)
    measures = tuple(
        (m["kind"], m["illegal_gains"], m["amount"], m["grounds"]) for m in fields.pop("measures")
    )
    return Party(**fields, measures=measures)


def _case(record: dict) -> DemoCase:
    informant = record.get("informant", {"name": "", "contact": ""})
    return DemoCase(
        region=record["region"],
        source=record["source"],
        subject=record["subject"],
        summary=record["summary"],
        parties=tuple(_party(party) for party in record["parties"]),
        evidence=tuple((item["kind"], item["description"]) for item in record["evidence"]),
        actions=tuple(record["actions"]),
        informant=(informant["name"], informant["contact"]),
    )


_CASES = load("enforcement_cases.json")
# Last year's cases, one received each month from January to October, all closed in the year.
LAST_YEARS_CASES = [_case(record) for record in _CASES["last_years_cases"]]
# Cases in progress, one per state (and the variants of some), from a clue received yesterday to
# a case closed and reopened: (where it stops, days before today it was received, the case).
CASES_IN_PROGRESS = [
    (record["stop"], record["days_ago"], _case(record["case"]))
    for record in _CASES["cases_in_progress"]
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
