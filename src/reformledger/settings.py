"""Settings, configured from the environment only (12-factor).

Every knob is an environment variable; see docs/deployment.md for the list.
"""

import hashlib
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from reformledger import __version__, umask

# Django's generic classes (``admin.ModelAdmin[Unit]``) subscript at run time as mypy reads them.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("REFORMLEDGER_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, or one generated once and kept in var/ (single machine)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    umask.secure_dir(VAR_DIR)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env_bool("DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "reformledger.core.apps.AdminConfig",  # django.contrib.admin, for the installation's operator only (ADR 0026)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI for /api/v1/docs from its own static files (no CDN)
    "reformledger.core",
    "reformledger.org",
    "reformledger.reforms",
    "reformledger.supervision",
    "reformledger.evaluation",
    "reformledger.tolerance",
    "reformledger.casestudies",
    "reformledger.assessment",
    "reformledger.cockpit",
    "reformledger.portal",
    "reformledger.api",
    "reformledger.demo",  # the demo district (`reformledger demo-data`), on top of every business app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "reformledger.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL character in a parameter or field: 422 (API) or 400 (pages) before any query (ADR 0032).
    "reformledger.core.edge.NulCharacterMiddleware",
    # Someone given a one-time password chooses their own before anything else (ADR 0026).
    "reformledger.org.middleware.PasswordChangeRequiredMiddleware",
    "reformledger.core.versions.DataVersionMiddleware",
    # Inside it: the values a kept page shows that change more often than the page (ADR 0055).
    "reformledger.core.late.LateValuesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "reformledger.core.backends.PasswordBackend",
]
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
# The office, the committee and leaders start at the workbench, units at their tasks, the public at
# the public catalogue (cockpit.views.start).
LOGIN_REDIRECT_URL = "cockpit:start"
LOGOUT_REDIRECT_URL = "portal:home"

ROOT_URLCONF = "reformledger.urls"
WSGI_APPLICATION = "reformledger.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reformledger.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'reformledger.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE avoids "database is locked"
    # surprises when two requests upgrade a read to a write at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    if not os.environ.get("DATABASE_URL"):
        umask.secure_dir(VAR_DIR)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("DB_PREPARED_STATEMENTS", "1") != "0":
    # Parameters bound by the server, and each statement prepared on its connection from its fifth
    # use: PostgreSQL then plans a page's queries once per connection instead of on every request
    # (planning a board's query took 2 ms, running it 0.15 ms; ADR 0058). DB_PREPARED_STATEMENTS=0
    # behind a connection pooler in transaction mode that does not keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _database_identity(database: Mapping[str, Any]) -> str:
    """A short digest naming the database (engine, host, port, name)."""
    named = "|".join(str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME"))
    return hashlib.sha256(named.encode()).hexdigest()[:12]


if REDIS_URL := os.environ.get("REDIS_URL"):
    # A shared cache outlives a restart: keys carry the release, so an upgrade never serves
    # fragments rendered by the previous release's templates.
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"reformledger-{__version__}",
        }
    }
    # Sessions read from the shared cache (written through to the database): one query less on
    # every signed-in request. Only with a shared cache: with one cache per process, a session
    # ended in one process (sign-out, idle timeout) would live on in another's copy.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif os.environ.get("CACHE_IN_MEMORY") == "1":
    # Per process, no files (CACHE_IN_MEMORY=1). Pages are composed of many small parts (a count
    # per district, a row per reform: core.cache), so the default of 300 entries would evict them
    # as fast as they are made; 20,000 entries of at most a few KB each stay well under 100 MB.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "20000"))},
        }
    }
