"""Settings shared by every environment; each value that varies comes from the environment."""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.databases import ConnectionSettings, databases

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Proxies in front of the site that append to X-Forwarded-For (0: none, the client connects
# directly). The client's address is the entry the outermost of them appended; anything to
# its left is the client's own text and is never trusted (config/client_address.py).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Its OpClass in index expressions (the search's trigram indexes, PostgreSQL only) and
    # pg_trgm's lookups; on SQLite it does nothing.
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "simple_history",
    "axes",
    "startups",
    "deals",
    "dashboards",
    "backups",
    "deals.api",
]

MIDDLEWARE = [
    # First: every reader of REMOTE_ADDR (throttle, login lockout, access log) gets the client's.
    "config.client_address.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a body: one over its limit is a 413 (config/request_limits.py).
    "config.request_limits.RequestSizeLimitMiddleware",
    # An admin search of more terms than startups.search allows: a 400 before any query.
    "config.request_limits.AdminSearchLimitMiddleware",
    # Outermost but for the headers: a database outage answers 503, after one retry of a read.
    "config.middleware.DatabaseUnavailableMiddleware",
    # After it, so that a query stopped by the statement timeout is a 503 of its own, not retried.
    "config.statement_timeout.QueryTimeoutMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.languages.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # With API_REQUIRE_LOGIN_FOR_READS, every page and CSV needs a signed-in user.
    "config.read_access.LoginRequiredForReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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

# Seconds any one statement may run on PostgreSQL: every connection's, and the refresh's and
# import's (their transaction only).
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=10)
DATABASE_LONG_STATEMENT_TIMEOUT = env.float("DATABASE_LONG_STATEMENT_TIMEOUT", default=600)
# Streaming replicas of DATABASE_URL, comma-separated: the router sends a request's reads to one
# of them (config/replicas.py). Empty: every query goes to DATABASE_URL, as before.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
DATABASES = databases(
    env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    DATABASE_REPLICA_URLS,
    ConnectionSettings(
        statement_timeout=DATABASE_STATEMENT_TIMEOUT,
        connect_timeout=env.int("DATABASE_CONNECT_TIMEOUT", default=5),
        conn_max_age=env.int("CONN_MAX_AGE", default=None),
        pool_max_size=env.int("DATABASE_POOL_MAX_SIZE", default=0),
        pool_min_size=env.int("DATABASE_POOL_MIN_SIZE", default=1),
        pool_timeout=env.float("DATABASE_POOL_TIMEOUT", default=10),
        disable_server_side_cursors=env.bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False),
        sqlite_busy_timeout=env.int("SQLITE_BUSY_TIMEOUT", default=20),
    ),
)
# With replicas: a request's reads on one of them, the rest on the primary (config/replicas.py).
# A client that wrote reads the primary for REPLICA_PIN_SECONDS, then a replica only once it has
# replayed past the write (config/replicas.py); a replica further behind than
# REPLICA_MAX_LAG_SECONDS, or unreachable, is left out until it catches up or answers again.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30)
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["config.replicas.ReplicaRouter"]
    # Inside DatabaseUnavailableMiddleware, so that its retry of a read whose replica failed
    # passes through here again and reads the primary.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("config.statement_timeout.QueryTimeoutMiddleware") + 1,
        "config.replicas.ReplicaMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is refused (429), even with the right password, until the cool-off has
# passed or staff reset it (`manage.py axes_reset_username NAME`). By username and address
# together (the client's address: REMOTE_ADDR, which config.client_address has set per
# NUM_PROXIES; never a header the client wrote): guessing one account is stopped, and a
# stranger elsewhere cannot lock its owner out. Attempts are kept in the database, like
# sessions, never in Redis.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No start-up banner on every command; a lockout is still logged with its username and address.
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# `make backup` writes here unless given BACKUP_FILE (backups/dumps.py).
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "var" / "backups")

# Request sizes (config/request_limits.py): bodies over these are refused with 413 before
# they are read. An API body (JSON) is small; the admin's import upload is the one large body.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=2**20)
IMPORT_UPLOAD_MAX_BYTES = env.int("IMPORT_UPLOAD_MAX_BYTES", default=20 * 2**20)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 2**19)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=20)
# Uploaded files larger than this are spooled to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * 2**19)

