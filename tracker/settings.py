"""Settings for the minutes tracker.

Every deploy-time value comes from the environment (the README lists them).
The defaults are those of production, where nothing insecure is assumed; a
developer's machine sets DEBUG=true (`make run` and the tests do), which
relaxes what needs HTTPS and a secret key.
"""

import logging
import os
import secrets
import string
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_template(name, fields):
    """A URL template such as ``https://host/{commit}/{path}``: only ``fields`` may be used."""
    value = os.environ.get(name, "").strip()
    try:
        used = {field for _, field, _, _ in string.Formatter().parse(value) if field is not None}
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a template: {error}") from None
    unknown = sorted(used - set(fields))
    if unknown:
        raise ImproperlyConfigured(
            f"{name} may use {', '.join('{' + f + '}' for f in fields)};"
            f" not {', '.join('{' + f + '}' for f in unknown)}"
        )
    return value


def env_addresses(name):
    """``Name <a@example.org>, b@example.org`` as Django's (name, address) pairs."""
    value = os.environ.get(name, "")
    pairs = []
    for name_part, address in getaddresses([value]):
        if "@" not in address:
            raise ImproperlyConfigured(
                f"{name} must be addresses separated by commas, such as "
                f"'Ana <ana@example.org>, ops@example.org'; {address or value!r} is not one"
            )
        pairs.append((name_part or address, address))
    return pairs


# Off unless asked for: a server started without settings must not show tracebacks.
# `make run` and the tests ask for it.
DEBUG = env_bool("DEBUG", False)


