"""Settings for jdrenda, driven by the environment (see .env.example).

With no DATABASE_URL the app runs on a SQLite file in the checkout; with no REDIS_URL Celery
runs tasks eagerly in-process and the cache is local memory, so `make run` works on a bare
machine.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    # A fixed development key is acceptable only with DEBUG or under tests; production sets
    # SECRET_KEY and `check --deploy` complains otherwise.
    "django-insecure-jdrenda-development-key-change-me-0123456789"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "simple_history",
    "django_celery_beat",
    "deputies",
    "activities",
    "proposals",
    "supervision",
    "planner",
    "invitations",
    "briefings",
    "citizens",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "jdrenda.apps.JdrendaConfig",  # wires the MFA check to login (deputies.mfa)
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
    "allauth.account.middleware.AccountMiddleware",
    "deputies.mfa.RequireMFAMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "supervision.closing.middleware.ClosedYearMiddleware",  # last: wraps the view only
]

ROOT_URLCONF = "jdrenda.urls"

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
                "deputies.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "jdrenda.wsgi.application"
ASGI_APPLICATION = "jdrenda.asgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
# Connections are kept for a minute; the health check (a cheap ping when a request first
# uses a kept connection) replaces one that a PostgreSQL restart has closed, instead of
# failing that request.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Fails soft (jdrenda/cache.py): with Redis down or hung, pages keep working without the
    # cache instead of answering 500, and login rate limiting counts per process. Short
    # socket timeouts, so a hung Redis costs a page about a second, not minutes.
    CACHES = {
        "default": {
            "BACKEND": "jdrenda.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 1,
                "INVALIDATE_ON_RECOVERY": ["dashboard:data-version"],
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's, with its message in Chinese (deputies.auth).
        "NAME": "deputies.auth.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "deputies.auth.MobileNumberBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# allauth: username (or a deputy's mobile number, see deputies.auth) and password; no
# self-service sign-up, accounts are issued by the office.
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "deputies.auth.AccountAdapter"
# People are named by name and role, never username (jdrenda.people; issue 11, item 8).
ACCOUNT_USER_DISPLAY = "jdrenda.people.user_display"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# Adding an e-mail address (a later password-reset target) or changing account settings asks
# for the password again unless it was typed in the last 5 minutes: a session left open on a
# shared town PC cannot be turned into a reset link for later.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Five wrong passwords (or TOTP codes) for one account lock it for five minutes; the Chinese
# message names the wait (deputies.auth). The counts live in the cache: Redis in production,
# so every gunicorn worker sees the same count.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Behind nginx every client has the proxy's address: count the hops we control so the per-IP
# limit sees the real client (X-Forwarded-For), not one address for the whole district.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
# TOTP is required for staff and leadership, optional for deputies (deputies.mfa).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "deputies.mfa.MFAAdapter"
# The unconfirmed secret survives a reload of the enrolment page (allauth's makes a new one).
MFA_FORMS = {"activate_totp": "deputies.mfa.ActivateTOTPForm"}
MFA_TOTP_ISSUER = "嘉定区人大代表履职"
# One 30-second step either side: phone clocks drift; a used code cannot be replayed.
MFA_TOTP_TOLERANCE = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

LANGUAGE_CODE = "zh-hans"
# Chinese only, whatever the browser prefers (no LocaleMiddleware): pages, messages, e-mails.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("STATIC_MANIFEST", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Uploads (ledger workbooks) are bounded; the import view gives a Chinese message past this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LEDGER_MAX_UPLOAD_BYTES = int(os.environ.get("LEDGER_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# Photos and PDFs on activities (activities/attachments.py): larger ones get a Chinese message.
ACTIVITY_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("ACTIVITY_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
)
# What the ledger reader accepts before any heavy parsing (supervision/ledger/reader.py): the
# zip's declared unzipped size, data rows per sheet, seconds of reading; and how many issues
# the preview lists (all of them are in the downloadable list).
LEDGER_MAX_UNZIPPED_BYTES = int(os.environ.get("LEDGER_MAX_UNZIPPED_BYTES", 50 * 1024 * 1024))
LEDGER_MAX_ROWS = int(os.environ.get("LEDGER_MAX_ROWS", 20_000))
LEDGER_MAX_READ_SECONDS = float(os.environ.get("LEDGER_MAX_READ_SECONDS", 20))
LEDGER_PREVIEW_ISSUES = int(os.environ.get("LEDGER_PREVIEW_ISSUES", 200))

# Email: EMAIL_URL like smtp://user:pass@host:587 (with ?tls=1); default prints to the console.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL.startswith(("smtp://", "smtps://")):
    from urllib.parse import parse_qs, unquote, urlparse

    _email = urlparse(EMAIL_URL)
    _query = parse_qs(_email.query)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _query.get("tls", ["0"])[0] in {"1", "true"}
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jdrenda@localhost")

# Celery: eager in-process without Redis, so the app and the tests run on a bare machine.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A broker that is down fails a publish within about two seconds instead of hanging the
# request (jdrenda.queue.enqueue turns the error into a message): a short connect timeout
# and one quick retry. The socket timeout stays above the worker's 1 s BRPOP poll.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1

# Where generated files (feedback-sheet zips, exports) are kept for download.
EXPORT_ROOT = Path(os.environ.get("EXPORT_ROOT", BASE_DIR / "var" / "exports"))
# Deputies per chunk of a feedback-sheet job: each chunk is one Celery task, so every worker
# takes chunks in parallel and a worker that dies loses only its own chunk's work.
FEEDBACK_CHUNK_SIZE = int(os.environ.get("FEEDBACK_CHUNK_SIZE") or 500)
# Days a constituent's phone and address are kept after the deputy's service ended (two years:
# the last year's feedback sheet is issued at its end, and questions about it come within a
# year after that); then deputies.privacy.erase_expired_constituent_contacts blanks them.
CONSTITUENT_CONTACT_RETENTION_DAYS = int(os.environ.get("CONSTITUENT_CONTACT_RETENTION_DAYS", 730))

# 代表码 (citizens/): the public pages citizens reach by a deputy's QR code.
# The address the QR codes on the posters point to (the deployment's public address).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Days a citizen's name and phone on a message are kept after it was received; then the
# retention job (erase_constituent_contacts) blanks them, here and in the history rows.
CITIZEN_CONTACT_RETENTION_DAYS = int(os.environ.get("CITIZEN_CONTACT_RETENTION_DAYS", 365))
# A message with no reply and no referral after this many days goes into the deputy's
# reminder and the town staff's to-do list.
CITIZEN_UNANSWERED_DAYS = int(os.environ.get("CITIZEN_UNANSWERED_DAYS", 7))
# Rate limits of the public pages (allauth's rate syntax, counted in the cache like the login
# lock-out): messages per address and per deputy, and lookup attempts per address.
CITIZEN_RATE_LIMITS = {
    "message": os.environ.get("CITIZEN_RATE_MESSAGE", "3/10m/ip,10/d/ip"),
    "message_deputy": os.environ.get("CITIZEN_RATE_MESSAGE_DEPUTY", "30/h/key"),
    "lookup": os.environ.get("CITIZEN_RATE_LOOKUP", "20/h/ip"),
}

# A session ends after SESSION_COOKIE_AGE seconds without a request (30 minutes unless set;
# every request starts the count again), and when the browser closes: town offices share PCs.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline scripts or event handlers anywhere (static/js files only). Styles may be inline:
# templates size progress bars with style="width: …". The TOTP QR code is a data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
}
# The open API (api/, README "开放接口"): clients authenticate with a token (no session), are
# rate limited per client in the cache, and get JSON errors in Chinese.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "嘉定区人大代表履职管理系统 开放接口",
    "DESCRIPTION": "只读接口与扫码签到接口。访问令牌由人事代表工委在“接口客户端”页面创建，"
    "请求头写 Authorization: Bearer <令牌>。",
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI from the sidecar package's static files: no CDN, scripts from files only.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
}

if env_bool("SECURE", default=False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
