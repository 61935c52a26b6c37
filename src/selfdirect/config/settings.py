"""selfdirect settings: one module, driven by the environment.

SELFDIRECT_ENV chooses the profile: ``development`` (default: runs on a laptop with an
SQLite file), ``production`` (secure cookies, HSTS, a real SECRET_KEY required).
DATABASE_URL chooses the database: an SQLite file by default, PostgreSQL when set.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from selfdirect.config.env import env_bool, env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = BASE_DIR / "var"

ENVIRONMENT = env_str("SELFDIRECT_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SELFDIRECT_ENV must be development or production.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str(
    "SECRET_KEY",
    None if PRODUCTION else "development-only-key-never-used-in-production-0123456789abcdef",
)
if PRODUCTION and len(SECRET_KEY) < 50:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters in production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "ninja",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "selfdirect.core",
    "selfdirect.accounts",
    "selfdirect.authorities",
    "selfdirect.people",
    "selfdirect.audit",
    "selfdirect.assessments",
    "selfdirect.outcomes",
    "selfdirect.carers",
    "selfdirect.allocation",
    "selfdirect.charging",
    "selfdirect.planning",
    "selfdirect.providers",
    "selfdirect.spending",
    "selfdirect.payments",
    "selfdirect.dataprotection",
    "selfdirect.jobs",
    "selfdirect.workspace",
    "selfdirect.portal",
    "selfdirect.api",
    "selfdirect.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages for a signed-in user and every API answer, whichever layer answers them:
    # Cache-Control no-store.
    "selfdirect.core.middleware.NoStoreMiddleware",
    # request.user.otp_device: the device that verified this session, if any.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Every 403 or 404 to a signed-in user is in the access log, once.
    "selfdirect.audit.middleware.RefusalLogMiddleware",
    # Before the permission check, and for the admin and the API too: a staff session
    # that has not given its second factor goes to that page first (docs/security.md).
    "selfdirect.accounts.middleware.SecondFactorMiddleware",
    "selfdirect.core.permissions.PermissionRequiredMiddleware",
    "selfdirect.core.middleware.NotFoundMiddleware",
    # Last, as django-axes asks: turns a sign-in refused for too many failures into the
    # lockout page (docs/security.md, "Signing in").
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Serves the collected, hashed static files; in development runserver serves them.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "selfdirect.config.urls"
WSGI_APPLICATION = "selfdirect.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "selfdirect.workspace.context_processors.navigation",
            ],
        },
    }
]
FORM_RENDERER = "selfdirect.core.forms.GovukFormRenderer"

# The cache holds short-lived counts (the public form's limits). One process: memory.
# Several web processes must share one: CACHE_BACKEND=django.core.cache.backends.redis.
# RedisCache with CACHE_LOCATION=redis://..., or the database cache (docs/security.md).
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("CACHE_LOCATION", "selfdirect"),
    }
}

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'selfdirect.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a generator writes; IMMEDIATE avoids
    # "database is locked" on upgrade from a read to a write lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in (ours and the Django admin's) while locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "sign-in"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Signing in is protected by django-axes (docs/security.md, "Signing in"): a username is
# locked out at one address after SIGN_IN_FAILURE_LIMIT failed sign-ins from there, for
# SIGN_IN_COOLOFF_MINUTES after the last of them, or until an administrator unlocks it.
# Attempts live in the database (never a cache), so a test's attempts roll back with it.
SIGN_IN_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 10)
SIGN_IN_COOLOFF_MINUTES = env_int("SIGN_IN_COOLOFF_MINUTES", 30)
if SIGN_IN_FAILURE_LIMIT < 1 or SIGN_IN_COOLOFF_MINUTES < 1:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SIGN_IN_FAILURE_LIMIT and SIGN_IN_COOLOFF_MINUTES must be 1 or more.")
AXES_FAILURE_LIMIT = SIGN_IN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=SIGN_IN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The time on the lockout page holds: trying again while locked out does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Signing in successfully clears that username's failures at that address.
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "selfdirect.accounts.lockout_views.locked_out"
# The Django admin shows axes' records read-only (accounts/admin.py): unlocking is done on
# the administrators' page, which records who unlocked whom.
AXES_ENABLE_ADMIN = False
# The client's address: REMOTE_ADDR, which a client cannot forge. Behind a reverse proxy,
# name a header the proxy sets to the client's address, replacing any the client sent
# (nginx: proxy_set_header X-Real-IP $remote_addr), e.g.
# SIGN_IN_CLIENT_IP_HEADERS=HTTP_X_REAL_IP. Never one a client can write to.
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list("SIGN_IN_CLIENT_IP_HEADERS", ["REMOTE_ADDR"])

# A second factor for staff (docs/security.md, "Second factor for staff"): every account
# with a staff role, and anyone who may use the Django admin, gives a code from an
# authenticator app after the password. On by default; production refuses to start
# without it. `make demo` turns it off, so the printed demo password alone signs in.
STAFF_SECOND_FACTOR = env_bool("STAFF_SECOND_FACTOR", True)
if PRODUCTION and not STAFF_SECOND_FACTOR:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("STAFF_SECOND_FACTOR cannot be turned off in production.")
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = env_str("SECOND_FACTOR_ISSUER", "selfdirect")
# django-otp's throttling of wrong codes: after n wrong codes in a row, the next is not
# checked for 2**(n-1) seconds (times this factor), up to a day; a right code resets it.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Email, for password reset links. Development prints each mail on the console unless
# EMAIL_BACKEND or EMAIL_HOST says otherwise; production sends through the SMTP server
# EMAIL_HOST names (EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or
# EMAIL_USE_SSL), from DEFAULT_FROM_EMAIL.
_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", _SMTP_BACKEND if EMAIL_HOST or PRODUCTION
                        else "django.core.mail.backends.console.EmailBackend")
if EMAIL_BACKEND == _SMTP_BACKEND and not EMAIL_HOST:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set the environment variable EMAIL_HOST (the SMTP server).")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", None if PRODUCTION else "selfdirect <no-reply@selfdirect.invalid>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# How long a password reset link works (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_MINUTES", 120) * 60
if PASSWORD_RESET_TIMEOUT < 60:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PASSWORD_RESET_TIMEOUT_MINUTES must be 1 or more.")
# How many reset emails anyone may ask for (docs/security.md, "Forgotten password"): per
# email address, and per client address, within the window; counted in the cache. Over
# either, the page answers as ever and nothing is sent.
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 5)
PASSWORD_RESET_LIMIT_PER_IP = env_int("PASSWORD_RESET_LIMIT_PER_IP", 20)
PASSWORD_RESET_LIMIT_WINDOW_MINUTES = env_int("PASSWORD_RESET_LIMIT_WINDOW_MINUTES", 60)
if min(PASSWORD_RESET_LIMIT_PER_EMAIL, PASSWORD_RESET_LIMIT_PER_IP,
       PASSWORD_RESET_LIMIT_WINDOW_MINUTES) < 1:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PASSWORD_RESET_LIMIT_PER_EMAIL, PASSWORD_RESET_LIMIT_PER_IP and "
                               "PASSWORD_RESET_LIMIT_WINDOW_MINUTES must be 1 or more.")

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
}

# How many people a page of search results shows.
PEOPLE_PAGE_SIZE = env_int("PEOPLE_PAGE_SIZE", 25)

# Background jobs (selfdirect.jobs, docs/jobs.md): django-tasks with its database backend,
# so a job is queued in the same transaction as the change that needs it, on SQLite and
# PostgreSQL alike. A worker runs them: `make worker` (started beside the server by
# `make demo`). A deployment that outgrows one machine names another backend here
# (django-tasks' RQ backend, or Django 6's django.tasks backends); no code changes.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A running job with no progress for this long is taken to have lost its worker, and
# `manage.py jobs_recover` queues it again.
JOBS_STALE_AFTER_MINUTES = env_int("JOBS_STALE_AFTER_MINUTES", 10)
