"""The demo's issuing offices, their locally made keys, and a few documents of every kind.

Demo keys come from a local CA made on the spot; every document they sign says "演示证书".
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from casework.models import Region
from documents import issuing, keys
from documents.kinds import DocumentKind
from documents.models import IssuingOffice
from documents.samples import sample_data
from permissions.audit import Actor

CA_NAME = "示范市电子政务演示根证书"


def demo_offices(city: str, county: str, townships: dict[str, str]) -> list[IssuingOffice]:
    """The city and county health commissions and each township government."""
    specs = [
        (f"{city[:6]}-wjw", "示范市卫生健康委员会", "示范市卫健", city),
        (f"{county[:6]}-wjw", "安和县卫生健康委员会", "安和县卫健", county),
    ] + [(f"{code[:9]}-gov", f"{name}人民政府", name, code) for code, name in townships.items()]
    offices = []
    for code, name, prefix, region in specs:
        office, _ = IssuingOffice.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "number_prefix": prefix,
                "region": Region.objects.get(pk=region),
                "phone": "0797-5210001",
            },
        )
        offices.append(office)
    return offices


def ensure_demo_keys(offices: list[IssuingOffice]) -> int:
    """Make the local CA and any missing office key; returns how many keys were made.

    Refused outside DEBUG: a deployment installs its offices' real PKCS#12 files.
    """
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo keys are for demos; install real keys in production.")
    directory = Path(settings.CASEWORK_SIGNING_KEY_DIR)
    keys.make_local_ca(directory, CA_NAME)
    return sum(
        keys.make_office_key(
            directory, office.code, office.name, settings.CASEWORK_SIGNING_PASSPHRASE
        )
        for office in offices
    )


SAMPLE_TITLES = {
    DocumentKind.APPLICATION_FORM: "计划生育家庭奖励扶助申请审批表",
    DocumentKind.POSTING_NOTICE: "农村部分计划生育家庭奖励扶助对象公示",
    DocumentKind.NOT_CONFIRMED_NOTICE: "不予确认告知书",
    DocumentKind.PAYMENT_LETTER: "奖励扶助金发放告知书",
    DocumentKind.MIGRANT_CERTIFICATE: "流动人口婚育证明",
    DocumentKind.SERVICE_CERTIFICATE: "流动人口计划生育服务证",
    DocumentKind.CASE_REGISTRATION: "两非案件立案审批表",
    DocumentKind.CASE_DECISION: "两非案件处理决定书",
    DocumentKind.CASE_PRIOR_NOTICE: "行政处罚事先告知书",
    DocumentKind.CASE_REFERRAL: "案件移送函",
    DocumentKind.CASE_CLOSING: "两非案件结案审批表",
    DocumentKind.ENFORCEMENT_REPORT: "安和县2026年度两非案件查处情况统计表",
}


def load_demo_documents(officer, county_office: IssuingOffice, region: Region) -> int:
    """One sample of every kind, one revoked and one re-issued, so each status shows."""
    actor = Actor(officer)
    issued = []
    for kind, title in SAMPLE_TITLES.items():
        request = issuing.IssueRequest(
            kind=kind,
            office=county_office,
            region=region,
            title=title,
            data=sample_data(kind, rows=40),
            public_summary=[("样张", "演示数据")],
            signers=[issuing.Signer("县级审批", str(officer), "2026年11月20日", "同意")],
        )
        issued.append(issuing.issue(request, actor))
    issuing.revoke(issued[3], actor, "演示：发放信息有误，告知书作废")
    issuing.reissue(issued[4], actor, "演示：更正居住地址")
    return len(issued) + 1
