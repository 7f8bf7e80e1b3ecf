"""The demo two-way agreement: 石桥镇 (where the demo migrants are registered) and 城关镇
(where they live) signed it in January, with feedback every quarter. 城关镇 reported on every
woman for the first two quarters and on half of them for the third, so the rest of the third
quarter is overdue on both sides; the fourth quarter is under way."""

import datetime

from casework import clock
from casework.models import Person, Region, Sex
from demo.certificates import SERVICE_PATHS, service_certificate, walk
from permissions.audit import Actor
from workflows import agreements, certificates

WOMEN = 4
FEEDBACK = [
    ("iud", "not_pregnant"),
    ("implant", "not_pregnant"),
    ("pills_or_condoms", "not_pregnant"),
    ("sterilisation", "not_pregnant"),
]


def load_demo_agreement(inflow_officer, outflow_officer) -> int:
    """Sign the agreement, issue service certificates to married women registered in the
    outflow township and living in the inflow one, and report on them; the reports made."""
    inflow, outflow = inflow_officer.jurisdiction, outflow_officer.jurisdiction
    year = clock.today().year
    residence = Region.objects.filter(parent=inflow).order_by("code").first()
    low, high = outflow.code[:9] + "000", outflow.code[:9] + "999"
    women = (
        Person.objects.filter(
            region_id__gte=low,
            region_id__lte=high,
            sex=Sex.FEMALE,
            birth_date__year__range=(year - 45, year - 22),
            certificates__isnull=True,
        )
        .select_related("region", "household")
        .order_by("id")[:WOMEN]
    )
    officers = (inflow_officer, outflow_officer)
    # Issued last December: they were in force all this year.
    with clock.pinned(datetime.date(year - 1, 12, 1)):
        issued = [
            walk(
                certificates.apply(Actor(inflow_officer), _married(woman, residence), submit=False),
                SERVICE_PATHS["issued"],
                officers,
            )
            for woman in women
        ]
    agreement = agreements.sign_agreement(
        Actor(inflow_officer),
        number=f"石城双向〔{year}〕1号",
        outflow_region=outflow,
        inflow_region=inflow,
        signed_on=datetime.date(year, 1, 5),
        valid_from=datetime.date(year, 1, 5),
        valid_until=datetime.date(year + 2, 12, 31),
        feedback_months=3,
        feedback_days=10,
        outflow_signatory="石桥镇计生办 王建华",
        inflow_signatory="城关镇流动人口服务站 李红梅",
        note="流入地每季度末10日内反馈已婚育龄妇女避孕节育和孕检情况；流出地及时通报新外出人员信息。",
    )
    made = 0
    for quarter, month in enumerate((1, 4, 7)):
        start = datetime.date(year, month, 1)
        reported = issued if quarter < 2 else issued[: len(issued) // 2]
        for certificate, (method, check) in zip(reported, FEEDBACK, strict=False):
            agreements.record_feedback(
                Actor(inflow_officer),
                agreement,
                certificate,
                start,
                contraception=method,
                pregnancy_check=check,
                checked_on=start + datetime.timedelta(days=70),
            )
            made += 1
    return made


def _married(woman: Person, residence: Region):
    """A married woman's service certificate application (the agreement covers her)."""
    certificate = service_certificate(woman, residence)
    certificate.marital_status = "married"
    certificate.married_on = datetime.date(woman.birth_date.year + 20, 10, 1)
    certificate.spouse_name = "陈国平"
    return certificate
