"""Shared test setup for every folder under tests/.

Markers (declared in pyproject.toml):
    postgres  runs only when the default database is PostgreSQL
    redis     runs only when REDIS_URL is set and a Redis answers
    browser   runs only when Chromium (/usr/bin/chromium or `chromium` on PATH) and the
              playwright package are available
    office    runs only when LibreOffice (soffice) and poppler-utils (pdfinfo, pdftotext)
              are on PATH: exports are printed through real office software
    axe       runs only when node and npm's axe-core (package.json, `make install`) are there
A test whose requirement is missing is skipped with the reason (shown by `-ra`); with the
environment variable CI set, it fails instead: nothing may be skipped in CI.

Every test except those marked `redis` runs Celery tasks in-process (eager), REDIS_URL or not,
and uses a fast password hasher.

Fixtures (all small; read the docstrings):
    make_user(username, roles=[(Role, scope_obj)], password=PASSWORD, mfa=None, **fields)
    make_term(name, start, end), term                 — default term 第七届 2022-01-01..2026-12-31
    make_delegation(name), delegation                 — default delegation 嘉定镇街道
    make_group(term, delegation, name, leader=None)
    make_deputy(term, code, delegation=..., group=..., user=..., ...)  — with a ServicePeriod
    client_for(user)                                  — a logged-in django.test.Client
    browser_page                                      — a Playwright page on system Chromium
    screenshot(page, name)                            — saves test-artifacts/screenshots/NAME.png
"""

import os
import shutil
from datetime import date
from functools import cache
from pathlib import Path

import pytest

PASSWORD = "Jiading-Test-2024"
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT_DIR = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# --- markers: skip (or, in CI, fail) when a requirement is missing ----------------------


def chromium_path() -> str | None:
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@cache
def _missing_postgres() -> str | None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return f"needs PostgreSQL; the default database is {engine}"
    return None


@cache
def _missing_redis() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "needs Redis; REDIS_URL is not set"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # any failure means no usable Redis; say which
        return f"needs Redis; {url} does not answer: {exc}"
    return None


@cache
def _missing_browser() -> str | None:
    if not chromium_path():
        return "needs Chromium; neither /usr/bin/chromium nor `chromium` on PATH"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"needs the playwright package: {exc}"
    return None


def _missing_office() -> str | None:
    missing = [tool for tool in ("soffice", "pdfinfo", "pdftotext") if not shutil.which(tool)]
    if missing:
        return f"needs LibreOffice and poppler-utils; not on PATH: {', '.join(missing)}"
    return None


AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _missing_axe() -> str | None:
    if not shutil.which("node"):
        return "needs node and npm for axe-core; node is not on PATH"
    if not AXE_SCRIPT.exists():
        return f"needs npm's axe-core; run `make install` (npm ci): {AXE_SCRIPT} is missing"
    return None


REQUIREMENTS = {
    "postgres": _missing_postgres,
    "redis": _missing_redis,
    "browser": _missing_browser,
    "office": _missing_office,
    "axe": _missing_axe,
}


def pytest_runtest_setup(item):
    for marker, missing in REQUIREMENTS.items():
        if item.get_closest_marker(marker) is None:
            continue
        reason = missing()
        if reason is None:
            continue
        if os.environ.get("CI"):
            pytest.fail(f"[CI] {reason}", pytrace=False)
        pytest.skip(reason)


# --- speed and determinism -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The production hasher costs ~0.3 s a user; tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Celery tasks run in-process, as on a machine without Redis, so a test sees their
    result even when REDIS_URL is set (CI); tests marked `redis` use the real broker."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    from jdrenda.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


# --- data factories -----------------------------------------------------------------------


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32; tests.totp.current_code(...) reads it


