"""Past one machine: the settings several app servers share, the client's address behind a
load balancer, and the reports reading from a replica."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import DEFAULT_DB_ALIAS

from casework.replica import reporting_database
from config.proxies import client_address

POSTGRES = "postgres://casework:secret@10.0.0.4:5432/casework"
REDIS = "redis://10.0.0.5:6379/1"


def settings_under(**environment) -> dict:
    """Load config.settings in a fresh process with ``environment``; its figures as JSON, or
    ``{"error": ...}`` when it refuses to start."""
    script = """
import json
from django.conf import settings as s
try:
    figures = {
        "databases": {alias: {"host": db.get("HOST"), "test": db.get("TEST", {})}
                      for alias, db in s.DATABASES.items()},
        "routers": s.DATABASE_ROUTERS,
        "cache": s.CACHES["default"],
        "sessions": s.SESSION_ENGINE,
        "tasks": s.TASKS["default"]["BACKEND"],
        "broker": s.CELERY_BROKER_URL,
        "results": s.CELERY_RESULT_BACKEND,
        "fennel": "django_tasks_fennel" in s.INSTALLED_APPS,
        "proxy_ssl": getattr(s, "SECURE_PROXY_SSL_HEADER", None),
        "forwarded_host": s.USE_X_FORWARDED_HOST,
        "csrf_origins": s.CSRF_TRUSTED_ORIGINS,
        "media": str(s.MEDIA_ROOT),
    }
except Exception as error:
    figures = {"error": f"{type(error).__name__}: {error}"}
print(json.dumps(figures))
"""
    base = {name: value for name, value in os.environ.items() if not name.startswith("CASEWORK_")}
    base.pop("DATABASE_URL", None)
    output = subprocess.run(
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


PRODUCTION = {
    "DATABASE_URL": POSTGRES,
    "CASEWORK_DEBUG": "0",
    "CASEWORK_SECRET_KEY": "insecure-test-only-key",
}


def test_one_machine_needs_no_shared_services(tmp_path):
    figures = settings_under(CASEWORK_DATA_DIR=str(tmp_path))
    assert figures["cache"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert figures["sessions"] == "django.contrib.sessions.backends.db"
    assert list(figures["databases"]) == ["default"]
    assert figures["tasks"] == "django_tasks_db.DatabaseBackend" and not figures["fennel"]
    assert figures["proxy_ssl"] is None and figures["forwarded_host"] is False


def test_app_servers_share_the_cache_sessions_media_and_tasks():
    figures = settings_under(
        **PRODUCTION,
        CASEWORK_CACHE_URL=REDIS,
        CASEWORK_MEDIA_ROOT="/srv/casework-media",
        CASEWORK_TASK_BACKEND="celery",
        CASEWORK_BROKER_URL="redis://10.0.0.5:6379/0",
    )
    assert figures["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert figures["cache"]["LOCATION"] == REDIS
    assert figures["sessions"] == "django.contrib.sessions.backends.db"
    assert figures["media"] == "/srv/casework-media"
    assert figures["tasks"] == "django_tasks_fennel.CeleryBackend" and figures["fennel"]
    assert figures["broker"] == figures["results"] == "redis://10.0.0.5:6379/0"


def test_the_celery_backend_refuses_to_start_without_a_broker():
    figures = settings_under(**PRODUCTION, CASEWORK_TASK_BACKEND="celery")
    assert "CASEWORK_BROKER_URL" in figures["error"]


def test_behind_a_load_balancer_its_forwarded_headers_are_trusted():
    figures = settings_under(
        **PRODUCTION,
        CASEWORK_PROXY_ADDRESSES="10.0.0.2, 10.0.0.3",
        CASEWORK_CSRF_TRUSTED_ORIGINS="https://casework.example.gov.cn",
    )
    assert figures["proxy_ssl"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert figures["forwarded_host"] is True
    assert figures["csrf_origins"] == ["https://casework.example.gov.cn"]


def test_a_replica_is_added_for_the_reports_and_mirrors_default_in_tests():
    figures = settings_under(
        **PRODUCTION, CASEWORK_REPLICA_URL="postgres://reader:secret@10.0.0.6:5432/casework"
    )
    assert figures["databases"]["default"]["host"] == "10.0.0.4"
    assert figures["databases"]["replica"] == {"host": "10.0.0.6", "test": {"MIRROR": "default"}}
    assert figures["routers"] == ["casework.replica.PrimaryReplicaRouter"]


def test_a_replica_needs_a_primary(tmp_path):
    figures = settings_under(
        CASEWORK_DATA_DIR=str(tmp_path), CASEWORK_REPLICA_URL="postgres://10.0.0.6/casework"
    )
    assert "DATABASE_URL" in figures["error"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # Straight to an app server: whatever the client wrote is ignored.
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # Through our balancer: the address it appended.
        ("10.0.0.2", "198.51.100.7", "198.51.100.7"),
        # A client that forges an address on the left cannot choose its own.
        ("10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # Through both of our proxies: the first address neither of them is.
        ("10.0.0.3", "198.51.100.7, 10.0.0.2", "198.51.100.7"),
        # From the balancer with no header (its own health check): the balancer.
        ("10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_the_client_address_is_what_our_proxies_say(remote, forwarded, expected):
    assert client_address(remote, forwarded, frozenset({"10.0.0.2", "10.0.0.3"})) == expected


@pytest.mark.django_db
def test_login_throttling_counts_each_client_behind_the_balancer(
    api_client, village_officer, settings
):
    settings.CASEWORK_PROXY_ADDRESSES = frozenset({"10.0.0.2"})
    url = "/api/v1/auth/token/"

    def login(password, client_ip):
        return api_client.post(
            url,
            {"username": "village_officer", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=client_ip,
        )

    for _ in range(settings.CASEWORK_LOGIN_FAILURE_LIMIT):
        assert login("wrong", "198.51.100.7").status_code == 401
    assert login("casework-demo", "198.51.100.7").status_code == 429
    # Another officer's machine behind the same balancer is not locked out.
    assert login("casework-demo", "198.51.100.8").status_code == 200


def test_without_a_replica_reports_read_from_default():
    assert reporting_database() == DEFAULT_DB_ALIAS
