"""Browser journeys: each demo account, never logged in before, does its daily work through the
real pages on a live server holding the demo seed, with DEBUG on as under `make run`.

Fixtures:
    demo_world  the demo seed (deputies.demo.seed_demo) in the test database
    journey     a Journey: a Chromium page with a watcher, and helpers (log_in, enrol, step)

The watcher fails the journey on: a response >= 500; a URL requested more than
MAX_REPEATS times on one page, or a navigation, while the page should be idle (reload
loops); a console error; a CSP violation (the securitypolicyviolation event or a console
message); English interface words in the visible text. journey.step() waits IDLE_SECONDS,
checks, and takes a screenshot (test-artifacts/screenshots/journey-<test>-<role>-NN-<step>.png).

Seeding takes ~15 s. On SQLite (the default for local runs) the database is seeded once per
run and copied back before each journey with SQLite's backup API (milliseconds); on
PostgreSQL every journey seeds again.
"""

import re
import sqlite3
import time
from collections import Counter

import pytest

IDLE_SECONDS = 2.0
MAX_REPEATS = 5
DEMO_PASSWORD = "jdrenda-demo-2026"  # deputies.demo.DEMO_PASSWORD, as printed by `make run`

# Interface words that would mean an untranslated page; product names are removed first.
ENGLISH = re.compile(
    r"\b(Sign In|Sign Out|Sign Up|Log ?in|Log ?out|Password|Username|Authenticator|"
    r"Enter|Submit|Activate|Deactivate|Cancel|Remove|Delete|Save|Search|Next|Previous|"
    r"Back|Home|Code|Recovery|Download|Confirm|Required|Error|Warning|Success|"
    r"This field|Forgot|Remember|Settings|Account|Email|Page not found)\b"
)
PRODUCT_NAMES = re.compile(
    r"Microsoft Authenticator|Google Authenticator|Authenticator 等|Excel|Chromium|TOTP"
)

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


# --- the demo seed -------------------------------------------------------------------------


def _is_sqlite(connection) -> bool:
    return connection.vendor == "sqlite"


def _copy(connection, to_snapshot: sqlite3.Connection | None = None, from_snapshot=None):
    connection.ensure_connection()
    raw = connection.connection
    if to_snapshot is not None:
        raw.backup(to_snapshot)
    else:
        from_snapshot.backup(raw)


@pytest.fixture(scope="session")
def _demo_snapshot(django_db_setup, django_db_blocker):
    """On SQLite: the seeded test database, kept in memory; the empty one is restored after
    seeding so tests outside this folder never see the demo data."""
    from django.db import connection

    if not _is_sqlite(connection):
        yield None
        return
    from django.test import override_settings

    from deputies.demo import seed_demo

    empty, seeded = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    # The demo password hashed as the tests check it (tests/conftest.py: a fast hasher).
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        _copy(connection, to_snapshot=empty)
        seed_demo(log=lambda *args: None)
        _copy(connection, to_snapshot=seeded)
        _copy(connection, from_snapshot=empty)
    yield seeded
    seeded.close()
    empty.close()


@pytest.fixture
def demo_world(_demo_snapshot, transactional_db):
    """The demo seed in this journey's database (flushed after the journey)."""
    from django.core.cache import cache
    from django.db import connection

    if _demo_snapshot is not None:
        _copy(connection, from_snapshot=_demo_snapshot)
    else:
        from deputies.demo import seed_demo

        seed_demo(log=lambda *args: None)
    # allauth keeps used TOTP codes and login failures in the cache; the dashboard its figures.
    cache.clear()
    from supervision.dashboard.services import bump_data_version

    bump_data_version()
    yield
    cache.clear()


# --- the watcher -----------------------------------------------------------------------------


