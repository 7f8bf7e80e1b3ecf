"""The shell: login in Chinese, throttled failures, the home page, settings refusals, demo accounts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from casework import clock
from casework.models import (
    CaseStatus,
    CertificateNotice,
    DuplicateSuspect,
    EnforcementCase,
    MigrantCertificate,
    Posting,
)
from demo.county import ACCOUNTS, DEMO_PASSWORD, load_demo
from documents.models import Document
from workflows.enforcement_reports import yearly

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_login_page_is_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_pages_need_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_repeated_failed_logins_are_refused_even_with_the_right_password(client, village_officer):
    for _ in range(5):
        client.post(reverse("login"), {"username": "village_officer", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "village_officer", "password": "casework-demo"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_home_shows_role_jurisdiction_and_inbox(client, village_officer):
    client.login(username="village_officer", password="casework-demo")
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert "村专干" in html or "village officer" in html
    assert "东风村" in html
    assert response.context["inbox_count"] == 0


def test_english_is_available(client, village_officer):
    client.force_login(village_officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log out" in client.get(reverse("home")).content.decode()


def test_api_schema_and_docs_are_served(client, village_officer):
    client.force_login(village_officer)
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200


def test_pinned_today_comes_from_the_setting(settings):
    settings.CASEWORK_TODAY = "2027-03-01"
    assert clock.today().isoformat() == "2027-03-01"
    assert clock.now().date().isoformat() == "2027-03-01"


def _import_settings(**env):
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("CASEWORK_")
    }
    environment.pop("DATABASE_URL", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_pinned_today_is_refused_when_debug_is_off():
    refused = _import_settings(
        CASEWORK_DEBUG="0", CASEWORK_SECRET_KEY="k", CASEWORK_TODAY="2026-01-01"
    )
    assert refused.returncode != 0 and "CASEWORK_TODAY" in refused.stderr
    allowed = _import_settings(CASEWORK_DEBUG="1", CASEWORK_TODAY="2026-01-01")
    assert allowed.returncode == 0, allowed.stderr


def test_production_settings_refuse_missing_secret_and_debug_on_postgres():
    assert "CASEWORK_SECRET_KEY" in _import_settings(CASEWORK_DEBUG="0").stderr
    debug_pg = _import_settings(CASEWORK_DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1/x")
    assert debug_pg.returncode != 0 and "DEBUG" in debug_pg.stderr


def test_every_demo_account_logs_in(client, settings, tmp_path):
    # The demo makes its own keys, which it refuses to do outside DEBUG.
    settings.DEBUG = True
    settings.CASEWORK_SIGNING_KEY_DIR = tmp_path / "keys"
    settings.CASEWORK_TRUST_ROOTS = [tmp_path / "keys" / "ca.pem"]
    settings.CASEWORK_SIGNING_PASSPHRASE = "demo"
    created = load_demo(households_per_village=1)
    assert created["villages"] >= 50
    assert created["certificates"] == 16
    # Every document the demo holds is issued by a step about its subject, or is a report.
    assert created["documents"] == Document.objects.count() > 50
    assert not Document.objects.filter(subject_type__isnull=True).exclude(kind="enforcement_report")
    statuses = set(MigrantCertificate.objects.values_list("kind", "status"))
    for kind in ("marriage_childbearing", "service"):
        for status in (
            "draft",
            "submitted",
            "verified",
            "issued",
            "expired",
            "revoked",
            "rejected",
        ):
            assert (kind, status) in statuses
    assert ("service", "awaiting_verification") in statuses
    assert CertificateNotice.objects.filter(status="sent").exists()
    assert created["applications"] >= 1
    # Two-illegal cases in every state, and last year's closed for the yearly report.
    assert set(EnforcementCase.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert created["cases"] == EnforcementCase.objects.count()
    registered = EnforcementCase.objects.filter(status=CaseStatus.REGISTERED)
    assert registered.filter(decision_due__lt=clock.today()).exists()
    assert registered.filter(deadline_extended=True, decision_due__gte=clock.today()).exists()
    last_year = clock.today().year - 1
    report = yearly(EnforcementCase.objects.all(), last_year).total
    assert report.cases_handled >= created["closed_cases_last_year"] >= 8
    assert report.criminal_referrals and report.discipline_referrals and report.medical_staff
    assert 0 < report.fines_collected_fen <= report.fines_imposed_fen
    assert Posting.objects.filter(status="open").count() >= 1
    # The couple recorded twice is found by the search the demo runs once.
    assert created["duplicate_pairs"] == 1
    assert DuplicateSuspect.objects.filter(status="open").count() == 1
    assert set(Document.objects.values_list("status", flat=True)) == {
        "expired",
        "revoked",
        "superseded",
        "valid",
    }
    for username, *_ in ACCOUNTS:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        assert client.get(reverse("home")).status_code == 200
        client.logout()


def test_viewflow_frontend_is_mounted_for_the_flows_to_come():
    from django.urls import resolve

    from web.workflow_site import site

    assert resolve("/workflow/").url_name.extra["site"] is site