else:
    # Without Redis, the processes of this server share one cache on local disk (SQLite files in
    # the var dir, diskcache: ADR 0060), each with near copies of what it read (core.store), so a
    # count or a page computed by one process is not computed again by the others. Emptied when
    # the server starts (``reformledger serve``) and when a process finds another database under
    # it (core.versions). Sessions stay in the database: another server has another disk.
    CACHES = {
        "default": {
            "BACKEND": "reformledger.core.servercache.ServerCache",
            "LOCATION": str(Path(os.environ.get("CACHE_DIR", VAR_DIR / "cache")).resolve()),
            # The release, and the database the entries were read from: the files outlive the
            # processes, and another database's version numbers would name other content.
            "KEY_PREFIX": f"reformledger-{__version__}-{_database_identity(DATABASES['default'])}",
            "SHARDS": 4,
            # A lookup that would wait longer for another process's write is a miss, not a wait.
            "DATABASE_TIMEOUT": 0.05,
            "OPTIONS": {
                "size_limit": int(os.environ.get("CACHE_BYTES", str(1024 * 1024 * 1024))),
                # A page (100-200 KB) stays a row, not a file of its own to write, open and read.
                "disk_min_file_size": 4 * 1024 * 1024,
                # Culled once in a while by the writes (core.servercache), not at every entry written.
                "cull_limit": 0,
                # Commits do not wait for the disk: a cache damaged by a power cut is removed when
                # the server starts (core.servercache); waiting cost a page nobody opened 4-6 ms.
                "sqlite_synchronous": 0,
            },
        }
    }
# With a shared cache (Redis, the disk cache), each process keeps near copies of the versioned
# cache's entries (core.store, ADR 0057).
NEAR_CACHE_BYTES = int(os.environ.get("NEAR_CACHE_BYTES", str(32 * 1024 * 1024)))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        # Reminders (and the daily scan) on "default", ledger imports on "imports": the worker runs
        # each queue in its own thread, so that a long import never holds up a reminder (ADR 0031).
        "QUEUES": ["default", "imports"],
    }
}

# AUTH_PASSWORD_VALIDATORS: in the "Sign-in" block below.

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads (evidence, attachments, ledgers) readable by the service only: 0600 and 0700 by default,
# group-readable with REFORMLEDGER_UMASK=027 (reformledger.umask, ADR 0027).
FILE_UPLOAD_PERMISSIONS = umask.file_mode()
FILE_UPLOAD_DIRECTORY_PERMISSIONS = umask.dir_mode()
for _private_dir in (VAR_DIR, MEDIA_ROOT):
    if _private_dir.exists():
        umask.secure_dir(_private_dir)  # made open to every user by an older release

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Cookies over HTTPS only, HSTS, the proxy's header: the "HTTPS and headers" block below.

# E-mail for reminders: set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the host.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Real mail is set up (not the console of a fresh install): people may reset their own password
# by an e-mail link (ADR 0026); without it the link is not offered.
EMAIL_CONFIGURED = "EMAIL_BACKEND" in os.environ and "console" not in EMAIL_BACKEND and "dummy" not in EMAIL_BACKEND
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_in_one_line": {"()": "reformledger.core.logfilters.RefusalsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # A refused request (403) is one line in the log, not a traceback (core.logfilters).
    "loggers": {"django.db.backends": {"level": "INFO"}, "django.request": {"filters": ["refusals_in_one_line"]}},
}

# --- Reform Ledger's own settings -------------------------------------------------------------
SITE_NAME = os.environ.get("SITE_NAME", _("Reform Ledger"))
# The address people reach this site at (for links in e-mails and group messages), e.g. http://ledger.example.gov.cn
SITE_URL = os.environ.get("SITE_URL", "")
# Largest Excel ledger accepted for import, in megabytes.
LEDGER_MAX_UPLOAD_MB = float(os.environ.get("LEDGER_MAX_UPLOAD_MB", "20"))
# Largest attachment, in megabytes.
ATTACHMENT_MAX_MB = float(os.environ.get("ATTACHMENT_MAX_MB", "20"))
CATALOGUE_PAGE_SIZE = int(os.environ.get("CATALOGUE_PAGE_SIZE", "50"))

