"""In a real browser under the CSP: office staff open a deputy's file on 3 December 2026 and
read, on each unmet rule, what is left and the next activities that would count (issue 14,
item 11); the activity links open the activity."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_csp_browser import watch_violations
from tests.totp import current_code

from .test_progress import world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_read_what_is_left_on_a_deputys_file(live_server, browser_page, screenshot,
                                                   world):  # noqa: F811  # fmt: skip
    page = browser_page
    violations = watch_violations(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "office")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" in url)
    page.fill("input[name=code]", current_code())
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)

    page.goto(f"{live_server.url}/deputies/{world['zhang'].pk}/?year=2026")
    training = page.locator('tr[data-rule="ART13_TRAINING"]')
    assert training.locator(".jd-rule-progress").inner_text() == "还差 1 次，本年剩余 29 天"
    assert training.locator('[data-testid="next-ART13_TRAINING"] li').all_inner_texts() == [
        "可参加：2026-12-12 镇人大培训",
        "可参加：2026-12-18 委托培训",
    ]
    screenshot(page, "deputy-file-progress-staff")
    with page.expect_navigation():
        training.get_by_role("link", name="委托培训").click()
    assert "委托培训" in page.locator("h1").inner_text()
    page.wait_for_load_state("networkidle")
    assert violations == []
