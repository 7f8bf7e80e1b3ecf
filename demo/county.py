"""The demo county: regions, households and persons, and one account per role.

Built with the same factories as the tests; all names and ID numbers are synthetic.
"""

import datetime
import random

from django.db import transaction

from casework import clock
from casework.duplicates import find_duplicates
from casework.factories import (
    HouseholdFactory,
    PersonFactory,
    RegionFactory,
    synthetic_id_number,
    synthetic_name,
)
from casework.models import EnforcementCase, Hukou, PaymentBatch, Region
from demo import keys as documents_demo
from demo.agreements import load_demo_agreement
from demo.applications import Signers, load_demo_applications, load_demo_chain
from demo.certificates import load_demo_certificates
from demo.comparisons import load_demo_comparison
from demo.duplicates import load_demo_duplicate
from demo.enforcement import CaseOfficers, load_demo_cases
from demo.payments import (
    Payers,
    load_demo_accounts,
    load_demo_last_period,
    load_demo_this_period,
    settle_demo_batch,
)
from demo.programs import load_demo_program_applicants
from documents.models import Document
from permissions.audit import Actor
from permissions.factories import OfficerFactory
from permissions.roles import Role
from permissions.scoping import visible_to
from workflows import enforcement_reports

DEMO_PASSWORD = "casework-demo"
PROVINCE, CITY, COUNTY = "360000000000", "360900000000", "360921000000"
TOWNSHIPS = {
    "360921100000": "城关镇",
    "360921101000": "石桥镇",
    "360921102000": "清溪镇",
    "360921200000": "白沙乡",
    "360921201000": "松林乡",
    "360921202000": "云岭乡",
}
VILLAGE_NAMES = ["东风", "红星", "新民", "和平", "前进", "光明", "团结", "幸福", "丰收"]
VILLAGES_PER_TOWNSHIP = len(VILLAGE_NAMES)
FIRST_TOWNSHIP = "360921100000"

# (username, name, role, jurisdiction code) of every demo account, listed in the README.
ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMINISTRATOR, CITY),
    ("village_officer", "村专干甲", Role.VILLAGE_OFFICER, "360921100201"),
    ("village_officer_2", "村专干乙", Role.VILLAGE_OFFICER, "360921100202"),
    ("township_reviewer", "乡镇审核员", Role.TOWNSHIP_REVIEWER, FIRST_TOWNSHIP),
    ("county_approver", "县审批员", Role.COUNTY_APPROVER, COUNTY),
    ("county_inspector", "县复核员", Role.COUNTY_INSPECTOR, COUNTY),
    ("city_officer", "市备案员", Role.CITY_FILING_OFFICER, CITY),
    ("fund_manager", "资金管理员", Role.FUND_MANAGER, COUNTY),
    ("disburser", "资金发放员", Role.DISBURSEMENT_OFFICER, COUNTY),
    ("supervisor", "监督员", Role.SUPERVISOR, COUNTY),
    ("investigator", "执法员甲", Role.INVESTIGATOR, COUNTY),
    ("investigator_2", "执法员乙", Role.INVESTIGATOR, COUNTY),
    ("case_approver", "案件审批员", Role.CASE_APPROVER, COUNTY),
    ("migrant_officer", "流动人口专干", Role.MIGRANT_SERVICE_OFFICER, FIRST_TOWNSHIP),
    ("migrant_officer_2", "流动人口专干乙", Role.MIGRANT_SERVICE_OFFICER, "360921101000"),
]


def demo_loaded() -> bool:
    return Region.objects.filter(code=COUNTY).exists()


@transaction.atomic
def load_demo(households_per_village: int = 18, seed: int = 2026) -> dict[str, int]:
    """Build the demo county once, in one transaction (a failure leaves nothing); returns what
    was created. The paid recipients' notification letters of last year's batch are queued
    when it commits and issued by the worker that `make demo` starts."""
    created, payers, sent = _load_county(households_per_village, seed)
    county = Region.objects.get(code=COUNTY)
    if sent is not None:
        settle_demo_batch(payers, sent)
    load_demo_this_period(payers, county)
    created["payment_batches"] = PaymentBatch.objects.count()
    # The daily duplicate search, once, so the supervisor's list shows the demo's pair.
    created["duplicate_pairs"] = find_duplicates().added
    return created