@pytest.fixture
def make_user(db):
    """make_user("name", roles=[(Role.TOWN_STAFF, delegation)], is_superuser=True, ...).

    Each role is (Role, scope) where scope is the Delegation, DeputyGroup or Organiser the
    role is scoped to, or None. The password is PASSWORD unless given.

    A user who must use two-factor authentication (any role but deputy/group leader, or
    is_staff) gets a TOTP authenticator with TOTP_SECRET, as a real staff account has;
    mfa=False leaves it out (a staff account that has not enrolled yet).
    """
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    from deputies.mfa import OPTIONAL_MFA_ROLES
    from deputies.models import Delegation, DeputyGroup, Organiser, RoleAssignment

    scope_field = {Delegation: "delegation", DeputyGroup: "group", Organiser: "organiser"}

    def make(username, roles=(), password=PASSWORD, mfa=None, **fields):
        if fields.get("is_superuser"):
            fields.setdefault("is_staff", True)
        user = get_user_model().objects.create_user(username=username, password=password, **fields)
        for role, scope in roles:
            extra = {scope_field[type(scope)]: scope} if scope is not None else {}
            RoleAssignment.objects.create(user=user, role=role, **extra)
        if mfa is None:
            mfa = user.is_staff or any(role not in OPTIONAL_MFA_ROLES for role, _ in roles)
        if mfa:
            Authenticator.objects.create(
                user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
            )
        return user

    return make


@pytest.fixture
def make_term(db):
    """make_term(name="第七届", start=date(2022, 1, 1), end=date(2026, 12, 31))."""
    from deputies.models import Term

    def make(name="第七届", start=date(2022, 1, 1), end=date(2026, 12, 31)):
        return Term.objects.create(name=name, start_date=start, end_date=end)

    return make


@pytest.fixture
def term(make_term):
    """The demo term 第七届 (2022-01-01 to 2026-12-31)."""
    return make_term()


@pytest.fixture
def make_delegation(db):
    """make_delegation(name, kind=...)."""
    from deputies.models import Delegation

    def make(name, **fields):
        return Delegation.objects.create(name=name, **fields)

    return make


DEFAULT_DELEGATION = "嘉定镇街道"


@pytest.fixture
def delegation(db):
    """The default delegation 嘉定镇街道 (the same row make_deputy falls back to)."""
    from deputies.models import Delegation

    return Delegation.objects.get_or_create(name=DEFAULT_DELEGATION)[0]


@pytest.fixture
def make_group(db):
    """make_group(term, delegation, name="第一代表小组", leader=None)."""
    from deputies.models import DeputyGroup

    def make(term, delegation, name="第一代表小组", leader=None):
        return DeputyGroup.objects.create(
            term=term, delegation=delegation, name=name, leader=leader
        )

    return make


@pytest.fixture
def make_deputy(db):
    """make_deputy(term, code, name=None, delegation=None, group=None, user=None,
    service_start=term start, service_end=None, service=True, **fields).

    The deputy gets one ServicePeriod (in office from service_start) unless service=False.
    Without a delegation: the group's, else the default delegation 嘉定镇街道.
    """
    from deputies.models import Delegation, Deputy, ServicePeriod

    def make(
        term,
        code,
        name=None,
        delegation=None,
        group=None,
        user=None,
        service_start=None,
        service_end=None,
        service=True,
        **fields,
    ):
        if delegation is None:
            delegation = (
                group.delegation
                if group
                else Delegation.objects.get_or_create(name=DEFAULT_DELEGATION)[0]
            )
        deputy = Deputy.objects.create(
            term=term,
            code=code,
            name=name or f"代表{code}",
            delegation=delegation,
            group=group,
            user=user,
            **fields,
        )
        if service:
            ServicePeriod.objects.create(
                deputy=deputy,
                start_date=service_start or term.start_date,
                end_date=service_end,
            )
        return deputy

    return make


@pytest.fixture
def client_for(db):
    """client_for(user) -> a django.test.Client logged in as that user (no password needed)."""
    from django.test import Client

    def make(user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


# --- browser ------------------------------------------------------------------------------


@pytest.fixture
def browser_page(monkeypatch):
    """A Playwright page (zh-CN) in the system Chromium; use with live_server.

    Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
    calls as "async unsafe"; they are safe here, so the check is switched off while the
    browser is open.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            yield page
        finally:
            # ORM calls made while Playwright's loop runs get their own connection (asgiref
            # sees an async context); close it here, or it outlives the test database.
            connections.close_all()
            context.close()
            browser.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "login") saves test-artifacts/screenshots/login.png; returns the path."""

    def save(page, name):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
