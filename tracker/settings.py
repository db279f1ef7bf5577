"""Settings for the minutes tracker.

Every deploy-time value comes from the environment. The defaults suit a
developer's machine; with DEBUG off, nothing insecure is assumed.
"""

import os
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


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

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
    "django_tasks",
    "django_tasks_db",
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
    "django_htmx.middleware.HtmxMiddleware",
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

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

# The tracker's own settings.
# Minutes files larger than this are refused before they are parsed.
MINUTES_MAX_BYTES = env_int("MINUTES_MAX_BYTES", 2 * 1024 * 1024)
# Where minutes live on disk, for re-importing a meeting from the admin.
MINUTES_ROOT = os.environ.get("MINUTES_ROOT", "")
# Public communities may let anyone read the tracker without an account.
TRACKER_PUBLIC_READ = env_bool("TRACKER_PUBLIC_READ", False)
# The community's own GitHub organisations: links to their pull requests and
# issues read "repo#N" rather than "owner/repo#N".
TRACKER_GITHUB_ORGS = env_list("TRACKER_GITHUB_ORGS", [])
# Rows per page of the items list and the other lists.
TRACKER_PAGE_SIZE = env_int("TRACKER_PAGE_SIZE", 25)

# Matching the same item across meetings (scores 0-100): at or above AUTO a
# later line becomes a mention of the open item; at or above SUGGEST it is
# shown as "possibly the same". Without a shared link, only items raised within
# the window are compared.
MATCH_AUTO_SCORE = env_int("MATCH_AUTO_SCORE", 85)
MATCH_SUGGEST_SCORE = env_int("MATCH_SUGGEST_SCORE", 65)
MATCH_WINDOW_DAYS = env_int("MATCH_WINDOW_DAYS", 120)
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
    }
}
