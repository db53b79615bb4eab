"""Settings for Newsroom, read from the environment with safe development defaults.

Environment variables (the README's configuration table says more):
    DJANGO_DEBUG           "1"/"true" turns debug on (default: off).
    DJANGO_SECRET_KEY      required when debug is off.
    DJANGO_ALLOWED_HOSTS   comma-separated host names (default: localhost,127.0.0.1).
    DJANGO_HTTPS           "0" for a site served over plain HTTP (default: on unless debug).
    DJANGO_HSTS_SECONDS    how long browsers keep to HTTPS (default: one year).
    DJANGO_SECURE_PROXY_SSL_HEADER  "X-Forwarded-Proto=https" behind a TLS-terminating proxy.
    DJANGO_PROXY_COUNT     reverse proxies in front that append to the forwarding header.
    DJANGO_CLIENT_IP_HEADER  that header (default: X-Forwarded-For).
    DATABASE_URL           e.g. postgres://user:pass@host/db (default: SQLite under var/).
    SQLITE_BUSY_TIMEOUT    seconds a SQLite writer waits for another (default: 20).
    MEDIA_ROOT             where uploaded images are stored (default: var/media).
    STATIC_ROOT            where collectstatic puts the static files (default: var/static).
    MEDIA_STORAGE, MEDIA_STORAGE_OPTIONS
                           the storage of pictures (default: files under MEDIA_ROOT).
    REDIS_URL              e.g. redis://127.0.0.1:6379/0: the cache every app server shares
                           (default: each process's own memory).
    NEWSROOM_PAGE_CACHE    "off" turns the server-side page cache off (default: on).
    NEWSROOM_FRAGMENT_CACHE  "off" renders every item of an issue page afresh (default: on).
    NEWSROOM_STATE_WATCH   "off": on PostgreSQL, read the public state on every request
                           instead of LISTENing for its changes (default: on).
    NEWSROOM_BROWSER_MAX_AGE / NEWSROOM_SHARED_MAX_AGE
                           seconds browsers / a CDN may keep a reader page (default: 0 / 60).
    NEWSROOM_RELEASE       names the deployed release in cache keys (default: a fingerprint of
                           the code, templates and translations).
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "nested_admin",
    "reversion",
    "newsroom.apps.LoginThrottlingConfig",  # django-axes
    "csp",
    "bulletins",
]

MIDDLEWARE = [
    "newsroom.health.HealthCheckMiddleware",  # /healthz: before host checks and the redirect
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves cached reader pages before the middleware below: keep it after the ones above.
    "bulletins.caching.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "bulletins.middleware.RefuseNulMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

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

# bulletins.templatetags.nested_admin deliberately takes the place of nested-admin's library.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

WSGI_APPLICATION = "newsroom.wsgi.application"

if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(exist_ok=True)  # the default SQLite database lives here

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers at once (parallel imports, two editors saving, workers of one server):
    # a transaction takes the write lock when it begins (IMMEDIATE), so it waits for another
    # writer instead of failing with "database is locked" when it upgrades from reading;
    # WAL lets readers go on while one writes. dj_database_url sets no OPTIONS of its own.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),  # seconds a writer waits
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    # Django's SQLite backend, whose table rebuilds (in migrations) keep the triggers.
    DATABASES["default"]["ENGINE"] = "newsroom.db_backends.sqlite3"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer (a network partition, not a refusal) fails a request, and
    # /healthz, in seconds instead of holding the worker until gunicorn kills it.
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": 5,
        **DATABASES["default"].get("OPTIONS", {}),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Media (pictures) go through STORAGES["default"] only: MEDIA_ROOT on disk by default (a volume
# every app server mounts), or an object store, e.g. MEDIA_STORAGE=storages.backends.s3.S3Storage
# with MEDIA_STORAGE_OPTIONS='{"bucket_name": "newsroom-media"}' (pip install django-storages).
# Django serves /media/ itself only in development, or with NEWSROOM_SERVE_MEDIA=1 for checks
# on one machine; in production the web server in front does (see the README).
NEWSROOM_SERVE_MEDIA = env_bool("NEWSROOM_SERVE_MEDIA", False)
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")
MEDIA_STORAGE_OPTIONS = json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS", "{}") or "{}")
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE, "OPTIONS": MEDIA_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Caching (bulletins.caching). With REDIS_URL, every app server shares one cache; without it,
# each process keeps its own. Either way a cached page is keyed on the state of the published
# content, read from the database (or, on PostgreSQL, known to be unchanged since it was last
# read: NEWSROOM_STATE_WATCH below), so neither is ever stale.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
NEWSROOM_PAGE_CACHE = os.environ.get("NEWSROOM_PAGE_CACHE", "on").strip().lower() not in {
    "off",
    "0",
    "false",
    "no",
}
# Each item of an issue page is also kept rendered, keyed by its content (caching.fragments):
# a page cache miss then renders only what changed. "off" for benchmarks of cold renders.
NEWSROOM_FRAGMENT_CACHE = os.environ.get("NEWSROOM_FRAGMENT_CACHE", "on").strip().lower() not in {
    "off",
    "0",
    "false",
    "no",
}
NEWSROOM_PAGE_CACHE_ALIAS = "default"
# On PostgreSQL, each process LISTENs for changes to the published content and reuses the
# state it last read until one is announced (caching.watch): a cache hit then asks the database
# nothing. Must be off behind a pooler that cannot LISTEN (PgBouncer in transaction mode).
NEWSROOM_STATE_WATCH = env_bool("NEWSROOM_STATE_WATCH", True)
# Entries are keyed on the content's state and never go stale; the timeout only bounds memory.
NEWSROOM_PAGE_CACHE_TIMEOUT = 24 * 3600
# Browsers revalidate each time (a 304 costs one small query), so an edit shows at once; a
# CDN in front may keep a page a minute. Both are cut short by the next scheduled go-live.
NEWSROOM_BROWSER_MAX_AGE = int(os.environ.get("NEWSROOM_BROWSER_MAX_AGE", "0"))
NEWSROOM_SHARED_MAX_AGE = int(os.environ.get("NEWSROOM_SHARED_MAX_AGE", "60"))
NEWSROOM_RELEASE = os.environ.get("NEWSROOM_RELEASE", "")

# Largest legacy text file an editor may import, in bytes.
LEGACY_IMPORT_MAX_BYTES = int(os.environ.get("LEGACY_IMPORT_MAX_BYTES", 5 * 1024 * 1024))
# The import desk keeps each batch here between its preview and its confirmation (a day).
LEGACY_IMPORT_SPOOL_DIR = Path(os.environ.get("LEGACY_IMPORT_SPOOL_DIR", VAR_DIR / "imports"))

# Pagination sizes of the reader site.
ARCHIVE_PAGE_SIZE = 24
SECTION_PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 20

# HTTPS: on by default in production, off in development; DJANGO_HTTPS=0 serves plain HTTP
# (benchmarks on 127.0.0.1). DJANGO_SECURE_COOKIES is its former, narrower name.
HTTPS = env_bool("DJANGO_HTTPS", env_bool("DJANGO_SECURE_COOKIES", not DEBUG))
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600)) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


def _proxy_ssl_header(value):
    """Read "X-Forwarded-Proto=https" into Django's ("HTTP_X_FORWARDED_PROTO", "https")."""
    if not value:
        return None
    name, _sep, expected = value.partition("=")
    if not name.strip() or not expected.strip():
        raise ImproperlyConfigured(
            f"DJANGO_SECURE_PROXY_SSL_HEADER must look like X-Forwarded-Proto=https, not {value!r}"
        )
    return ("HTTP_" + name.strip().upper().replace("-", "_"), expected.strip())


