"""Settings, read from the environment.

Development needs nothing set: SQLite in the project folder, DEBUG only when asked for.
Production must set SECRET_KEY (the app refuses to start without it when DEBUG is off) and
normally DATABASE_URL pointing at PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")
# A deployed site: not development, not the test suite (which runs with DEBUG off over http).
PRODUCTION = not DEBUG and not os.environ.get("PYTEST_VERSION")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not os.environ.get("PYTEST_VERSION"):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=1 for development."
        )
    # Only development and the test suite get here; never a deployed site.
    SECRET_KEY = "insecure-development-key-not-for-production"

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    # Before django_tasks_db: its `db_worker` command, made to outlast the database.
    "reports",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "councils",
    "spreadsheets",
    "actionplans",
    "impact",
    "scrutiny",
    "search",
    "home",
    "following",
    "api",
]

MIDDLEWARE = [
    # First: a database that does not answer, anywhere below, is a 503 page (not a 500).
    "config.unavailable.service_unavailable_middleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.refuse_nul_characters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.private_when_signed_in",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite, the embedded default, with several people saving at once: each transaction
    # takes the write lock when it begins (so two never both read, then fail to write), a
    # writer waits up to 20 s for the lock instead of failing with "database is locked",
    # and WAL lets pages be read while someone saves.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the pages' queries read each action's latest update through
    # correlated subqueries the planner costs high, so PostgreSQL compiled them, 200 ms
    # of compiling for 3 ms of work (My actions at 1,000,000 updates, docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Councils' password policies commonly ask for 10 characters or more (Django's default is 8).
    # The hint on the set-password pages says 10: change both together.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files the product keeps (published papers and their Word versions) go through STORAGES'
# default: the filesystem under MEDIA_ROOT, the embedded default; or, with
# AWS_STORAGE_BUCKET_NAME set, an S3 bucket through django-storages, which every app server
# and worker shares (docs/deployment.md). Any S3-compatible service with
# AWS_S3_ENDPOINT_URL. Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
# or the machine's role, as boto3 finds them; none are kept in settings. The bucket stays
# private: objects get no ACL of their own, and a paper is only ever streamed through the
# app after its access check (reports.views), never linked to.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")


def file_storage(bucket: str, env=os.environ) -> dict:
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env.get("AWS_S3_REGION_NAME") or None,
            "location": env.get("AWS_LOCATION", ""),
            "default_acl": None,  # the bucket's own: private
            "querystring_auth": True,  # any URL made is signed...
            "querystring_expire": 300,  # ...and good for five minutes
            "file_overwrite": False,  # a published paper is never written over
            # A store that is away is found out in seconds, not minutes: a download answers
            # 503 and publishing fails cleanly (reports.services.StorageFailed).
            "client_config": Config(
                connect_timeout=3, read_timeout=30, retries={"max_attempts": 3}
            ),
        },
    }


STORAGES = {
    "default": file_storage(AWS_STORAGE_BUCKET_NAME),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or os.environ.get("PYTEST_VERSION")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

AUTH_USER_MODEL = "councils.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "actionplans:home"

AUTHENTICATION_BACKENDS = [
    # Refuses a sign-in while its username and address are locked out; signs nobody in itself.
    # It needs the request: in tests, sign in with client.force_login(user), or pass
    # client.login(request=HttpRequest(), username=..., password=...).
    "axes.backends.AxesStandaloneBackend",
    # Object permissions from councils/rules.py: user.has_perm("actionplans.update_action", action).
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in throttling (django-axes). Failures are counted per username *and* IP address together:
# a council office usually reaches the internet through one NAT address, so counting by address
# alone would let one person (or one attacker) lock out every colleague in the building, and
# counting by username alone would let anyone lock a named officer out from anywhere. The
# address is REMOTE_ADDR; behind a reverse proxy every request shares the proxy's address, which
# makes the count per username in effect until AXES_IPWARE_PROXY_COUNT or similar is set.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A try during the lockout, even with the right password, does not restart the hour, so the
# lockout page's "try again in 1 hour" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Password-reset requests an hour: per client address, and per email address asked for.
PASSWORD_RESET_PER_CLIENT = int(os.environ.get("PASSWORD_RESET_PER_CLIENT", "10"))
PASSWORD_RESET_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_PER_EMAIL", "3"))

# Sessions end after SESSION_IDLE_SECONDS without a request (saving on every request makes the
# age an idle timeout) and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(2 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# CSRF_COOKIE_HTTPONLY keeps Django's default (False): hiding the CSRF cookie from scripts adds
# no protection, and the forms carry the token in a hidden field anyway.

# Email (password reset). The default prints messages to the console; production sets
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the EMAIL_HOST settings.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Council action plans <no-reply@localhost>"
)

# The site's address as people reach it, for links in emails (reminders, password resets
# are built from the request instead).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Published report files: kept for good (a published appendix must be reproducible).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"

# Spreadsheet uploads: at most this size, enforced as the bytes arrive (config/uploads.py).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "config.uploads.SizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Background work (publishing report packs): the database backend, run by the worker process
# `python manage.py db_worker` (started by `make run`; a service of its own in production).
# TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs tasks in the request
# instead, for a set-up with no worker.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}


# HTTPS and browser protections. On by default in production, where `manage.py check --deploy`
# must pass with no warnings; each can be turned off from the environment where a site needs.
# Behind a reverse proxy that terminates TLS, set BEHIND_PROXY=1: the proxy must set
# X-Forwarded-Proto (and overwrite any such header from the client).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]  # load balancers check over plain http
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
# Behind a proxy every sign-in comes from the proxy's address; count the client's instead
# (the address the proxy appends to X-Forwarded-For) when PROXY_COUNT says how many proxies
# stand in front. Without it only the connection's address counts: a client could write any
# X-Forwarded-For it liked.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
if PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Content-Security-Policy: our own scripts, styles and images only; no inline script or style
# anywhere (the pages have none), no framing, forms post only to this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Logs: one JSON object per line on standard error (for journald, Docker or a log shipper),
# or plain text with LOG_FORMAT=text.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text"),
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# While it lays out a report, the worker writes a heartbeat this often; a build with none for
# 90 s is taken as lost (reports.services.STALLED_AFTER) and can be published again.
REPORT_HEARTBEAT_SECONDS = float(os.environ.get("REPORT_HEARTBEAT_SECONDS", "5"))
# When the database does not answer, the worker tries again after 1 s, then 2, 4... up to this.
REPORT_WORKER_RETRY_SECONDS = float(os.environ.get("REPORT_WORKER_RETRY_SECONDS", "10"))

# Public pages (signed-out visitors) and each plan page's rendered body are served from the
# default cache; see actionplans/caching.py and actionplans.views.plan_body. Their keys
# include a version kept in the database, so a change is seen by every server at once.
# PUBLIC_CACHE_SECONDS=0 turns the public page cache off.
# Publishing writes a report's pack and its separate files on two processes at once where
# the machine can fork and has two cores (reports.rendering.write_alongside); 0 writes them
# one after the other in the worker's own process.
PAPERS_WRITE_IN_PARALLEL = env_bool("PAPERS_WRITE_IN_PARALLEL", default=True)
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "300"))
# How long a cached public page may go on being served after a change, by a process whose
# own cache (no REDIS_URL) still holds the council's old version (actionplans.caching).
PUBLIC_VERSION_SECONDS = int(os.environ.get("PUBLIC_VERSION_SECONDS", "2"))


def caches_for(redis_url: str) -> dict:
    """The caches: without REDIS_URL, each process keeps its own in memory (the embedded
    default, nothing to set up); with it, Django's own RedisCache, shared by every server,
    with sessions in a cache of their own (its own key prefix) on the same Redis. Never
    clear() either on a live site: Django's RedisCache.clear() empties the whole Redis
    database, sessions included."""
    if not redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                # At most a few hundred pages of about 50 KB each, per process.
                "OPTIONS": {"MAX_ENTRIES": 500},
            }
        }
    # Redis is an accelerator: config.cache.ForgivingRedisCache treats its errors as
    # misses. A short connect timeout, so that a Redis that is away costs little.
    shared = {
        "BACKEND": "config.cache.ForgivingRedisCache",
        "LOCATION": redis_url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
    }
    return {
        "default": {**shared, "KEY_PREFIX": "pages"},
        "sessions": {**shared, "KEY_PREFIX": "sessions"},
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = caches_for(REDIS_URL)

# The open-data API (api/): read-only for everyone, with officers' progress updates posted
# with a personal token. JSON only: DRF's browsable pages load scripts and styles the
# Content-Security-Policy refuses, and /api/ documents the API in the site's own design.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.tokens.TokenMayWrite"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.tokens.TokenRateThrottle",
        "api.tokens.AnonymousRateThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.LicensedPagination",
    "EXCEPTION_HANDLER": "api.views.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Council action plans: open data API",
    "DESCRIPTION": (
        "Councils' action plans, their actions' progress as at any date, measures, scrutiny "
        "recommendations and their responses, published impact assessments and committee "
        "papers: what anyone may read on the website, as JSON. Officers post progress "
        "updates to the actions they lead with a personal API token."
    ),
    "VERSION": "1",
    "LICENSE": {
        "name": "Open Government Licence v3.0",
        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema_hooks.add_error_responses",
        "api.schema_hooks.describe_fields",
    ],
}
if REDIS_URL:
    # Sessions read from Redis and kept in the database too (cached_db): every server reads
    # the same ones, and nobody is signed out when Redis restarts or is away.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"

# Personal API tokens (api/tokens.py): how many calls a token, and a signed-out visitor's
# address, may make (DRF rate strings: "3600/hour", "60/minute").
API_TOKEN_RATE = os.environ.get("API_TOKEN_RATE", "3600/hour")
API_ANON_RATE = os.environ.get("API_ANON_RATE", "1200/hour")
