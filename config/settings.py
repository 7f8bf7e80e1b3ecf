"""Casework settings: one module, read from the environment.

Defaults suit the demo (SQLite in ./var, DEBUG on). Anything that would be unsafe in
production refuses to start instead of running quietly.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CASEWORK_DATA_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable (1/0, true/false, yes/no)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATABASE_URL = os.environ.get("DATABASE_URL", "")

# The demo runs with DEBUG on; a real database means a real deployment, so DEBUG is off there
# unless asked for, and asking for it is refused below.
DEBUG = env_bool("CASEWORK_DEBUG", default=not DATABASE_URL)

SECRET_KEY = os.environ.get("CASEWORK_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("CASEWORK_SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "casework-demo-secret-key-not-for-production"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("CASEWORK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
        ","
    )
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CASEWORK_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

# Behind a load balancer: the addresses of the proxies in front of the app servers. A request
# from one of them is taken to be for the client its X-Forwarded-For names, so login throttling,
# rate limits and the audit log see the officer's address, not the balancer's
# (config.proxies.ClientAddressMiddleware); X-Forwarded-Proto and -Host are believed too, so
# the app servers must be reachable only through the balancer. Unset, no forwarding header is.
CASEWORK_PROXY_ADDRESSES = frozenset(
    address.strip()
    for address in os.environ.get("CASEWORK_PROXY_ADDRESSES", "").split(",")
    if address.strip()
)
if CASEWORK_PROXY_ADDRESSES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# "Today" for the whole system comes from casework.clock; this pins it for demos and tests.
CASEWORK_TODAY = os.environ.get("CASEWORK_TODAY", "")
if CASEWORK_TODAY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CASEWORK_TODAY is for demos and tests; it is refused when DEBUG is off."
        )
    try:
        datetime.date.fromisoformat(CASEWORK_TODAY)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"CASEWORK_TODAY must be YYYY-MM-DD, not {CASEWORK_TODAY!r}."
        ) from exc

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "viewflow",
    "viewflow.workflow",
    "casework",
    "permissions",
    "workflows",
    "documents",
    "web",
    "demo",
    "config",
]

MIDDLEWARE = [
    "config.proxies.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the session and the user, so the 400 page is drawn like every page.
    "web.middleware.BadInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DEBUG and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        raise ImproperlyConfigured(
            "DEBUG is on with a real database; set CASEWORK_DEBUG=0 for a deployment."
        )
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("CASEWORK_SQLITE_PATH", str(DATA_DIR / "casework.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of
                # failing half-way with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

# A streaming read replica of the primary for the reports (casework.replica.reporting_database);
# everything else, and every write, stays on the primary. Tests mirror it onto default.
CASEWORK_REPLICA_URL = os.environ.get("CASEWORK_REPLICA_URL", "")
if CASEWORK_REPLICA_URL:
    if not DATABASE_URL:
        raise ImproperlyConfigured("CASEWORK_REPLICA_URL needs DATABASE_URL (the primary).")
    DATABASES["replica"] = {
        **dj_database_url.parse(CASEWORK_REPLICA_URL, conn_max_age=60),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["casework.replica.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "permissions.Officer"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins per (client address, username) before further attempts are refused for a while.
CASEWORK_LOGIN_FAILURE_LIMIT = int(os.environ.get("CASEWORK_LOGIN_FAILURE_LIMIT", "5"))
CASEWORK_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("CASEWORK_LOGIN_LOCKOUT_SECONDS", "900"))

# Login throttling and the public rate limits count in the cache, so every process that answers
# requests must share it: a file cache does for the processes of one machine; several machines
# share a Redis (CASEWORK_CACHE_URL, e.g. redis://10.0.0.5:6379/1).
CASEWORK_CACHE_URL = os.environ.get("CASEWORK_CACHE_URL", "")
if CASEWORK_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CASEWORK_CACHE_URL,
            "KEY_PREFIX": "casework",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CASEWORK_CACHE_DIR", str(DATA_DIR / "cache")),
        }
    }
# Sessions live in the database, so a load balancer may send an officer's next request to any
# app server, and restarting the cache logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("CASEWORK_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"

# Issued PDFs, evidence and job outputs. Never served as static files: every download goes
# through a scoped view, so MEDIA_URL is deliberately absent. With several app servers and
# workers this is one shared (NFS) folder mounted at the same path on every machine.
MEDIA_ROOT = Path(os.environ.get("CASEWORK_MEDIA_ROOT", DATA_DIR / "media"))

# The documents' typeface cut down to its common characters, made once per machine
# (documents/typeface.py).
CASEWORK_FONT_DIR = Path(os.environ.get("CASEWORK_FONT_DIR", DATA_DIR / "fonts"))

# Signing keys: one PKCS#12 file per issuing office, named <office code>.p12, in this folder.
# Keys never enter the database or the repository; `manage.py make_demo_keys` makes demo ones.
CASEWORK_SIGNING_KEY_DIR = Path(os.environ.get("CASEWORK_SIGNING_KEY_DIR", DATA_DIR / "keys"))
CASEWORK_SIGNING_PASSPHRASE = os.environ.get(
    "CASEWORK_SIGNING_PASSPHRASE", "casework-demo-keys" if DEBUG else ""
)
# The CA certificates (PEM) that our offices' certificates chain to; verification trusts only these.
CASEWORK_TRUST_ROOTS = [
    Path(path)
    for path in os.environ.get(
        "CASEWORK_TRUST_ROOTS", str(CASEWORK_SIGNING_KEY_DIR / "ca.pem")
    ).split(os.pathsep)
    if path
]
# Printed in the QR code of every document: where the public verification page lives.
CASEWORK_PUBLIC_URL = os.environ.get("CASEWORK_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

GUARDIAN_ANONYMOUS_USER_NAME = None
ANONYMOUS_USER_NAME = None

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes unauthenticated calls answer 401.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "web.api.pagination.CaseworkPagination",
    # Every list also answers ?format=xlsx (web.api.xlsx).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "web.api.xlsx.XLSXRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "web.api.errors.exception_handler",
    "DATE_FORMAT": "%Y-%m-%d",
    "UNAUTHENTICATED_USER": None,
    # Public verification answers anyone, so it is rate-limited per client address.
    "DEFAULT_THROTTLE_RATES": {"verify": os.environ.get("CASEWORK_VERIFY_RATE", "120/min")},
    # The client address is REMOTE_ADDR, already corrected by ClientAddressMiddleware behind a
    # known proxy; DRF's own reading of X-Forwarded-For would let any client pick its address.
    "NUM_PROXIES": 0,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Casework API",
    "DESCRIPTION": "Family-planning casework: reward applications, enforcement cases, certificates.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# Background work goes through the django-tasks API. The database backend is the default; the
# scale-out backend is selected here without touching any task code.
CASEWORK_TASK_BACKEND = os.environ.get("CASEWORK_TASK_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    # django-tasks-fennel: enqueues to Celery; workers on any machine run
    # `celery -A config worker` (config/celery.py).
    "celery": "django_tasks_fennel.CeleryBackend",
}
if CASEWORK_TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"CASEWORK_TASK_BACKEND must be one of {sorted(_TASK_BACKENDS)}, not {CASEWORK_TASK_BACKEND!r}."
    )
# The queues: "default", and "long-documents" for the posting notices (documents/tasks.py), so
# that a county's notices never hold up a batch of letters. A database worker serves the queues
# it is given (`manage.py db_worker --queue-name '*'` for all of them); a Celery worker
# consumes all of them (config/celery.py).
CASEWORK_TASK_QUEUES = ["default", "long-documents"]
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[CASEWORK_TASK_BACKEND],
        "QUEUES": CASEWORK_TASK_QUEUES,
    }
}
# The Celery broker (Redis) and where task outcomes are kept; a Job row holds the progress and
# result the pages show either way, so the result backend only serves django-tasks' get_result.
CELERY_BROKER_URL = os.environ.get("CASEWORK_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CASEWORK_RESULT_BACKEND_URL", CELERY_BROKER_URL)
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = datetime.timedelta(days=7)
# Tasks are JSON (their arguments already are, for the database backend).
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# One task at a time per worker process: a batch of letters is long, and a worker that
# prefetched several would keep them from idle workers on other machines.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The backend sends each task to its django-tasks queue ("default" unless the task says
# otherwise); a worker started without -Q consumes every queue declared here.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name) for name in CASEWORK_TASK_QUEUES]
if CASEWORK_TASK_BACKEND == "celery":
    if not CELERY_BROKER_URL:
        raise ImproperlyConfigured(
            "CASEWORK_TASK_BACKEND=celery needs CASEWORK_BROKER_URL (e.g. redis://host:6379/0)."
        )
    INSTALLED_APPS.append("django_tasks_fennel")

# Migrant certificates: validity, the residence a service certificate needs, and how long a
# notice between areas may wait for acknowledgement before it is flagged.
CASEWORK_CERTIFICATE_VALIDITY_YEARS = int(
    os.environ.get("CASEWORK_CERTIFICATE_VALIDITY_YEARS", "3")
)
CASEWORK_SERVICE_RESIDENCE_MONTHS = int(os.environ.get("CASEWORK_SERVICE_RESIDENCE_MONTHS", "3"))
CASEWORK_NOTICE_ACKNOWLEDGE_DAYS = int(os.environ.get("CASEWORK_NOTICE_ACKNOWLEDGE_DAYS", "30"))
# Holders may apply online without an account; this many applications per address.
CASEWORK_ONLINE_APPLICATION_RATE = os.environ.get("CASEWORK_ONLINE_APPLICATION_RATE", "5/hour")

# Reward applications: how many days a step may wait before the inbox flags it, and the day
# (MM-DD) by which every recipient must have had this year's annual review.
CASEWORK_STEP_OVERDUE_DAYS = int(os.environ.get("CASEWORK_STEP_OVERDUE_DAYS", "15"))
CASEWORK_ANNUAL_REVIEW_DUE = os.environ.get("CASEWORK_ANNUAL_REVIEW_DUE", "06-30")
# A posting notice longer than this is issued by a background job, off the request.
CASEWORK_INLINE_NOTICE_ROWS = int(os.environ.get("CASEWORK_INLINE_NOTICE_ROWS", "200"))
# Processes that render and sign a batch of documents (documents/batches.py); unset or 0: one
# per CPU the worker may use; 1: in the worker's own process.
CASEWORK_DOCUMENT_WORKERS = int(os.environ.get("CASEWORK_DOCUMENT_WORKERS", "0")) or None
# Photos a household visit keeps as evidence (documents seen, taken with the phone's camera):
# how many per visit and how large each may be (MB).
CASEWORK_VISIT_PHOTO_MAX_COUNT = int(os.environ.get("CASEWORK_VISIT_PHOTO_MAX_COUNT", "10"))
CASEWORK_VISIT_PHOTO_MAX_MB = int(os.environ.get("CASEWORK_VISIT_PHOTO_MAX_MB", "10"))
# An import file with more rows is checked and imported by background jobs, off the request.
CASEWORK_IMPORT_INLINE_ROWS = int(os.environ.get("CASEWORK_IMPORT_INLINE_ROWS", "1000"))

# Enforcement cases: working days from receipt to the registration proposal, days from
# registration to the decision.
CASEWORK_REGISTRATION_WORKING_DAYS = int(os.environ.get("CASEWORK_REGISTRATION_WORKING_DAYS", "7"))
CASEWORK_CASE_DECISION_DAYS = int(os.environ.get("CASEWORK_CASE_DECISION_DAYS", "90"))
# The one extension of the decision deadline the approver may grant.
CASEWORK_CASE_EXTENSION_DAYS = int(os.environ.get("CASEWORK_CASE_EXTENSION_DAYS", "30"))
# The fine the decision form suggests (yuan): with illegal gains at or over the threshold, a
# multiple of the gains; otherwise a fixed range.
CASEWORK_FINE_RULE = {
    "gains_threshold": 10_000,
    "gains_multiple": (2, 6),
    "fixed_range": (10_000, 30_000),
}

# Page sizes for every list page; the API allows up to 200 per page (../shared/API.md).
CASEWORK_PAGE_SIZE = 50
CASEWORK_API_MAX_PAGE_SIZE = 200

CASEWORK_SITE_TITLE = _("Casework")

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("CASEWORK_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("CASEWORK_SECURE_COOKIES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CASEWORK_LOG_LEVEL", "WARNING")},
}
