"""Settings for ceasefire-tracker, read from the environment.

Every value has a development default except in production, where ``DEBUG=False`` makes
``SECRET_KEY`` mandatory. Parsing is strict: a typo in a boolean is an error, not "on".
Secrets may also be read from ``NAME_FILE`` (Docker secrets).
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from lib.rates import parse_rate

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default)
    if value not in ("True", "False", "true", "false", "1", "0"):
        raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")
    return value in ("True", "true", "1")


def envsecret(name: str, default: str | None = None) -> str | None:
    """Read ``NAME`` from the environment, or the contents of the file named by ``NAME_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envint(name: str, default: str, minimum: int = 0) -> int:
    value = os.environ.get(name, default)
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number from {minimum}, not {value!r}")
    return int(value)


def envrate(name: str, default: str) -> tuple[int, int] | None:
    """A rate such as ``60/min`` as (requests, seconds); None for ``off`` or empty."""
    try:
        return parse_rate(name, os.environ.get(name, default))
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None


DEBUG = envbool("DEBUG", "True")
SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is False")
    SECRET_KEY = "development-only-secret-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "simple_history",
    "axes",
    "corsheaders",
    "actors",
    "events",
    "front",
    "releases",
    "bench",
]

MIDDLEWARE = [
    # First: every response, redirects and errors included, carries the request id.
    "lib.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that answers: a refusal or a 429 carries the CORS headers too.
    "lib.middleware.ReadOnlyCorsMiddleware",
    "lib.throttling.RateLimitHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "lib.middleware.RejectNulCharactersMiddleware",
    "lib.replicas.ReplicaMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in session's reads are private.
    "lib.httpcache.APICacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its page (lib/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

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

WSGI_APPLICATION = "tracker.wsgi.application"

# SQLite is the embedded default for local use; DATABASE_URL switches to PostgreSQL, which the
# tests and production use.
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=CONN_MAX_AGE,
        conn_health_checks=True,
    )
}

# Streaming replicas of the default database (comma-separated URLs), read by anonymous API
# requests: aliases replica, replica2, … (lib/replicas.py, docs/scaling.md). In tests a
# replica reads the test database that pytest creates on the primary (TEST MIRROR), which it
# receives through replication.
DATABASE_READ_REPLICAS = []
for number, url in enumerate(envlist("DATABASE_REPLICA_URLS", ""), start=1):
    alias = "replica" if number == 1 else f"replica{number}"
    DATABASES[alias] = {
        **dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_READ_REPLICAS.append(alias)
if DATABASE_READ_REPLICAS:
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL")
    DATABASE_ROUTERS = ["lib.replicas.PrimaryReplicaRouter"]
# PostgreSQL's JIT compiles a query whose estimated cost is high (the API's counts, its
# filtered pages) and spent more time compiling than it saved on them: off for the app's
# connections (docs/tuning.md).
for database in DATABASES.values():
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
# After a write, the writer's reads stay on the primary for this many seconds.
DATABASE_REPLICA_PIN_SECONDS = envint("DATABASE_REPLICA_PIN_SECONDS", "10", minimum=1)
# When set, a replica further behind than this many seconds is not read (the primary is).
DATABASE_REPLICA_MAX_LAG = (
    envint("DATABASE_REPLICA_MAX_LAG", "0")
    if os.environ.get("DATABASE_REPLICA_MAX_LAG", "").strip()
    else None
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins that check a password (the admin's, the browsable API's /api-auth/login/) lock out
# after LOGIN_FAILURE_LIMIT failures in a row for one username from one address, for
# LOGIN_COOLOFF_MINUTES counted from the last attempt (django-axes; docs/reliability.md).
# Tokens are not passwords: a bad token is a 401 and locks nothing.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5", minimum=1)
LOGIN_COOLOFF_MINUTES = envint("LOGIN_COOLOFF_MINUTES", "15", minimum=1)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lib.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "lib.throttling.client_ip"
AXES_VERBOSE = False
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For:
# with 0 the client is REMOTE_ADDR and X-Forwarded-For is ignored (a client can write it).
PROXY_COUNT = envint("PROXY_COUNT", "0")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# HTTPS: on by default when DEBUG is off; each switch can be turned off for a trial over plain
# HTTP (.env.example). HSTS tells browsers to use HTTPS only, for SECURE_HSTS_SECONDS.
PRODUCTION_DEFAULT = "False" if DEBUG else "True"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", PRODUCTION_DEFAULT)
# The container and load-balancer probes ask over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION_DEFAULT)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", PRODUCTION_DEFAULT)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", PRODUCTION_DEFAULT)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", PRODUCTION_DEFAULT)
# Trusted only when configured: the header a TLS-terminating proxy sets to "https", e.g.
# SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto. Without a proxy that overwrites it, any client
# could claim HTTPS with it.
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    if not re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", _proxy_header):
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto, "
            f"not {_proxy_header!r}"
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")

# Content Security Policy (django-csp): scripts, styles, images and fonts from this site only,
# no inline scripts or style attributes (lib/contentpolicy.py: the few pages allowed inline
# styles).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The data version (lib/dataversion.py) and the cached aggregates live in the default cache:
# Redis when REDIS_URL is set (shared by every process: needed with more than one), else local
# memory (one process). KEY_PREFIX keeps databases sharing one Redis apart.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": (
            "django.core.cache.backends.redis.RedisCache"
            if REDIS_URL
            else "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get(
            "CACHE_KEY_PREFIX", Path(str(DATABASES["default"].get("NAME") or "")).name
        ),
    }
}
# Citable releases (releases/, ``manage.py make_release``): one directory per version under
# RELEASES_ROOT, written by the command and served by /api/v1/releases/ (not BASE_DIR/releases:
# that is the app's code). RELEASE_SITE_URL is
# the site's public address, written into the files (the records' ``url``) and CITATION.cff;
# RELEASE_AUTHORS lists the authors separated by ";" ("Family, Given" for a person, else the
# name of an organization).
RELEASES_ROOT = Path(os.environ.get("RELEASES_ROOT", BASE_DIR / "var" / "releases"))
RELEASE_SITE_URL = os.environ.get("RELEASE_SITE_URL", "http://localhost:8000").rstrip("/")
if not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", RELEASE_SITE_URL):
    raise ImproperlyConfigured(
        f"RELEASE_SITE_URL must be an address such as https://example.org, not {RELEASE_SITE_URL!r}"
    )
