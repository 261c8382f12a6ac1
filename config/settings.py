"""
Rising Tide settings: one module, read from the environment.

Nothing set means the embedded default (SQLite, Celery's filesystem broker and
file email, all under var/), which is what `make run` and local tests use.
Setting DATABASE_URL, CELERY_BROKER_URL and EMAIL_URL moves each piece to
its production counterpart. The README lists every variable.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    """A boolean from the environment; anything unrecognised is an error, not False."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_choice(name, default, choices):
    """One of `choices` from the environment; anything else is an error naming the choices."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of: {', '.join(choices)}.")
    return value


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def mailer_from_url(url, *, timeout):
    """
    Translate EMAIL_URL into a Django MAILERS entry.

    smtp://user:password@host:587 (STARTTLS with ?tls=1), smtps://… (implicit
    TLS), console:// and file:///path are understood.
    """
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme in ("smtp", "smtps"):
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or (465 if parts.scheme == "smtps" else 25),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": query.get("tls", "").lower() in ("1", "true", "yes"),
                # A server that accepts the connection and never answers must not wedge a worker.
                "timeout": timeout,
            },
        }
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file":
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": unquote(parts.path)},
        }
    raise ImproperlyConfigured(f"EMAIL_URL scheme {parts.scheme!r} is not supported: use smtp, smtps, console or file.")


# --- Core ------------------------------------------------------------------

DEBUG = env_bool("DEBUG", True)
# With DEBUG on, show Django's technical 404 and 500 pages instead of the branded ones (developers only).
DEBUG_TECHNICAL_PAGES = env_bool("DEBUG_TECHNICAL_PAGES", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off, set SECRET_KEY to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The start of every link in emails. `make run` sets it from PORT; check campaign.W001 warns at start-up
# when a SITE_URL on this machine names another port than the one served.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    # For the search indexes (campaign.search): the opclass in an index expression. Does nothing on SQLite.
    "django.contrib.postgres",
    "django_htmx",
    "axes",
    "campaign",
    "allies",
    "personas",
    "leadership",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Inside the CSP and security headers, so the branded error pages it serves under DEBUG get them.
    "campaign.middleware.BrandedErrorPagesDebugMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "campaign.middleware.HtmxMessagesMiddleware",
    "campaign.middleware.HtmxLoginRedirectMiddleware",
    "campaign.middleware.NoStoreForAuthenticatedMiddleware",
    # Last, as django-axes asks, so it sees the final login response.
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campaign.context_processors.campaign_nav",
            ],
        },
    },
    {
        # The few hot fragments drawn hundreds of times a page (campaign/fragments.py says why).
        # Only ever asked for by name (`using="fragments"` or the {% fragment %} tag).
        "NAME": "fragments",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "campaign.fragments.environment", "autoescape": True},
    },
]

# Widgets render through the project's templates, so a widget of ours (campaign/_picker.html) lives beside
# the pages; Django's own form templates come from the django.forms app.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database ----------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # PostgreSQL's JIT compiles any query it costs above 100,000 (a campaign-wide count over a big
        # table): half a second of compiling to save milliseconds. Pages are short queries; the bench showed it.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "risingtide.sqlite3",
            # WAL and a busy timeout let the web server, the worker and beat share the file.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------

# Rate limits (the join link, the API) count in the cache. One process keeps its own count in memory;
# with several web processes, point CACHE_URL at Redis so they share one count.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis:// or rediss:// address.")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ----------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "campaign:list"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)
# Who may start a new campaign: "staff" (staff accounts only), "staff-and-admins" (staff, and anyone
# already an admin of a campaign), or "members" (any signed-in account).
CAMPAIGN_CREATORS = env_choice("CAMPAIGN_CREATORS", "staff-and-admins", ("staff", "staff-and-admins", "members"))

# django-axes: after five failures for one username or one address, refuse
# further attempts for a quarter of an hour. Unknown usernames are counted the
# same way, so the answer never tells whether an account exists.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# --- Internationalisation ------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------

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

# --- Uploaded files, exports and backups ------------------------------------------

# Uploaded files and campaign exports live under MEDIA_ROOT (never served as static files: exports are
# downloaded through a signed, expiring link). `manage.py backup` writes to BACKUP_DIR unless told --output.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# Recognition photos are personal data: a storage of their own, never served at a URL of its own (the app
# serves them after its access check, or to a leader with a signed link). By default a folder under
# MEDIA_ROOT, so backups carry it; with RECOGNITION_S3_BUCKET set, an S3-compatible bucket (django-storages,
# an optional dependency), credentials from the usual AWS_* variables or the machine's role.
RECOGNITION_S3_BUCKET = env_str("RECOGNITION_S3_BUCKET", "")
if RECOGNITION_S3_BUCKET:
    STORAGES["recognition"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": RECOGNITION_S3_BUCKET,
            "endpoint_url": env_str("RECOGNITION_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("RECOGNITION_S3_REGION", "") or None,
            "location": env_str("RECOGNITION_S3_PREFIX", "recognition"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    # MEDIA_ROOT itself (the files go under recognition/): no URL serves it, and backups include it.
    STORAGES["recognition"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# The largest photo a champion may upload, in bytes, before it is re-encoded.
RECOGNITION_PHOTO_MAX_BYTES = env_int("RECOGNITION_PHOTO_MAX_BYTES", 8 * 1024 * 1024)
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
# How long a campaign export's download link works, and how many rows a campaign deletion removes per batch.
CAMPAIGN_EXPORT_LINK_HOURS = env_int("CAMPAIGN_EXPORT_LINK_HOURS", 24)
CAMPAIGN_DELETION_BATCH_SIZE = env_int("CAMPAIGN_DELETION_BATCH_SIZE", 500)
# A deletion job holds its campaign for this long after each batch; a worker killed mid-deletion lets go
# of it when that runs out, and the beat task resume-campaign-deletions picks it up again.
CAMPAIGN_DELETION_LEASE_SECONDS = env_int("CAMPAIGN_DELETION_LEASE_SECONDS", 120)

# --- Email ---------------------------------------------------------------------

EMAIL_URL = env_str("EMAIL_URL")
EMAIL_TIMEOUT_SECONDS = env_int("EMAIL_TIMEOUT", 10)
MAIL_DIR = VAR_DIR / "mail"
MAILERS = {
    "default": mailer_from_url(EMAIL_URL, timeout=EMAIL_TIMEOUT_SECONDS)
    if EMAIL_URL
    else {"BACKEND": "django.core.mail.backends.filebased.EmailBackend", "OPTIONS": {"file_path": str(MAIL_DIR)}}
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rising Tide <rising-tide@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ------------------------------------------------------------------

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
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    # Production sits behind HTTPS; the proxy header is trusted only when asked.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Celery --------------------------------------------------------------------

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if CELERY_BROKER_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Every task's retries finish well inside this, so a message is never
        # redelivered while its first run is still retrying.
        "visibility_timeout": 60 * 60,
    }
else:
    # Celery's filesystem transport: a real worker and beat with no server.
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_queue_dir, _processed_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes every database connection around every task unless told to reuse them for
# this many tasks; config.celery closes them as Django does per request instead (CONN_MAX_AGE, health
# checks), so a worker keeps its PostgreSQL connection from one task to the next.
CELERY_DB_REUSE_MAX = 200
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Proves to /healthz that beat and a worker are both alive.
    "record-heartbeat": {
        "task": "campaign.tasks.record_heartbeat",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Creates each campaign's executive summary once its period is due; repeated ticks are no-ops.
    "dispatch-due-summaries": {
        "task": "leadership.tasks.dispatch_due_summaries",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    # Opens each campaign's round of the middle's check-in once its period starts; repeated ticks are no-ops.
    "dispatch-due-checkins": {
        "task": "allies.tasks.dispatch_due_checkins",
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
    # Re-enqueues summary deliveries a lost broker message or a killed worker left queued or sending.
    "requeue-stale-summary-deliveries": {
        "task": "leadership.tasks.requeue_stale_summary_deliveries",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    # The same for members' test copies of summaries.
    "requeue-stale-test-copy-deliveries": {
        "task": "leadership.tasks.requeue_stale_test_copy_deliveries",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    # Hands scheduled briefing pack deliveries to the sender once their leader's local time has come.
    "dispatch-due-pack-deliveries": {
        "task": "leadership.tasks.dispatch_due_pack_deliveries",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Re-enqueues briefing pack deliveries a lost broker message or a killed worker left queued or sending.
    "requeue-stale-pack-deliveries": {
        "task": "leadership.tasks.requeue_stale_pack_deliveries",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    # The same for changed and cancelled invitations' calendar updates, and recognition moments' invitations.
    "requeue-stale-invitation-update-deliveries": {
        "task": "leadership.tasks.requeue_stale_invitation_update_deliveries",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    "requeue-stale-recognition-deliveries": {
        "task": "leadership.tasks.requeue_stale_recognition_deliveries",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    # The same for member mail (added to a campaign, invitations, volunteer sign-ups, the middle's check-in).
    "requeue-stale-member-deliveries": {
        "task": "campaign.tasks.requeue_stale_member_deliveries",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    # The same for posts to chat channels and webhooks.
    "requeue-stale-channel-deliveries": {
        "task": "campaign.tasks.requeue_stale_channel_deliveries",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    # Writes members' daily and weekly digests once due in each campaign's time zone; repeats are no-ops.
    "build-notification-digests": {
        "task": "campaign.tasks.build_notification_digests",
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
    # Tells champions each morning which of their allies' follow-ups are due (once per day and champion).
    "announce-follow-ups-due": {
        "task": "allies.tasks.announce_follow_ups_due",
        "schedule": 30 * 60.0,
        "options": {"expires": 29 * 60},
    },
    # Recounts the activity rollup's last two weeks in every campaign (catches writes no signal saw).
    "recount-recent-activity": {
        "task": "campaign.tasks.recount_recent_activity",
        "schedule": 60 * 60.0,
        "options": {"expires": 50 * 60},
    },
    # Carries on a campaign deletion a killed worker or a lost message left half-done.
    "resume-campaign-deletions": {
        "task": "campaign.tasks.resume_campaign_deletions",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
}
# Leader and member emails (leadership.delivery, campaign.outbox): tries per delivery, retry backoff
# in seconds (doubling, capped, with jitter) and how long a delivery may sit queued or sending before
# the reaper enqueues it again.
# The fault tests shorten them through the environment; the stale delay must stay longer than any
# retry wait and any single send (EMAIL_TIMEOUT), or the reaper would enqueue a delivery still in hand.
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 5)
DELIVERY_RETRY_BACKOFF = env_int("DELIVERY_RETRY_BACKOFF", 30)
DELIVERY_RETRY_BACKOFF_MAX = env_int("DELIVERY_RETRY_BACKOFF_MAX", 10 * 60)
DELIVERY_RETRY_JITTER = env_bool("DELIVERY_RETRY_JITTER", True)
DELIVERY_STALE_AFTER_SECONDS = env_int("DELIVERY_STALE_AFTER_SECONDS", 15 * 60)
# Posts to chat channels and webhooks (campaign.posts): seconds to wait for the receiver, the longest
# Retry-After honoured, and whether a channel may point at http:// or a private address (tests and a
# receiver on the same machine only: in production a webhook address is https and public).
CHANNEL_TIMEOUT = env_int("CHANNEL_TIMEOUT", 10)
CHANNEL_RETRY_AFTER_MAX = env_int("CHANNEL_RETRY_AFTER_MAX", 60 * 60)
CHANNEL_ALLOW_LOCAL_URLS = env_bool("CHANNEL_ALLOW_LOCAL_URLS", False)
# Members' digests (campaign.notifications) go out from this hour of the campaign's day.
NOTIFICATION_DIGEST_HOUR = env_int("NOTIFICATION_DIGEST_HOUR", 7)
# /healthz calls the heartbeat stale after this many seconds.
HEARTBEAT_MAX_AGE = env_int("HEARTBEAT_MAX_AGE", 5 * 60)

# --- Company sign-in (config/sso.py) ----------------------------------------------
# django-allauth for OpenID Connect, SAML and the second factor; the password form stays Django's own
# (campaign.signin wraps it), so django-axes keeps counting failures. allauth's own pages are not mounted:
# only the providers' callback addresses are (config/urls.py).

from config.sso import sso_settings  # noqa: E402

globals().update(sso_settings())
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
]
MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "allauth.account.middleware.AccountMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "campaign.signin.SignInPolicyMiddleware")
ACCOUNT_ADAPTER = "campaign.sso.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "campaign.sso.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
# A provider's email never signs anyone into an existing account by itself: campaign.sso decides.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Rising Tide"
# "Sign in with …" is a form whose answer redirects to the IdP: the browser checks form-action on that hop.
SECURE_CSP["form-action"] = [CSP.SELF, *SSO_ORIGINS]  # noqa: F821 (set by sso_settings above)

# --- Logging -------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# --- Demo ------------------------------------------------------------------------

DEMO_PASSWORD = env_str("DEMO_PASSWORD")

# --- Privacy (campaign.privacy) ------------------------------------------------
# How long a subject access export's download link works, and how long an export or erasure may sit
# queued or running before the reaper hands it to a worker again (longer than any one job takes).
PRIVACY_EXPORT_LINK_HOURS = env_int("PRIVACY_EXPORT_LINK_HOURS", 24)
PRIVACY_JOB_STALE_AFTER_SECONDS = env_int("PRIVACY_JOB_STALE_AFTER_SECONDS", 15 * 60)
CELERY_BEAT_SCHEDULE |= {
    # Applies each campaign's retention settings, once a day; a second run changes nothing.
    "apply-privacy-retention": {
        "task": "campaign.privacy.tasks.apply_privacy_retention",
        "schedule": 24 * 60 * 60.0,
        "options": {"expires": 12 * 60 * 60},
    },
    # Hands exports and erasures a killed worker or a lost message left behind to a worker again.
    "requeue-stale-privacy-jobs": {
        "task": "campaign.privacy.tasks.requeue_stale_privacy_jobs",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
}
