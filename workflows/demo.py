"""Demo cases moved through the real steps: migrant certificates of both kinds in every state
with notices between two townships, and reward applications at every step of the village stage."""

import datetime

from django.test.utils import override_settings

from casework import clock
from casework.eligibility import Fact
from casework.models import (
    Application,
    CertificateKind,
    Hukou,
    MigrantCertificate,
    Objection,
    Person,
    Posting,
    Program,
    Region,
)
from permissions.audit import Actor
from workflows import applications, certificates, postings
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
    "issued_too": _CONFIRMED + [("issue", False, {})],
    "revoked": _CONFIRMED + [("issue", False, {}), ("revoke", False, {})],
    "rejected": _ASKED + [("confirm_verification", True, {"confirmed": "no"})],
}
OPINIONS = {
    "verify": "经核实，户籍、婚育情况属实",
    "request_verification": "请协助核实该人员婚育情况",
    "confirm_verification": "经核对户籍档案，情况属实",
    "reject": "申报材料不全，未能核实",
    "revoke": "持证人骗取证明",
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
    with override_settings(CASEWORK_TODAY=long_ago.isoformat()):
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


def _post(actor, program, made, states, starts_on):
    ids = [a.pk for a, state in made if state in states]
    if not ids:
        return None
    village = next(a for a, state in made if state in states).region
    opened = postings.open_posting(
        actor,
        level="village",
        program=program,
        year=clock.today().year,
        region=village,
        starts_on=starts_on,
        days=program.posting_days,
        place=f"{village.name}村务公开栏",
        contact_phone="0797-5210001",
        application_ids=ids,
    )
    return opened.posting
