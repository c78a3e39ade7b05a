"""Facteur settings: every deployment value is read from the environment.

The defaults make `make run` work with nothing set (SQLite, DEBUG on, console
mail). Production sets SECRET_KEY, DEBUG=0, ALLOWED_HOSTS and, if wanted,
DATABASE_URL and CACHE_URL, in the environment or in the file FACTEUR_ENV_FILE
names (`make serve` reads `.env`).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from quizapp.env import env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
# Only when asked: a `.env` written for `make serve` must not turn the
# development site and the tests into production.
if env_str("FACTEUR_ENV_FILE", ""):
    load_env_file(BASE_DIR / env_str("FACTEUR_ENV_FILE", ""))
VAR_DIR = Path(env_str("FACTEUR_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-facteur-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "quizapp.accounts",
    "course",
    "quizapp.bank",
    "quizapp.practice",
    "quizapp.adaptive",
    "quizapp.lab",
    "quizapp.ops",
    "quizapp.privacy",
    "axes",
    "quizapp.exams",
    "quizapp.groups",
    "quizapp.authoring",
    "quizapp.itemanalysis",
    "quizapp.grouplabs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as its documentation asks: it answers a locked-out login before the view.
    "axes.middleware.AxesMiddleware",
]

# The load benchmark serves the same site plus a minimal view (benchmarks/load.py).
ROOT_URLCONF = env_str("ROOT_URLCONF", "quizapp.urls")
WSGI_APPLICATION = "quizapp.wsgi.application"
ASGI_APPLICATION = "quizapp.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quizapp.practice.context_processors.reviews_due",
            ],
            # Tests set this to raise, so that a typo in a template fails loudly.
            "string_if_invalid": env_str("TEMPLATE_STRING_IF_INVALID", ""),
        },
    },
]


def _database() -> dict:
    url = env_str("DATABASE_URL", "")
    if url:
        return dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # A class answers at once: WAL lets readers go on while one writes, and
    # IMMEDIATE takes the write lock at BEGIN, so that a transaction never has
    # to upgrade a read lock (the upgrade is what fails with "database is
    # locked" under WAL). The busy timeout makes writers queue instead.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / env_str("SQLITE_NAME", "facteur.sqlite3"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 25,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=25000;"
                "PRAGMA foreign_keys=ON;"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache() -> dict:
    url = env_str("CACHE_URL", "")
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {url!r}")
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


CACHES = {"default": _cache()}
REDIS_CONFIGURED = CACHES["default"]["BACKEND"].endswith("RedisCache")
# With Redis, sessions are read from the cache and written through to the
# database (a Redis restart logs nobody out); without it, the database alone,
# since a per-process memory cache would serve another process's stale copy.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_CONFIGURED
    else "django.contrib.sessions.backends.db"
)

# Slow work (lab checks, mail, exports) is queued in the site's own database
# and run by `manage.py db_worker`, which `make run` and `make serve` start
# beside the web server. Several workers on several hosts share the queue.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "lab", "mail"],
    }
}
# A task still "running" after this long lost its worker (the periodic jobs
# of `manage.py worker` mark it failed); far above any task's own deadline.
TASK_LOST_AFTER = env_int("TASK_LOST_AFTER", 600)
PERIODIC_INTERVAL = env_int("PERIODIC_INTERVAL", 30)
PERIODIC_JOBS = [
    "quizapp.ops.periodic.fail_lost_tasks",
    "quizapp.lab.runner.fail_lost_runs",
    "quizapp.ops.periodic.refresh_sqlite_statistics",
    "quizapp.exams.tasks.close_overdue_now",
]
# /healthz reports unhealthy when the oldest task still waiting is older than this.
TASK_QUEUE_MAX_AGE = env_int("TASK_QUEUE_MAX_AGE", 120)
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses a login attempt for a locked-out username or address before any hashing.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password guessing (site and admin logins): after LOGIN_FAILURE_LIMIT failures for one
# username, or from one address, logins are refused for LOGIN_COOLOFF_MINUTES. A
# training room behind one address shares that address's budget, hence 10 and not 3.
# An administrator lifts a lockout in the admin (Axes, access attempts) or with
# `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "quizapp.accounts.views.locked_out"
AXES_VERBOSE = False
# The failure counters: in Redis when there is one (every web process shares it,
# and no row is written per failed login), else in the database.
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if REDIS_CONFIGURED
    else "axes.handlers.database.AxesDatabaseHandler"
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
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

# Development prints mail (password resets) to the console; production sends
# through the SMTP relay that SMTP_HOST names.
if env_bool("MAIL_TO_CONSOLE", DEBUG):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("SMTP_HOST", "localhost"),
                "port": env_int("SMTP_PORT", 587),
                "username": env_str("SMTP_USER", ""),
                "password": env_str("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_STARTTLS", True),
            },
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "facteur@localhost")

# No inline script anywhere: scripts come from our own static files, and the
# nonce is there only for the htmx tags that django-htmx renders.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The embedded lab mail server (manage.py labserver) keeps its mailboxes and
# certificate here; the lab pages read the same directory.
LAB_DATA_DIR = Path(env_str("LAB_DATA_DIR", str(VAR_DIR / "lab")))
LAB_DOMAIN = env_str("LAB_DOMAIN", "lab.facteur.test")
LAB_HOST = env_str("LAB_HOST", "127.0.0.1")
# A check still running after this many seconds lost its worker: it is failed,
# so the trainee may start another (the checks' own deadlines are under 30 s).
LAB_LOST_AFTER = env_int("LAB_LOST_AFTER", 90)
# Ports a lab may declare beyond the mail ports (quizapp/lab/networks.py), comma-separated.
LAB_EXTRA_PORTS = [int(p) for p in env_str("LAB_EXTRA_PORTS", "").split(",") if p.strip()]
# Lets every lab, not only the embedded one, reach loopback: for tests and a laptop
# only; a system check refuses it when DEBUG is off.
LAB_LOOPBACK_LABS = env_bool("LAB_LOOPBACK_LABS", False)
# Exercise 4: how late the "slow greeting" fault greets (tests make it short).
LAB_FAULT_GREETING_DELAY = float(env_str("LAB_FAULT_GREETING_DELAY", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