def secret_key_file(path):
    """A key made once for this install and kept, readable by its owner only.

    So that `manage.py import_minutes` works on a fresh checkout without a key
    that anyone could know; several servers of one site must share one key
    (the environment's SECRET_KEY, or the same file).
    """
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    except OSError as error:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set and {path} cannot be read ({error.strerror})"
        ) from None
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it just now
        return path.read_text().strip()
    except OSError as error:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set and {path} cannot be written ({error.strerror}): set "
            "SECRET_KEY, or SECRET_KEY_FILE to a file this user may write"
        ) from None
    key = secrets.token_urlsafe(50)
    with os.fdopen(handle, "w") as file:
        file.write(key + "\n")
    return key


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
    else:
        SECRET_KEY = secret_key_file(
            Path(os.environ.get("SECRET_KEY_FILE") or BASE_DIR / ".secret_key")
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_htmx",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# HTTPS. In production the site is served over HTTPS only (plain HTTP is
# redirected, cookies never travel without it); HSTS tells browsers to come
# back over HTTPS only, for SECURE_HSTS_SECONDS: set it once HTTPS works.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# Behind a reverse proxy that terminates HTTPS, the proxy says in headers which
# scheme, host and client the request came with. Trusting them without such a
# proxy would let any client claim to be anyone, hence off by default.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
# How many proxies in front of the app add an address to X-Forwarded-For.
PROXY_COUNT = env_int("PROXY_COUNT", 1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
    if PROXY_COUNT < 1:
        raise ImproperlyConfigured("PROXY_COUNT must be 1 or more when BEHIND_PROXY is on")


# Content-Security-Policy: nothing inline, nothing from elsewhere. Scripts and
# styles live in static files (htmx is told not to inject its indicator style).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for
# one username from one address, that pair is refused for LOGIN_COOLOFF_MINUTES,
# before any password is hashed. Locking by the pair keeps one attacker from
# locking everyone out, by address or by username alone.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Logs name the address of a lockout, not the username (people type passwords there).
AXES_SENSITIVE_PARAMETERS = ["username"]
AXES_LOCKOUT_CALLABLE = "meetings.views.accounts.locked_out"
# The client, not the proxy: the address the nearest proxy saw (BEHIND_PROXY).
AXES_CLIENT_IP_CALLABLE = "meetings.views.accounts.client_ip"
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT must be 1 or more")

# Mail: an SMTP server when EMAIL_HOST is set; on a developer's machine mails
# are printed to the console; otherwise the site sends none and says so.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# STARTTLS on the submission port unless the server speaks TLS from the start (SSL).
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
EMAIL_PORT = env_int("EMAIL_PORT", 465 if EMAIL_USE_SSL else 587)
# EMAIL_FILE_PATH: each mail a file in that folder, to read what would be sent.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif EMAIL_FILE_PATH:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# Whether a mail sent reaches anyone (or, in development, the console): the
# password-reset page offers to send one only then.
TRACKER_SENDS_MAIL = EMAIL_BACKEND != "django.core.mail.backends.dummy.EmailBackend"
# Where the site is, for links in what is written outside a request (digests).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# A digest "before each meeting" goes out on a run this many days before it, or on its day.
DIGEST_DAYS_BEFORE = env_int("DIGEST_DAYS_BEFORE", 1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Who gets a mail with the traceback when a page fails (when mail is configured).
ADMINS = env_addresses("ADMINS")

# Logs go to stderr, where gunicorn, systemd or a container collects them: one
# line per event, and a failing request with its traceback.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
if not isinstance(logging.getLevelName(LOG_LEVEL), int):
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {LOG_LEVEL.lower()!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "line": {"format": "{asctime} {levelname} {name} {process:d}: {message}", "style": "{"}
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "line"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        # django.request logs each 5xx at ERROR with its traceback; its records
        # reach the root's stderr handler, and the admins by mail.
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        # Failed logins and lockouts are warnings; every successful login need not be logged.
        "axes": {"level": "WARNING"},
    },
}

# The JSON API under /api/ (meetings/api/): Django REST framework, described by
# drf-spectacular at /api/schema/. JSON in and out only (the browsable API's pages
# would need inline script). A personal token first: its challenge makes a request
# without credentials a 401; the session (with CSRF for changes) serves the browser.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Each view says who may use it (meetings/api/views.py); this is the floor.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # `format` is no query parameter of the API (the HTML list's ?format=csv is not one).
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Minutes tracker API",
    "DESCRIPTION": (
        "Action items, meetings, people and teams of the tracker. The items list takes "
        "the query parameters of the /items/ page. Authenticate with a personal token "
        "(`Authorization: Token KEY`, made on your person page) or the browser's session."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The description is the API's shape, no data of the tracker: anyone may read it.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Request and response bodies apart: what a change sends is not what it answers.
    "COMPONENT_SPLIT_REQUEST": True,
    # An item's status, read or sent (status, seen_status): one set of choices, one name.
    "ENUM_NAME_OVERRIDES": {"ItemStatusEnum": "meetings.models.Item.Status"},
}

# The tracker's own settings.
# Minutes files larger than this are refused before they are parsed.
MINUTES_MAX_BYTES = env_int("MINUTES_MAX_BYTES", 2 * 1024 * 1024)
# Where minutes live on disk, for re-importing a meeting from the admin.
MINUTES_ROOT = os.environ.get("MINUTES_ROOT", "")
# Where a meeting imported from a git work tree can be read at its commit, line by
# line: https://github.com/org/minutes/blob/{commit}/{path}#L{line}. Empty: the
# pages show the commit and the path as text.
MINUTES_SOURCE_URL = env_template("MINUTES_SOURCE_URL", ["commit", "path", "line"])
# Public communities may let anyone read the tracker without an account.
TRACKER_PUBLIC_READ = env_bool("TRACKER_PUBLIC_READ", False)
# The community's own GitHub organisations: links to their pull requests and
# issues read "repo#N" rather than "owner/repo#N".
TRACKER_GITHUB_ORGS = env_list("TRACKER_GITHUB_ORGS", [])
# Rows per page of the items list and the other lists.
TRACKER_PAGE_SIZE = env_int("TRACKER_PAGE_SIZE", 25)
# Triage: an open item no meeting has raised for this many days is "stale";
# a change of many items at once can be undone for this many minutes.
STALE_DAYS = env_int("STALE_DAYS", 90)
UNDO_MINUTES = env_int("UNDO_MINUTES", 15)

# Matching the same item across meetings (scores 0-100): at or above AUTO a
# later line becomes a mention of the open item; at or above SUGGEST it is
# shown as "possibly the same". Without a shared link, only items raised within
# the window are compared.
MATCH_AUTO_SCORE = env_int("MATCH_AUTO_SCORE", 85)
MATCH_SUGGEST_SCORE = env_int("MATCH_SUGGEST_SCORE", 65)
MATCH_WINDOW_DAYS = env_int("MATCH_WINDOW_DAYS", 120)
# Who is who: initials and first names that no participant of a meeting fits
# are looked up among the people of the team's meetings this many days around it.
PEOPLE_WINDOW_DAYS = env_int("PEOPLE_WINDOW_DAYS", 183)
# The admin's "Import minutes": a zip may hold this much, uncompressed, and this
# many files; one upload request may send no more than such a zip (and its form).
MINUTES_ZIP_MAX_BYTES = env_int("MINUTES_ZIP_MAX_BYTES", 50 * 1024 * 1024)
MINUTES_ZIP_MAX_FILES = env_int("MINUTES_ZIP_MAX_FILES", 2000)

# Background work (imports of more than a few files): Django's tasks framework,
# backported for 5.2. The default backend keeps the queue in the database and
# `manage.py db_worker` runs it; another backend (RQ...) is a change of TASKS_BACKEND.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Up to this many files, the admin previews and imports within the request;
# more go to the task worker, and the admin shows their progress.
IMPORT_INLINE_FILES = env_int("IMPORT_INLINE_FILES", 5)
# A running import that has not moved on for this long is shown as interrupted.
IMPORT_STALE_SECONDS = env_int("IMPORT_STALE_SECONDS", 120)
# Uploads awaiting confirmation live in the default storage (shared by every web
# server), under MEDIA_ROOT unless STORAGES says otherwise.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
# The cache in the database, so that every web server and worker sees one cache
# (`manage.py createcachetable` makes its table).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tracker_cache",
    },
    # Fragments of pages keyed by what they show (the items filter form by the query
    # and the directory's size, a person's teams by their counts): each process keeps
    # its own, and reading one costs no query.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tracker-fragments",
    },
}
