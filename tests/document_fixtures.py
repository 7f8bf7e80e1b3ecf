"""Fixtures for documents (loaded by tests/conftest.py for every package): a local CA with office keys made once per run, offices, issuing."""

import pytest

from casework import factories
from demo.samples import SAMPLE_TITLES, sample_data
from documents import issuing, keys
from documents.kinds import spec_of
from documents.models import IssuingOffice
from permissions.audit import Actor
from permissions.factories import OfficerFactory
from tests.conftest import COUNTY, OTHER_TOWNSHIP, TOWNSHIP

PASSPHRASE = "test-keys"
OFFICES = {
    "county-wjw": ("安和县卫生健康委员会", "安和县卫健", COUNTY),
    "chengguan": ("城关镇人民政府", "城关镇", TOWNSHIP),
    "shiqiao": ("石桥乡人民政府", "石桥乡", OTHER_TOWNSHIP),
}
# The sample title of each kind, as the demo issues them.
TITLES = {str(kind): title for kind, title in SAMPLE_TITLES.items()}


# The factory of the subject each kind's documents record (documents.kinds), by model.
SUBJECT_FACTORIES = {
    "casework.Application": lambda region: factories.ApplicationFactory(
        applicant__region=region, region=region, created_by=OfficerFactory()
    ),
    "casework.Posting": lambda region: factories.PostingFactory(region=region),
    "casework.Payment": lambda region: factories.PaymentFactory(
        application__applicant__region=region, application__region=region
    ),
    "casework.MigrantCertificate": lambda region: factories.MigrantCertificateFactory(
        person__region=region, region=region
    ),
    "casework.EnforcementCase": lambda region: factories.EnforcementCaseFactory(region=region),
}


def subject_for(kind: str, region):
    """A new subject for a document of ``kind`` in ``region``; none for an aggregate kind."""
    spec = spec_of(kind)
    return None if spec.aggregate else SUBJECT_FACTORIES[spec.subject](region)


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory):
    """Our CA and one key per office."""
    directory = tmp_path_factory.mktemp("keys")
    keys.make_local_ca(directory, "安和县测试根证书")
    for code, (name, _prefix, _region) in OFFICES.items():
        keys.make_office_key(directory, code, name, PASSPHRASE)
    return directory


@pytest.fixture(scope="session")
def foreign_key_dir(tmp_path_factory):
    """A forger's CA and a key in the county office's name, which we never trust."""
    directory = tmp_path_factory.mktemp("foreign-keys")
    keys.make_local_ca(directory, "冒名根证书")
    keys.make_office_key(directory, "county-wjw", "安和县卫生健康委员会", PASSPHRASE)
    return directory


@pytest.fixture
def signing(settings, key_dir):
    settings.CASEWORK_SIGNING_KEY_DIR = key_dir
    settings.CASEWORK_SIGNING_PASSPHRASE = PASSPHRASE
    settings.CASEWORK_TRUST_ROOTS = [key_dir / "ca.pem"]
    return key_dir


@pytest.fixture
def offices(regions, signing):
    return {
        code: IssuingOffice.objects.create(
            code=code,
            name=name,
            number_prefix=prefix,
            region=regions[region],
            phone="0797-5210001",
        )
        for code, (name, prefix, region) in OFFICES.items()
    }


@pytest.fixture
def county_office(offices):
    return offices["county-wjw"]


@pytest.fixture
def make_request(county_office, regions):
    """An :class:`IssueRequest` of ``kind`` with sample data, in the county by default, about a
    new subject of the kind in that region unless ``subject`` is given."""

    def make(kind="migrant_certificate", office=None, region=COUNTY, rows=12, **overrides):
        values = {
            "kind": kind,
            "office": office or county_office,
            "region": regions[region],
            "title": TITLES[kind],
            "data": sample_data(kind, rows=rows),
            "public_summary": [("姓名", "韩*英"), ("公民身份号码", "360921********0028")],
            "signers": [issuing.Signer("入户核实", "村专干甲", "2026年11月2日", "情况属实")],
        }
        values.update(overrides)
        if "subject" not in values:
            values["subject"] = subject_for(kind, values["region"])
        return issuing.IssueRequest(**values)

    return make


@pytest.fixture
def issue(make_request, administrator):
    """Issue a document: ``issue(kind, **request_overrides)``."""

    def run(kind="migrant_certificate", actor=None, **overrides):
        return issuing.issue(make_request(kind, **overrides), actor or Actor(administrator))

    return run