# Only behind a proxy that sets this header itself and drops it from what clients send.
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"))


def _media_origins(explicit, storage_options):
    """List the origins pictures come from besides this site, so the CSP lets readers see them.

    An object store serves pictures from its own host (django-storages' `custom_domain`, or
    the bucket's address given in MEDIA_ORIGINS), which `img-src 'self'` would block.
    """
    origins = [origin.strip() for origin in explicit.replace(",", " ").split() if origin.strip()]
    domain = storage_options.get("custom_domain") if isinstance(storage_options, dict) else None
    if domain:
        origins.append(f"https://{domain}")
    for origin in origins:
        scheme, _sep, host = origin.partition("://")
        if scheme not in {"http", "https"} or not host or "/" in host.rstrip("/"):
            raise ImproperlyConfigured(
                f"MEDIA_ORIGINS must list origins like https://media.example.com, not {origin!r}"
            )
    return [origin.rstrip("/") for origin in dict.fromkeys(origins)]


MEDIA_ORIGINS = _media_origins(os.environ.get("MEDIA_ORIGINS", ""), MEDIA_STORAGE_OPTIONS)

# Content-Security-Policy (django-csp 4): no inline script, no inline style, nothing from
# elsewhere; the admin (Django's and nested-admin's scripts) keeps within the same rules.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", *MEDIA_ORIGINS],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Login throttling (django-axes, database handler: one count for every app server). After 10
# failures in 15 minutes, per account and per address, logins are refused for 15 minutes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lockout ends 15 minutes after it began
AXES_LOCKOUT_CALLABLE = "newsroom.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newsroom.throttling.client_ip"
# The client's address behind DJANGO_PROXY_COUNT reverse proxies (see throttling.client_ip).
CLIENT_IP_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
CLIENT_IP_HEADER = "HTTP_" + os.environ.get(
    "DJANGO_CLIENT_IP_HEADER", "X-Forwarded-For"
).strip().upper().replace("-", "_")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
