"""Shared fixtures: a small region tree, officers of each role, an API client."""

import datetime

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from casework.factories import (
    ApplicationFactory,
    BankAccountFactory,
    PersonFactory,
    RegionFactory,
)
from casework.models import ApplicationStatus
from permissions.factories import OfficerFactory
from permissions.roles import Role

# Offices, keys and issuing helpers, for every test that issues documents.
pytest_plugins = ["tests.document_fixtures"]

CITY = "360900000000"
COUNTY = "360921000000"
TOWNSHIP = "360921100000"
VILLAGE = "360921100001"
OTHER_VILLAGE = "360921100002"
OTHER_TOWNSHIP = "360921101000"
OTHER_TOWNSHIP_VILLAGE = "360921101001"


@pytest.fixture(autouse=True)
def _pinned_today_and_clean_cache(settings, tmp_path):
    settings.CASEWORK_TODAY = "2026-11-24"
    # Issued PDFs and job files go to a folder of the test's own, and the cache (login
    # throttling) is the test's own too, so two test runs on one machine cannot disturb
    # each other through ./var.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.LANGUAGE_CODE = "zh-hans"
    # Hashing strength is not under test; PBKDF2 would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run at once, in the test (jobs start on commit: capture the callbacks)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.CASEWORK_TASK_QUEUES,
        }
    }


@pytest.fixture
def regions(db):
    """Province → city → county → two townships → three villages."""
    names = {
        "360000000000": "示范省",
        CITY: "示范市",
        COUNTY: "安和县",
        TOWNSHIP: "城关镇",
        VILLAGE: "东风村",
        OTHER_VILLAGE: "红星村",
        OTHER_TOWNSHIP: "石桥乡",
        OTHER_TOWNSHIP_VILLAGE: "石桥村",
    }
    return {code: RegionFactory(code=code, name=name) for code, name in names.items()}


@pytest.fixture
def make_officer(regions):
    """Build an officer: ``make_officer(Role.X, jurisdiction_code)``."""

    def make(role: Role, code: str, **kwargs):
        return OfficerFactory(roles=[role], jurisdiction=regions[code], **kwargs)

    return make


@pytest.fixture
def village_officer(make_officer):
    return make_officer(Role.VILLAGE_OFFICER, VILLAGE, username="village_officer")


@pytest.fixture
def township_reviewer(make_officer):
    return make_officer(Role.TOWNSHIP_REVIEWER, TOWNSHIP, username="township_reviewer")


@pytest.fixture
def county_inspector(make_officer):
    return make_officer(Role.COUNTY_INSPECTOR, COUNTY, username="county_inspector")


@pytest.fixture
def county_approver(make_officer):
    return make_officer(Role.COUNTY_APPROVER, COUNTY, username="county_approver")


@pytest.fixture
def city_filing_officer(make_officer):
    return make_officer(Role.CITY_FILING_OFFICER, CITY, username="city_filing_officer")


@pytest.fixture
def fund_manager(make_officer):
    return make_officer(Role.FUND_MANAGER, COUNTY, username="fund_manager")


@pytest.fixture
def disburser(make_officer):
    return make_officer(Role.DISBURSEMENT_OFFICER, COUNTY, username="disburser")


@pytest.fixture
def recipient(regions, village_officer):
    """An application at ``status`` paid from ``paid_from``, with a bank account unless not."""

    def make(
        status=ApplicationStatus.ENROLLED,
        paid_from=datetime.date(2026, 1, 1),
        account=True,
        village=VILLAGE,
        **values,
    ):
        application = ApplicationFactory(
            applicant__region=regions[village],
            status=status,
            paid_from=paid_from,
            created_by=village_officer,
            **values,
        )
        if account:
            BankAccountFactory(person=application.applicant, recorded_by=village_officer)
        return application

    return make


@pytest.fixture
def administrator(make_officer):
    return make_officer(Role.ADMINISTRATOR, COUNTY, username="admin")


@pytest.fixture
def person_here(regions):
    return PersonFactory(region=regions[VILLAGE])


@pytest.fixture
def person_elsewhere(regions):
    return PersonFactory(region=regions[OTHER_VILLAGE])


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def login_api(api_client):
    """Authenticate the API client as an officer with a token."""
    from rest_framework.authtoken.models import Token

    def login(officer):
        token, _ = Token.objects.get_or_create(user=officer)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api_client

    return login
