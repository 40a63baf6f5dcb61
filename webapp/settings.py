"""Settings for the critical-minerals instruments app: one file, read from the environment.

Local defaults run a fresh checkout with nothing set (SQLite, DEBUG on). Production sets
DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

import datetime as dt
from pathlib import Path

import environ
import plotly
from django.core.exceptions import ImproperlyConfigured

from webapp.code_version import code_version

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; a missing file is fine

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def env_flag(name: str, *, default: bool) -> bool:
    """A yes/no setting that refuses a misspelling: django-environ reads any unknown
    word ("ture") as false, which would silently open a closed API."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes/no value; use one of "
        f"{', '.join(sorted(_TRUE | _FALSE))}."
    )


DEBUG = env_flag("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # DEBUG runs only
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "axes",
    "instruments",
]

MIDDLEWARE = [
    "webapp.security.RequestSizeLimitMiddleware",  # first: before anything reads
    "webapp.security.LocalTracebacksOnlyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "webapp.security.JsonErrorsForApiMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "instruments.web.middleware.DataVersionsOncePerRequestMiddleware",
    "instruments.web.middleware.ReaderNumberFormatMiddleware",
    "instruments.web.middleware.AppErrorPagesMiddleware",
    "webapp.security.SiteLoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its 429 answer
]