RELEASE_TITLE = os.environ.get("RELEASE_TITLE", "Ceasefire tracker: ceasefire and diplomacy events")
RELEASE_AUTHORS = [
    name.strip()
    for name in os.environ.get("RELEASE_AUTHORS", "Ceasefire tracker editors").split(";")
    if name.strip()
]
RELEASE_REPOSITORY_URL = os.environ.get("RELEASE_REPOSITORY_URL", "")

# Anonymous API reads: Cache-Control: public, max-age=API_CACHE_MAX_AGE (seconds), with ETag
# and Last-Modified (lib/httpcache.py). Paths under API_CACHE_PREFIX only.
API_CACHE_MAX_AGE = envint("API_CACHE_MAX_AGE", "60")
API_CACHE_PREFIX = "/api/"
# How long a computed aggregate (a conflict's counts, its accusation matrix) is kept; a write
# makes it stale at once whatever this says.
AGGREGATE_CACHE_SECONDS = envint("AGGREGATE_CACHE_SECONDS", "3600", minimum=1)

API_READ_REQUIRES_TOKEN = envbool("API_READ_REQUIRES_TOKEN", "False")
# A list's count is exact up to this many rows, and null beyond (unless ?count=exact): counting
# a large result is most of the time of its first page (events/api/pagination.py).
API_EXACT_COUNT_LIMIT = envint("API_EXACT_COUNT_LIMIT", "10000", minimum=1)
# Objects and arrays nested deeper than this in a request body are a 400 (lib/parsers.py).
API_MAX_JSON_DEPTH = envint("API_MAX_JSON_DEPTH", "32", minimum=1)
# The largest file the sources' admin upload (Import sources) takes; the command has no limit.
SOURCE_IMPORT_MAX_BYTES = envint("SOURCE_IMPORT_MAX_MB", "5", minimum=1) * 1024 * 1024

# Requests per period (60/min; periods s, sec, second, m, min, minute, h, hour, d, day) of an
# anonymous client (by address) and of each user with a token or a session; "off" or empty: no
# limit. Counted in the default cache (lib/throttling.py).
API_THROTTLE_RATES = {
    "anon": envrate("API_THROTTLE_ANON", "60/min"),
    "user": envrate("API_THROTTLE_USER", "600/min"),
}

# Other sites' pages may read the API (GET, HEAD and their preflights, under /api/ only) from
# these origins: scheme://host[:port], comma-separated; none by default.
CORS_ALLOWED_ORIGINS = envlist("CORS_ALLOWED_ORIGINS", "")
for origin in CORS_ALLOWED_ORIGINS:
    if not re.fullmatch(r"https?://[^/?#\s]+", origin):
        raise ImproperlyConfigured(
            f"CORS_ALLOWED_ORIGINS must list origins such as https://example.org, not {origin!r}"
        )
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Readable by the page's script: where the client stands with the limits, the validators.
CORS_EXPOSE_HEADERS = [
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Retry-After",
    "ETag",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["events.api.permissions.ReadPublishedWriteWithModelPerms"],
    # Rates in API_THROTTLE_RATES, read per request.
    "DEFAULT_THROTTLE_CLASSES": [
        "lib.throttling.AnonRateThrottle",
        "lib.throttling.UserRateThrottle",
    ],
    # DRF's defaults, with a JSON parser that refuses bodies nested too deeply.
    "DEFAULT_PARSER_CLASSES": [
        "lib.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["lib.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "events.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "lib.contentpolicy.BrowsableAPIRendererWithInlineStyles",
        "events.api.renderers.FlatCSVRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "lib.schema.AutoSchema",
    # An empty ?format= is a 400 naming it, as any empty parameter.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "lib.negotiation.StrictContentNegotiation",
    "EXCEPTION_HANDLER": "events.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ceasefire-tracker API",
    "DESCRIPTION": "Ceasefire and diplomacy events curated from news articles, with citations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Operations grouped by resource (actors, events, proposals…) in the docs.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Enums shared by name: one class per choice set in a generated client, the same for a
    # field and the filter on it (lib/schema.py gives parameters the same components).
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": "events.models.Event.Kind",
        "ActorKindEnum": "actors.models.Actor.Kind",
        "EditorialStatusEnum": "events.models.Event.Status",
        "TombstoneStatusEnum": ["retracted"],
    },
    # Request bodies are documented as JSON only: nested lists (citations, roles) have no form
    # encoding; the form parsers serve the browsable API.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lib.schema.postprocess_parameter_enums",
    ],
}

# Every record logged while a request is handled names its id (lib/requestid.py), the one its
# response gives in X-Request-ID; "-" outside a request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lib.requestid.RequestIdFilter"}},
    "formatters": {
        "request_id": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "request_id",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
