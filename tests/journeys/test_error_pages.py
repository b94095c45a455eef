"""Journey: in production (DEBUG off) a deputy on a phone follows a link to a page that is
not theirs (the leadership dashboard) and one that no longer exists; each time a Chinese page
says what happened, and 返回首页 takes them home. Before, Django's English "Not Found" showed."""

import re

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_csp_browser import watch_violations
from tests.journeys.conftest import ENGLISH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_deputy_meets_a_chinese_page_for_a_link_that_is_not_theirs(
    live_server, browser_page, screenshot, make_user, make_deputy, term, delegation, settings
):
    settings.DEBUG = False
    user = make_user("laowang")
    make_deputy(term, "A100", name="王老代表", delegation=delegation, user=user)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    violations = watch_violations(page)
    statuses = []
    page.on("response", lambda r: statuses.append(r.status))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "laowang")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    for path, name in (("/dashboard/", "error-404-out-of-scope"), ("/old/link/", "error-404")):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_selector("h1:has-text('页面不存在')")
        text = page.inner_text("body")
        assert "不在您可以查看的范围内" in text
        assert not ENGLISH.search(text) and not re.search(r"Not Found", text), text
        # Nothing sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, name)

    page.click("a:has-text('返回首页')")
    page.wait_for_load_state()
    assert page.url.rstrip("/") == live_server.url.rstrip("/") or page.url.endswith("/")
    assert "页面不存在" not in page.inner_text("body")
    assert not [s for s in statuses if s >= 500]
    assert violations == []