def _load_county(households_per_village: int, seed: int):
    rng = random.Random(seed)
    RegionFactory(code=PROVINCE, name="示范省")
    RegionFactory(code=CITY, name="示范市")
    # Every level's report line (举报电话), printed on its postings; all numbers made up.
    county = RegionFactory(code=COUNTY, name="安和县", report_phone="0797-5212345")
    villages = []
    for number, (township_code, township_name) in enumerate(TOWNSHIPS.items(), start=1):
        RegionFactory(code=township_code, name=township_name, report_phone=f"0797-52{number}0000")
        for index, village_name in enumerate(VILLAGE_NAMES, start=1):
            code = f"{township_code[:9]}{200 + index:03d}"
            villages.append(
                RegionFactory(
                    code=code,
                    name=f"{village_name}村",
                    report_phone=f"0797-52{number}{index:02d}00",
                )
            )
    persons = 0
    sequence = 0
    for village in villages:
        for _ in range(households_per_village):
            household = HouseholdFactory(region=village)
            for birth_date, male in _family(rng):
                sequence += 1
                PersonFactory(
                    name=synthetic_name(rng),
                    region=village,
                    household=household,
                    hukou=Hukou.RURAL if rng.random() < 0.9 else Hukou.URBAN,
                    id_number=synthetic_id_number(county.code, birth_date, sequence, male=male),
                    phone=f"139{rng.randrange(10**8):08d}",
                )
                persons += 1
    officers = {
        username: OfficerFactory(
            username=username,
            full_name=full_name,
            jurisdiction=Region.objects.get(code=code),
            roles=[role],
            password=DEMO_PASSWORD,
        )
        for username, full_name, role, code in ACCOUNTS
    }
    offices = documents_demo.demo_offices(CITY, COUNTY, TOWNSHIPS)
    documents_demo.ensure_demo_keys(offices)
    certificates = load_demo_certificates(
        officers["migrant_officer"], officers["migrant_officer_2"], FIRST_TOWNSHIP, "360921101000"
    )
    # The two-way agreement between the migrants' two townships, and its quarterly feedback.
    feedback = load_demo_agreement(officers["migrant_officer"], officers["migrant_officer_2"])
    reward_applications = load_demo_applications(officers["village_officer"], "360921100201")
    reward_applications += load_demo_applications(
        officers["village_officer_2"], "360921100202", with_objection=False
    )
    # The same two villages' other elders, up the chain to the recipients' years.
    reward_applications += load_demo_chain(
        Signers(
            villages={
                officer.jurisdiction_id: officer
                for officer in (officers["village_officer"], officers["village_officer_2"])
            },
            township=officers["township_reviewer"],
            inspector=officers["county_inspector"],
            approver=officers["county_approver"],
            city=officers["city_officer"],
        )
    )
    # An applicant of every other program the seeds name, awaiting the household visit.
    reward_applications += load_demo_program_applicants(
        officers["village_officer_2"], "360921100202"
    )
    # One couple recorded twice under different ID numbers, for the duplicate search.
    reward_applications += load_demo_duplicate(
        [officers["village_officer"], officers["village_officer_2"]]
    )
    # Payments: bank accounts, and last year's batch up to its bank file sent.
    payers = Payers(disburser=officers["disburser"], fund_manager=officers["fund_manager"])
    accounts = load_demo_accounts(officers["disburser"], county, seed)
    sent = load_demo_last_period(payers, county)
    # The half-year's comparison with the 公安 extract: findings awaiting the township.
    findings = load_demo_comparison(officers["township_reviewer"])
    # Two-illegal cases in every state, and last year's, closed, for the yearly report.
    investigators = (officers["investigator"], officers["investigator_2"])
    cases = load_demo_cases(CaseOfficers(investigators, officers["case_approver"]))
    _issue_last_years_statistics(officers["case_approver"], county)
    created = {
        **cases,
        "applications": reward_applications,
        "certificates": certificates,
        "villages": len(villages),
        "persons": persons,
        "officers": len(ACCOUNTS),
        # Signed by the steps themselves; the paid letters follow when the load commits.
        "documents": Document.objects.count(),
        "bank_accounts": accounts,
        "comparison_findings": findings,
        "migrant_feedback": feedback,
    }
    return created, payers, sent


def _issue_last_years_statistics(case_approver, county: Region) -> None:
    """Last year's two-illegal statistics of the county, issued by its case approver from the
    demo's closed cases (every other document of the demo is issued by the steps themselves)."""
    last_year = clock.today().year - 1
    report = enforcement_reports.yearly(
        visible_to(case_approver, EnforcementCase), last_year, county.code
    )
    enforcement_reports.issue_pdf(Actor(case_approver), report)


def _family(rng: random.Random) -> list[tuple[datetime.date, bool]]:
    """Birth dates and sexes of a couple and their children; many couples are over 60."""
    husband = datetime.date(rng.randint(1948, 1985), rng.randint(1, 12), rng.randint(1, 28))
    wife = husband + datetime.timedelta(days=rng.randint(-3 * 365, 3 * 365))
    members = [(husband, True), (wife, False)]
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        child = wife + datetime.timedelta(days=rng.randint(21 * 365, 35 * 365))
        if child < datetime.date(2024, 1, 1):
            members.append((child, rng.random() < 0.5))
    return members