# --- Supervision (督查督办) ----------------------------------------------------------------------
# Amber: due within this many days and behind the straight-line trajectory. Reminders go out this
# many days before a due date, too.
WARNING_AMBER_DAYS = int(os.environ.get("WARNING_AMBER_DAYS", "7"))
# Red: in progress with no progress report for this many days.
WARNING_STALE_DAYS = int(os.environ.get("WARNING_STALE_DAYS", "30"))
# Escalate to the responsible leader when a task is this many days overdue.
WARNING_ESCALATE_DAYS = int(os.environ.get("WARNING_ESCALATE_DAYS", "7"))
# Escalate a supervision order that a unit has not acknowledged this many days after issue.
ORDER_ACK_DAYS = int(os.environ.get("ORDER_ACK_DAYS", "3"))
# Remind a unit of its written reply to an order this many days before the order's reply-by date.
ORDER_REPLY_SOON_DAYS = int(os.environ.get("ORDER_REPLY_SOON_DAYS", "2"))
# Supervision orders are numbered PREFIX〔YEAR〕N号, e.g. 罗改督〔2018〕3号.
ORDER_PREFIX = os.environ.get("ORDER_PREFIX", "罗改督")
# A province running several districts gives each its own prefix, by district code:
# ORDER_PREFIXES="lh=罗改督;ft=福改督". A district not named uses ORDER_PREFIX.
ORDER_PREFIXES = {
    code.strip(): prefix.strip()
    for code, _sep, prefix in (
        item.partition("=") for item in os.environ.get("ORDER_PREFIXES", "").split(";") if "=" in item
    )
}
# Largest evidence file, in megabytes.
EVIDENCE_MAX_MB = float(os.environ.get("EVIDENCE_MAX_MB", "20"))
# The worker runs scan-deadlines once a day at this local time (HH:MM).
SCAN_AT = os.environ.get("SCAN_AT", "06:30")
# Seconds a group-robot webhook may take to answer; attempts before a delivery is marked failed.
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
DELIVERY_MAX_ATTEMPTS = int(os.environ.get("DELIVERY_MAX_ATTEMPTS", "5"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "reform-ledger@localhost")

# --- Sign-in: lock-out, passwords, sessions, API tokens (ADR 0028) ------------------------------
INSTALLED_APPS += ["axes"]
# django-axes counts failed sign-ins; its backend must come first, its middleware last.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
# After this many failed sign-ins for one username, or from one address, further attempts are
# refused for SIGNIN_LOCKOUT_MINUTES (each counted separately: a guesser cannot lock a person out
# from every address by trying from many, nor try many people from one address).
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGNIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The pause runs from the failure that began it: retrying during it neither extends it nor counts.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "reformledger.core.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "reformledger.core.signin.client_ip"
AXES_VERBOSE = False
# Failed sign-ins and lock-outs are logged as warnings; axes' step-by-step notes are not.
cast(dict[str, Any], LOGGING["loggers"])["axes"] = {"level": "WARNING"}
# Behind a reverse proxy: the proxies' own addresses (e.g. 127.0.0.1). Only a request that comes
# from one of them has its client address read from CLIENT_IP_HEADER (the right-most address there
# that is not itself a trusted proxy); any other request is taken at its connection's address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "X-Forwarded-For")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "reformledger.core.passwords.PatternPasswordValidator"},
]

# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after sign-in
# whatever happens (core.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = float(os.environ.get("SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = int(SESSION_MAX_HOURS * 3600)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "reformledger.core.middleware.SessionTimeoutMiddleware",
)
# API tokens expire this many days after they are made (and die when their owner's password changes).
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