class Journey:
    def __init__(self, page, base_url, screenshot, role, journey_name=""):
        self.page, self.base, self.screenshot, self.role = page, base_url, screenshot, role
        self.prefix = f"journey-{journey_name}-{role}" if journey_name else f"journey-{role}"
        self.problems: list[str] = []
        self.requests: list[tuple[float, str]] = []
        self.navigations: list[tuple[float, str]] = []
        self.steps = 0
        page.add_init_script(CSP_LISTENER)
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"JavaScript error: {exc}"))
        page.on("framenavigated", self._on_navigation)

    # events
    def _on_request(self, request):
        self.requests.append((time.monotonic(), request.url))

    def _on_response(self, response):
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status} for {response.url}")

    def _on_console(self, message):
        text = message.text
        if message.type == "error":
            self.problems.append(f"console error: {text}")
        elif "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"CSP: {text}")

    def _on_navigation(self, frame):
        if frame == self.page.main_frame:
            self.navigations.append((time.monotonic(), frame.url))

    # helpers
    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def goto(self, path: str, name: str):
        self.page.goto(self.url(path))
        return self.step(name)

    def nav(self, link, menu: str | None = None):
        """Click a link of the main navigation (opening its drop-down menu first)."""
        bar = self.page.get_by_role("navigation", name="主导航")
        if menu:
            bar.get_by_role("button", name=menu).or_(
                bar.get_by_role("link", name=menu)
            ).first.click()
        exact = isinstance(link, str)  # a pattern for links that carry a badge
        bar.get_by_role("link", name=link, exact=exact or None).first.click()
        self.page.wait_for_load_state()

    def fail_on_problems(self, where: str):
        if self.problems:
            problems, self.problems = self.problems, []
            pytest.fail(f"[{self.role}] {where}: " + "; ".join(problems[:10]), pytrace=False)

    def step(self, name: str, forms: int | None = None):
        """The page is loaded: wait while it should be idle, check it, take a screenshot."""
        page = self.page
        page.wait_for_load_state("load")
        started = time.monotonic()
        page_since = max((t for t, _ in self.navigations), default=started)
        page.wait_for_timeout(IDLE_SECONDS * 1000)
        self.steps += 1
        path = self.screenshot(page, f"{self.prefix}-{self.steps:02d}-{name}")
        where = f"step {name} ({page.url}, {path.name})"
        late = [url for t, url in self.navigations if t > started]
        if late:
            self.problems.append(f"the page navigated by itself while idle: {late[:3]}")
        counts = Counter(url for t, url in self.requests if t >= page_since - 0.5)
        repeated = {url: n for url, n in counts.items() if n > MAX_REPEATS}
        if repeated:
            self.problems.append(f"requests repeated while idle (reload loop?): {repeated}")
        if late or repeated:
            self.fail_on_problems(where)  # the page keeps moving: nothing else can be read
        violations = page.evaluate("window.__cspViolations || []")
        if violations:
            self.problems.append(f"CSP violations: {violations}")
        if forms is not None:
            found = page.locator("main form").count()
            if found != forms:
                self.problems.append(f"{found} forms in the page, {forms} expected")
            # A page pasted into a badge brings its own form (the enrolment form twice).
            codes = page.locator("form:has(input[name=code])").count()
            if codes > 1:
                self.problems.append(f"{codes} forms asking for a code in the page")
        text = PRODUCT_NAMES.sub("", page.inner_text("body"))
        english = sorted(set(ENGLISH.findall(text)))
        if english:
            self.problems.append(f"English on the page: {english}")
        self.fail_on_problems(where)
        return page

    # the account's first login
    def log_in(self, username: str, password: str = DEMO_PASSWORD):
        page = self.page
        self.goto("/accounts/login/", "login")
        assert "登录" in page.inner_text("main")
        page.fill("input[name=login]", username)
        page.fill("input[name=password]", password)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(lambda u: "/accounts/login/" not in u)

    def enrol_totp(self, new_key: bool = False):
        """As a person would: read the key shown, type the app's code, keep the recovery codes.
        With new_key, ask for another key first (换一个密钥) and use that one."""
        from tests.journeys.totp import totp

        page = self.page
        assert "/accounts/2fa/totp/activate/" in page.url, page.url
        self.step("enrol", forms=1)
        key = page.input_value("#authenticator_secret")
        page.reload()  # a reload must not change the key the user has typed into the app
        self.step("enrol-reloaded", forms=1)
        assert page.input_value("#authenticator_secret") == key
        if new_key:
            page.get_by_role("button", name="换一个密钥").click()
            page.wait_for_load_state()
            self.step("enrol-new-key", forms=1)
            assert "已生成新的密钥" in page.inner_text("main")
            assert page.input_value("#authenticator_secret") != key
            key = page.input_value("#authenticator_secret")
        # Far from the end of a 30-second window, as a person would wait for a fresh code.
        if time.time() % 30 > 25:
            page.wait_for_timeout((30 - time.time() % 30 + 0.5) * 1000)
        page.fill("input[name=code]", totp(key))
        page.get_by_role("button", name="启用", exact=True).click()
        page.wait_for_url(lambda u: "/accounts/2fa/totp/activate/" not in u)
        self.step("recovery-codes")
        assert "恢复码" in page.inner_text("main")

    def assert_clean(self):
        self.fail_on_problems("end of journey")


@pytest.fixture
def journey(request, demo_world, live_server, browser_page, screenshot, settings):
    """journey(role) -> Journey for that role's browser page (DEBUG on, as `make run`)."""
    settings.DEBUG = True
    made = []

    browser = browser_page.context.browser
    journey_name = request.node.originalname.removeprefix("test_").split("_")[0]

    def make(role: str) -> Journey:
        # A browser that prefers English: the product must answer in Chinese all the same.
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        j = Journey(context.new_page(), live_server.url, screenshot, role, journey_name)
        made.append(j)
        return j

    yield make
    for j in made:
        j.assert_clean()
