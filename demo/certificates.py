"""Demo migrant certificates moved through the real steps: marriage and childbearing
certificates and service certificates of 城关镇 in every state, one of each kind expired, with
a notice from the registration township (石桥镇) still unacknowledged."""

import datetime

from casework import clock
from casework.models import CertificateKind, MigrantCertificate, Person, Region
from demo.data import load
from permissions.audit import Actor
from workflows import certificates
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
# The opinion each step is signed with (demo/data/certificate_opinions.json).
OPINIONS = load("certificate_opinions.json")


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
        walk(
            certificates.apply(Actor(home_officer), _marriage(person), submit=False), path, officers
        )
    for person, path in zip(migrants, SERVICE_PATHS.values(), strict=False):
        walk(
            certificates.apply(
                Actor(home_officer), service_certificate(person, home_village), submit=False
            ),
            path,
            officers,
        )
    # Issued over three years ago, their validity has run out: the daily task expires them.
    long_ago = clock.today() - datetime.timedelta(days=3 * 366 + 30)
    with clock.pinned(long_ago):
        walk(
            certificates.apply(Actor(home_officer), _marriage(home_people[-1]), submit=False),
            MARRIAGE_PATHS["issued"],
            officers,
        )
        walk(
            certificates.apply(
                Actor(home_officer), service_certificate(migrants[-1], home_village), submit=False
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


def walk(certificate, path, officers):
    """Take ``certificate`` through the steps of ``path``, each by the township it belongs to."""
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


def service_certificate(person: Person, residence: Region) -> MigrantCertificate:
    """A service certificate application of ``person``, living at ``residence``."""
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