# What one upload may make the server do, whatever the files declare (deals/uploads.py): rows
# and columns read from a workbook, errors listed per file in an import report.
IMPORT_XLSX_MAX_ROWS = env.int("IMPORT_XLSX_MAX_ROWS", default=100_000)
IMPORT_XLSX_MAX_COLUMNS = env.int("IMPORT_XLSX_MAX_COLUMNS", default=100)
IMPORT_REPORT_MAX_ERRORS = env.int("IMPORT_REPORT_MAX_ERRORS", default=100)
# An import preview not confirmed within this many hours is deleted (deals.tasks) and can no
# longer be confirmed: each holds its files in the database.
IMPORT_PREVIEW_TTL_HOURS = env.int("IMPORT_PREVIEW_TTL_HOURS", default=24)
# The admin's export is built by a task and kept this many hours for its download.
EXPORT_TTL_HOURS = env.int("EXPORT_TTL_HOURS", default=24)

# Sessions live in the database so that logins never depend on Redis being up.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

REDIS_URL = env("REDIS_URL", default="")

# Production sets it: without a broker the web server and the Celery worker refuse to start,
# so that no heavy task ever runs inside a request (config/task_broker.py).
REQUIRE_TASK_BROKER = False
# Without a broker, tasks run in-process: the embedded default of `make run`.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="tracker")
# Memory for each sort or hash of an aggregate refresh (PostgreSQL's work_mem, set for the
# refresh's transaction only; the server's default of 4 MB makes them spill to disk).
REFRESH_WORK_MEM = env("REFRESH_WORK_MEM", default="256MB")
# Months after which a valuation with no newer one is drawn and counted as stale
# (dashboards.staleness); the unicorn aggregates apply it at the next full refresh.
VALUATION_STALE_AFTER_MONTHS = env.int("VALUATION_STALE_AFTER_MONTHS", default=24)
if VALUATION_STALE_AFTER_MONTHS < 1:
    raise ImproperlyConfigured("VALUATION_STALE_AFTER_MONTHS must be 1 or more (months).")
# Days the change feed keeps its rows, tombstones included (startups.tasks purges the older
# ones daily); a client whose cursor is older resynchronises (docs/api.md, "Change feed").
CHANGES_KEEP_DAYS = env.int("CHANGES_KEEP_DAYS", default=365)
if CHANGES_KEEP_DAYS < 1:
    raise ImproperlyConfigured("CHANGES_KEEP_DAYS must be 1 or more (days).")
# A request must never hang on a broker that is down: bounded connects, no endless retry.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    # One more try straight away, no 2 s sleep first (kombu's default): a save waits for it.
    "max_retries": 1,
    "interval_start": 0,
    # A task whose worker died unacknowledged (acks late) is delivered again after this long;
    # longer than the longest task (a full refresh of 1M rounds: about 200 s).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # Workers look for such tasks every 10 s (kombu's default scans only every 10th time).
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A save publishes once; if the broker is down the outbox row waits for the reconcile task.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "full-refresh-nightly": {
        "task": "dashboards.tasks.refresh_full_task",
        "schedule": crontab(hour=3, minute=15),
    },
    "reconcile-every-minute": {
        "task": "dashboards.tasks.reconcile_task",
        "schedule": 60.0,
    },
    "expire-bulk-data-hourly": {
        "task": "deals.tasks.expire_bulk_data_task",
        "schedule": crontab(minute=40),
    },
    "purge-old-changes-daily": {
        "task": "startups.tasks.purge_old_changes_task",
        "schedule": crontab(hour=4, minute=10),
    },
    # The safety net of webhooks: deliveries whose next attempt is due, whether their retry
    # was never queued (a broker down at commit) or is due later than a task waits.
    "send-due-webhooks-every-minute": {
        "task": "dashboards.webhook_tasks.send_due_deliveries_task",
        "schedule": 60.0,
    },
    # Each data change queues the matcher after commit; this re-runs it, so that a change
    # saved while Redis was down is matched (and emailed) once it is back.
    "match-alerts-every-minute": {
        "task": "dashboards.alert_tasks.match_alerts_task",
        "schedule": 60.0,
    },
    "alert-digests-daily": {
        "task": "dashboards.alert_tasks.send_digests_task",
        "schedule": crontab(hour=7, minute=0),
    },
}

# Webhooks (docs/webhooks.md): seconds to connect and, again, to wait for the answer; and, for
# development and tests only, URLs that are http or reach private addresses (SSRF rules off).
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10)
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)

# Alert emails (dashboards/alert_email.py), sent by Django's email framework to the server
# EMAIL_URL names: smtp+tls://user:password@host:587 (STARTTLS), smtp+ssl://...:465 (TLS from
# the start), smtp://host:25; consolemail:// prints them (development). A link in an email is
# SITE_URL followed by the page's path.
email_server = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(
    {name: value for name, value in email_server.items() if value not in (None, "", {})}
)
# Seconds an SMTP connection may wait: a hung server fails one send, which the next run retries.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="China AI Unicorn Tracker <alerts@localhost>"
)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Chart data is cached under a generation key that each refresh bumps. Redis when there is
# one, with short timeouts: a Redis outage is a cache miss, never a hung or failed request.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tracker",
            "TIMEOUT": 60 * 60 * 24,
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tracker"}
    ),
    # Throttling counts live here, never in Redis: an outage must not turn into errors.
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}