# --- HTTPS and headers (ADR 0029) -----------------------------------------------------------------
# A strict Content-Security-Policy on every response: scripts and styles from our own files only.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "reformledger.core.middleware.ContentSecurityPolicyMiddleware",
)
# Behind an HTTPS proxy: SECURE_PROXY_SSL_HEADER names the header the proxy sets (X-Forwarded-Proto);
# trusted only when set, and then the proxy must overwrite whatever a client sent in it.
if proxy_ssl_header := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's and the monitor's health check over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# An intranet host name cannot be on the browsers' HSTS preload list, so not asking for it is no gap.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Cookies only over HTTPS; SECURE_COOKIES=1 (the older switch) still sets both.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", env_bool("SECURE_COOKIES"))
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)

# --- The audit chain's anchor (ADR 0027) ---------------------------------------------------------
# The key that signs `reformledger audit-anchor` documents and the anchor printed in the monthly
# bulletin (HMAC-SHA256). Keep a copy away from the database: whoever holds it can sign an anchor.
AUDIT_ANCHOR_KEY = os.environ.get("AUDIT_ANCHOR_KEY", "")

# --- Group robots: where the worker may post (ADR 0030) ---------------------------------------
# Hosts a unit's group robot may be on (comma-separated, exact names): WeCom and DingTalk by default.
ROBOT_ALLOWED_HOSTS = env_list("ROBOT_ALLOWED_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com")
# Networks (CIDR, comma-separated) a robot's host may resolve to although they are private, for an
# intranet relay, e.g. ROBOT_ALLOWED_NETWORKS=10.20.0.5/32. Empty: public addresses only.
ROBOT_ALLOWED_NETWORKS = env_list("ROBOT_ALLOWED_NETWORKS", "")
# Allow http:// robot addresses (an intranet relay without TLS); https only by default.
ROBOT_ALLOW_HTTP = env_bool("ROBOT_ALLOW_HTTP")

# --- Ledger limits (ADR 0031) ------------------------------------------------------------------
# Largest uncompressed size of an .xlsx (the sum of its zip members), in megabytes.
LEDGER_MAX_UNCOMPRESSED_MB = float(os.environ.get("LEDGER_MAX_UNCOMPRESSED_MB", "50"))
# Most data rows a ledger may hold.
LEDGER_MAX_ROWS = int(os.environ.get("LEDGER_MAX_ROWS", "20000"))
# Most problems an import records (a line says how many more there were).
LEDGER_MAX_PROBLEMS = int(os.environ.get("LEDGER_MAX_PROBLEMS", "200"))

# --- Jobs (ADR 0031) ---------------------------------------------------------------------------
# Minutes a job may run before the worker takes it for stuck and marks it failed.
JOB_TIMEOUT = float(os.environ.get("JOB_TIMEOUT", "60"))
# For tests only: seconds a ledger job waits before it reads the file (a slow import on demand).
LEDGER_JOB_TEST_DELAY = float(os.environ.get("LEDGER_JOB_TEST_DELAY", "0"))

# --- eval-ratings: residents' one-time codes and the rate limits of ratings ---
# How one-time codes reach residents: a dotted path to a class with send(*, identifier, code, minutes).
# The default prints the code on the server's console (the demo); EmailSender uses the EMAIL_* settings;
# a province's SMS gateway plugs in the same way (docs/guide/residents.md).
EVALUATION_CODE_SENDER = os.environ.get("EVALUATION_CODE_SENDER", "reformledger.evaluation.senders.ConsoleSender")
# The key of the residents' identifier hashes (and of rating addresses and devices). Empty: derived
# from SECRET_KEY. Set it (and keep it) in production, so rotating SECRET_KEY keeps residents known (ADR).
EVALUATION_IDENTITY_KEY = os.environ.get("EVALUATION_IDENTITY_KEY", "")
# Ratings a minute per account and per client address (database counters, Redis with REDIS_URL).
EVALUATION_RATINGS_PER_MINUTE = int(os.environ.get("EVALUATION_RATINGS_PER_MINUTE", "30"))
EVALUATION_RATINGS_PER_MINUTE_PER_ADDRESS = int(os.environ.get("EVALUATION_RATINGS_PER_MINUTE_PER_ADDRESS", "120"))
# --- end eval-ratings ---