ROOT_URLCONF = "webapp.urls"
WSGI_APPLICATION = "webapp.wsgi.application"

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

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = (
    True  # a failed request never leaves a partial write
)
# Keep connections between requests: a new PostgreSQL connection per request cost
# ~9 ms, most of a light API request. Checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes on one SQLite file (two servers and a worker in the scale-out
    # test, a worker beside `make run`): take the write lock when a transaction begins
    # and wait for it, instead of failing at once when a read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {
            # Django's, with one Redis client per pool (webapp/cache.py).
            "BACKEND": "webapp.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Apart from another deployment (or test run) on the same Redis: cached
            # results are keyed by data versions, which two databases can share.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=""),
            # An unreachable Redis costs each request at most this long (seconds),
            # then the cache misses and the throttle lets it through (#24).
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_TIMEOUT", default=1.0),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=1.0),
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Cached values are pickles of the app's objects: a new release never reads the last one's.
CACHES["default"]["VERSION"] = code_version()

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "instruments:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
# The partners' languages: chosen with the switcher (a cookie), else the browser's
# Accept-Language. The API's field names and JSON stay English; its error messages follow.
LANGUAGES = [("en-gb", "English"), ("fr", "Français"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# plotly.js is served from the installed plotly package, so it always matches its version.
STATICFILES_DIRS = [("plotly", Path(plotly.__file__).parent / "package_data")]
# Hashed, compressed (gzip, and brotli when installed) static files with far-future
# caching: always in production, and in `make run` (DJANGO_STATIC_MANIFEST=true after
# collectstatic), so plotly.js (4.8 MB) travels as about 1.5 MB and once per version.
STATIC_MANIFEST = env_flag("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Source maps (most of the API docs' bytes) are fetched by developer tools only.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz"),
    *("br", "swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v"),
    *("mov", "mp4", "mpeg", "mpg", "webm", "wmv", "map"),
)
if STATIC_MANIFEST:
    WHITENOISE_AUTOREFRESH = False  # serve the collected files, as in production
    WHITENOISE_USE_FINDERS = False
    if DEBUG:
        # Django links unhashed names in DEBUG, so `make run` caches them for an hour
        # (production links hashed names, cached for ten years, immutable).
        WHITENOISE_MAX_AGE = 3600

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Proxies: how many reverse proxies (nginx, a load balancer) stand in front of the
# app. Only then are X-Forwarded-For (client address for throttles and lockouts) and
# X-Forwarded-Proto (https) believed; with 0 (the default) a client cannot fake them.
NUM_PROXIES = env.int("NUM_PROXIES", default=env.int("TRUSTED_PROXIES", default=0))
if NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES must be 0 or more.")

# Production hardening: all on when DEBUG is off (manage.py check --deploy is clean).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NUM_PROXIES else None
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int(
    "DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from this site, never inline
# (chart data travels in json_script blocks, which are data, not code). Styles allow
# inline because Plotly writes its own <style> rules. Redoc runs in a blob: worker.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Failed sign-ins (login form, admin, /api/v1/token/): django-axes locks out a
# username and, separately, an address after AXES_FAILURE_LIMIT failures, for
# AXES_COOLOFF_MINUTES. Attempts are stored in the database (reset in the admin, or
# `manage.py axes_reset`).
AXES_ENABLED = env_flag("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# A username and, separately, an address; behind a proxy NUM_PROXIES does not name
# (X-Forwarded-For from a private address) the username only: webapp/security.py.
AXES_LOCKOUT_PARAMETERS = "webapp.security.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "webapp.security.client_ip"
AXES_LOCKOUT_CALLABLE = "webapp.security.lockout_response"
AXES_VERBOSE = False

# Request and upload limits (bytes). A request body (JSON, form fields) over
# DATA_UPLOAD_MAX_MEMORY_SIZE is refused (the API answers 413 JSON); uploaded files
# above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# Any request body over REQUEST_MAX_BYTES is a 413 before it is read, on every route
# (the admin: IMPORT_MAX_UPLOAD_BYTES plus room for the form, for file imports).
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=10_000_000)
# Admin imports (CSV/XLSX): file size, rows, and what an xlsx may expand to.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=10_000_000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int(
    "IMPORT_MAX_UNCOMPRESSED_BYTES", default=50_000_000
)
# Rows a CSV/XLSX list export gives at once (more: a 400 saying how to page).
EXPORT_MAX_ROWS = env.int("EXPORT_MAX_ROWS", default=50_000)
# Scenarios compared side by side on one page (each one is re-run).
COMPARE_MAX_SCENARIOS = env.int("COMPARE_MAX_SCENARIOS", default=6)

# Printed on every page of a PDF brief and every slide: the classification or draft
# line, and the name of the body that issues the brief (a ministry, a department).
BRIEFING_CLASSIFICATION = env.str(
    "BRIEFING_CLASSIFICATION", default="DRAFT — for discussion, not agreed policy"
)
BRIEFING_ISSUER = env.str(
    "BRIEFING_ISSUER", default="Critical-minerals trade instruments"
)

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# The whole site (pages and API) is open to anonymous readers unless REQUIRE_LOGIN is
# set; API_REQUIRE_LOGIN is its older name and closes the pages too. Both are read at
# request time through webapp.security.login_required_everywhere().
REQUIRE_LOGIN = env_flag(
    "REQUIRE_LOGIN", default=env_flag("API_REQUIRE_LOGIN", default=False)
)
API_REQUIRE_LOGIN = REQUIRE_LOGIN
# API keys are stored hashed and expire: account tokens (header) and read-only
# spreadsheet keys (?token= in IMPORTDATA URLs).
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=365)
SPREADSHEET_KEY_DAYS = env.int("SPREADSHEET_KEY_DAYS", default=90)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # A token scheme first, so a missing or bad key is a 401 (WWW-Authenticate).
        "instruments.api.authentication.HashedTokenAuthentication",
        "instruments.api.authentication.QueryStringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated"
        if API_REQUIRE_LOGIN
        else "rest_framework.permissions.IsAuthenticatedOrReadOnly"
    ],
    "DEFAULT_PARSER_CLASSES": [
        "instruments.api.guards.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "instruments.api.errors.FormatNegotiation",
    "EXCEPTION_HANDLER": "instruments.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["instruments.api.filters.StrictFilterBackend"],
    # JSON by default; ?format=csv / ?format=xlsx (or Accept: text/csv) for spreadsheets.
    "DEFAULT_RENDERER_CLASSES": [
        "instruments.api.renderers.JSONRenderer",  # DRF's, written by orjson
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
        "instruments.api.renderers.CSVRenderer",
        "instruments.api.renderers.XLSXRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": (
        "instruments.api.pagination.SpreadsheetFriendlyPagination"
    ),
    "PAGE_SIZE": 100,
    "NUM_PROXIES": NUM_PROXIES,
    # DRF's throttles, reading the rates below at request time.
    "DEFAULT_THROTTLE_CLASSES": [
        "instruments.api.throttling.AnonThrottle",
        "instruments.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="1000/hour"),
        "user": env.str("API_THROTTLE_USER", default="10000/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "instruments.api.schema.ApiAutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Critical-minerals trade instruments API",
    "DESCRIPTION": (
        "Calculators for border-adjusted price floors, trade response, standards-based "
        "markets, price-gap subsidies and offtake agreements, and the reference data "
        "(commodities, price series, partners) they run on."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "instruments.api.schema.document_errors_and_access",
    ],
    "ENUM_NAME_OVERRIDES": {
        "PriceUnitEnum": "instruments.models.PRICE_UNIT_CHOICES",
        # The register's stages (mine, refinery...) are not a commodity's stages.
        "StageEnum": "instruments.models.Stage",
        "ProjectStageEnum": "instruments.models.ProjectStage",
        "ProjectStatusEnum": "instruments.models.ProjectStatus",
        # Fields named "method" with different choices (trade-response vs the blocks).
        "TradeResponseMethodEnum": "instruments.calculators.trade_response.METHODS",
        "ExactOrSmartMethodEnum": (
            "instruments.calculators.trade_response.EXACT_OR_SMART"
        ),
        # Measures appear in the plurilateral and the stockpile calculators.
        "MeasureKindEnum": "instruments.calculators.plurilateral_inputs.MEASURE_KINDS",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Request lines carry ?token= spreadsheet keys: never write them to a log.
    "filters": {"redact_tokens": {"()": "webapp.redaction.RedactTokensFilter"}},
    "formatters": {"server": {"format": "[{asctime}] {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens"],
            "formatter": "server",
        },
    },
    "loggers": {
        # runserver's access log (gunicorn's: webapp/gunicorn_conf.py).
        "django.server": {
            "handlers": ["server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_tokens"],
        },
    },
    "root": {
        "handlers": ["console"],
        "level": env.str("DJANGO_LOG_LEVEL", default="INFO"),
    },
}

# Audit history: a change reason names the file a steward imported, which may be long.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Jobs (services/jobs.py): long work on Celery workers over Redis. With no broker set
# (a fresh `make run`), the same code runs the work in the request, so the demo needs
# nothing else. Workers share the database and the cache with the app servers.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_IGNORE_RESULT = True  # a job's state and result live in the Job table
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long tasks: one at a time per worker process
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A job's task (tasks.py) is acknowledged after it ends and given back to the broker
# if its worker dies; it is stopped after JOB_TIME_LIMIT_SECONDS (failed with a
# message JOB_SOFT_TIME_LIMIT_SECONDS = 30 s earlier).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
JOB_TIME_LIMIT_SECONDS = env.int("JOB_TIME_LIMIT_SECONDS", default=900)
JOB_SOFT_TIME_LIMIT_SECONDS = max(JOB_TIME_LIMIT_SECONDS - 30, 1)
# The sweeper (services.jobs.sweep_stale_jobs; beat, `manage.py sweep_jobs`, and each
# read of a job's status): a running job silent this long is handed to a worker again
# once, then failed; a queued job this old that the broker does not hold, likewise.
JOBS_STALE_SECONDS = env.int("JOBS_STALE_SECONDS", default=120)
JOBS_QUEUE_STALE_SECONDS = env.int("JOBS_QUEUE_STALE_SECONDS", default=600)
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-jobs": {
        "task": "instruments.sweep_stale_jobs",
        "schedule": max(JOBS_STALE_SECONDS // 2, 10),
    },
}
# A simulation above this many paths × steps is answered with 202 and a job.
JOBS_SYNC_MAX_PATH_STEPS = env.int("JOBS_SYNC_MAX_PATH_STEPS", default=2_000_000)
JOBS_MAX_BATCH = env.int("JOBS_MAX_BATCH", default=2_000)
# Simulated path-steps one batch or sensitivity job may hold in all (about 4 minutes
# of a worker; 24 s anonymous), and jobs one client may have queued or running at once
# (a signed-in user; an anonymous client, by address). services/job_limits.py.
JOBS_MAX_WORK_PATH_STEPS = env.int("JOBS_MAX_WORK_PATH_STEPS", default=1_200_000_000)
JOBS_MAX_WORK_PATH_STEPS_ANONYMOUS = env.int(
    "JOBS_MAX_WORK_PATH_STEPS_ANONYMOUS", default=120_000_000
)
JOBS_MAX_ACTIVE_PER_USER = env.int("JOBS_MAX_ACTIVE_PER_USER", default=5)
JOBS_MAX_ACTIVE_ANONYMOUS = env.int("JOBS_MAX_ACTIVE_ANONYMOUS", default=2)
# A sensitivity request runs in the request up to this many calculations (and
# JOBS_SYNC_MAX_PATH_STEPS simulated path-steps in all); a longer one is a job.
JOBS_SYNC_MAX_SWEEP_POINTS = env.int("JOBS_SYNC_MAX_SWEEP_POINTS", default=50)
# A stockpile calculation solving more paths of monthly equilibria than this (its
# sizes, and with scenarios its sizes at each cut) is answered with 202 and a job.
JOBS_SYNC_MAX_STOCKPILE_PATHS = env.int("JOBS_SYNC_MAX_STOCKPILE_PATHS", default=24)
# Rows an export job (POST /api/v1/jobs/ {"export": "<a list's URL>"}) may give.
EXPORT_JOB_MAX_ROWS = env.int("EXPORT_JOB_MAX_ROWS", default=1_000_000)
# A confirmed import of a published file larger than this runs as a job.
IMPORT_SYNC_MAX_BYTES = env.int("IMPORT_SYNC_MAX_BYTES", default=1_000_000)
# Calculation results are cached (services/calculation.py) for this many seconds.
CALCULATION_CACHE_SECONDS = env.int("CALCULATION_CACHE_SECONDS", default=86_400)
# A result that pickles to more bytes than this is not cached (computed again).
CALCULATION_CACHE_MAX_BYTES = env.int("CALCULATION_CACHE_MAX_BYTES", default=5_000_000)
# A result computed faster than this is not written to the cache: computing it again
# costs less than pickling it and the round trip (seconds; 0 keeps every result).
CALCULATION_CACHE_MIN_SECONDS = env.float(
    "CALCULATION_CACHE_MIN_SECONDS", default=0.005
)
# For anonymous visitors: a smaller largest result and a shorter life in the cache.
CALCULATION_CACHE_ANONYMOUS_MAX_BYTES = env.int(
    "CALCULATION_CACHE_ANONYMOUS_MAX_BYTES", default=500_000
)
CALCULATION_CACHE_ANONYMOUS_SECONDS = env.int(
    "CALCULATION_CACHE_ANONYMOUS_SECONDS", default=3_600
)