# The API (deals/api/): hashed, expiring knox tokens or a session with CSRF; anonymous reads
# unless API_REQUIRE_LOGIN_FOR_READS, which closes the pages and CSVs too (config/read_access.py);
# writes need the model permission.
API_REQUIRE_LOGIN_FOR_READS = env.bool("API_REQUIRE_LOGIN_FOR_READS", default=False)
# The analysts' sign-in page (in the page's language); staff may also use the admin's.
LOGIN_URL = "dashboards:login"
LOGIN_REDIRECT_URL = "dashboards:watchlist"
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=100)
API_MAX_PAGE_SIZE = 500
# A search (the API's ?search=, the admin's search box) takes at most this many terms of at
# most this many characters: each term is a LIKE on every searched column (startups.search).
SEARCH_MAX_TERMS = env.int("SEARCH_MAX_TERMS", default=20)
SEARCH_MAX_TERM_LENGTH = env.int("SEARCH_MAX_TERM_LENGTH", default=100)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "deals.api.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "deals.api.access.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["deals.api.access.ModelPermissionsOrRead"],
    "DEFAULT_THROTTLE_CLASSES": [
        "deals.api.access.AnonThrottle",
        "deals.api.access.UserThrottle",
    ],
    # Counted in the "local" cache (per process), never in Redis: see deals.api.access.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/minute"),
        "user": env("API_THROTTLE_USER", default="1200/minute"),
    },
    # By REMOTE_ADDR, which ClientAddressMiddleware has already set to the client's address
    # per NUM_PROXIES: DRF must not read X-Forwarded-For a second time (its default, None,
    # keys on the whole header, which a client rotates at will).
    "NUM_PROXIES": 0,
    "DEFAULT_RENDERER_CLASSES": [
        "deals.api.renderers.JSONRenderer",
        "deals.api.renderers.SignedInBrowsableAPIRenderer",
        "deals.api.renderers.CSVRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "deals.api.renderers.ContentNegotiation",
    # orjson refuses what PostgreSQL could not store either (lone surrogates), and JSON nested
    # deeper than any body needs (deals.api.parsers): a 400, not a 500.
    "DEFAULT_PARSER_CLASSES": [
        "deals.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter's backend, skipping the FilterSet when no filter is named.
        "deals.api.filter_backend.FilterBackend",
        "deals.api.filters.SearchFilter",
        "deals.api.ordering.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "deals.api.pagination.KeysetPagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "EXCEPTION_HANDLER": "deals.api.errors.exception_handler",
}
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=90)),
    "TOKEN_PREFIX": "cait_",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "China AI Unicorn Tracker API",
    "DESCRIPTION": "China's AI startups, their investors and funding rounds, with sources.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The API's bodies are JSON; form and multipart input are parsed for the browsable API's
    # HTML forms (same fields, same rules, a key given twice a 400) but are not the API's
    # contract, so the schema documents JSON bodies only.
    "PARSER_WHITELIST": ["deals.api.parsers.JSONParser"],
    # Links from each create to its record's operations (stateful clients, schemathesis);
    # an empty optional query parameter is no parameter.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "deals.api.schema.add_links",
        "deals.api.schema.allow_empty_query_values",
    ],
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "QualifierEnum": "startups.vocab.Qualifier",
        "CurrencyEnum": "startups.vocab.SORTED_CURRENCIES",
        "DatePrecisionEnum": "startups.vocab.DatePrecision",
        "ConfidenceEnum": "startups.vocab.Confidence",
        "SourceKindEnum": "startups.vocab.SourceKind",
        "FigureEnum": "deals.evidence.FIELD_NAMES",
    },
}

# The Content-Security-Policy that production sends (production.py adds django-csp's
# middleware; tests/security/test_csp_browser.py serves the same policy to Chromium): only our
# own scripts, styles and fonts, nothing inline, no eval, never in a frame. No
# 'unsafe-inline' for styles either: plotly.js's injected stylesheet is served as a file
# (templates/dashboards/_plotly.html). Images may also be data: URLs, which cannot run
# script: Swagger UI's icons are, and plotly.js's map libraries probe WebP support with one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Django's own console handler would print each of its records a second time beside root's.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
