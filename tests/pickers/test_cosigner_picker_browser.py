"""In a real browser under the CSP: on the proposal form, office staff pick the 领衔代表 by
拼音首字母 with Enter, then find 附议代表 by typing their initials in the 附议代表 box.

The bug this guards (issue 14, item 3): the 领衔代表 box holds every deputy as a local option, so
Enter took 李明 before Tom Select's delayed refresh of the typed text (300 ms) had run. That
refresh then ran anyway, reopened the 领衔代表 list and took the focus back; the initials typed
into 附议代表 went into the other box, the 附议代表 list never narrowed and no search went out.
(Enter also took whatever was first in the not yet narrowed list.) The page's clock is paused and
advanced by the test, so the race happens the same way on a fast and a slow machine; without
the fix in static/js/pickers.js (refreshThrottle 0) this test fails at the 附议代表 list.
"""

from datetime import datetime, timedelta

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_csp_browser import watch_violations
from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Three deputies whose initials start with "zw", so the search has to narrow by them.
NAMES = {"D100": "李明", "D200": "张伟", "D201": "赵文", "D202": "周武", "D300": "王芳"}


def _login_office(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "office")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" in url)
    page.fill("input[name=code]", current_code())
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def _advance_until_visible(page, selector):
    """Let the page's clock run in 100 ms steps, as time passes for a person watching the box,
    until `selector` shows (an answer from the server arrives in real time meanwhile)."""
    target = page.locator(selector)
    for _ in range(100):
        if target.is_visible():
            return
        page.clock.run_for(100)
        page.wait_for_timeout(50)
    raise AssertionError(f"{selector} did not show")


def test_cosigners_found_by_initials_after_the_lead(
    live_server, browser_page, screenshot, make_user, make_deputy, term, delegation
):
    from deputies.models import Role
    from deputies.services import fill_name_initials
    from proposals.models import Proposal

    for code, name in NAMES.items():
        make_deputy(term, code, name, delegation=delegation)
    fill_name_initials()
    make_user("office", roles=[(Role.OFFICE_STAFF, None)])

    page = browser_page
    violations = watch_violations(page)
    searches = []
    page.on(
        "request",
        lambda request: searches.append(request.url) if "/deputies/pick/" in request.url else None,
    )
    _login_office(page, live_server)
    page.goto(f"{live_server.url}/proposals/new/")
    page.fill("input[name=number]", "J2025-001")
    page.select_option("select[name=kind]", "suggestion")
    page.fill("input[name=title]", "关于优化公交线路的建议")
    page.fill("input[name=submitted_date]", "2025-03-01")

    # The page's timers run only when the test lets them (Playwright's clock, paused), so the
    # order of events is the same on a fast and a slow machine.
    page.clock.install()
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))
    # The lead, as a quick typist does it: initials, and Enter as soon as the name shows.
    lead = page.locator("#id_lead-ts-control")
    lead.click()
    page.clock.run_for(100)
    lead.press_sequentially("lm")
    _advance_until_visible(page, "#id_lead-ts-dropdown .option.active:has-text('李明')")
    lead.press("Enter")
    page.clock.run_for(50)

    box = page.locator("#id_cosigners-ts-control")
    dropdown = page.locator("#id_cosigners-ts-dropdown")
    box.click()
    page.clock.run_for(1000)  # a moment's pause in the 附议代表 box before typing
    # Typed where the caret is, as a person does (a locator's typing would focus the box first).
    page.keyboard.type("zw")
    # The typed initials go to the search, and the list narrows to the three zw deputies.
    _advance_until_visible(page, "#id_cosigners-ts-dropdown .option.active:has-text('张伟')")
    assert dropdown.locator(".option").all_inner_texts() == [
        "张伟（D200） 嘉定镇街道",
        "赵文（D201） 嘉定镇街道",
        "周武（D202） 嘉定镇街道",
    ]
    assert [url.split("?", 1)[1] for url in searches] == [
        "q=lm&scope=visible",
        "q=zw&scope=visible",
    ]
    screenshot(page, "proposal-cosigner-picker")
    page.keyboard.press("Enter")
    assert box.input_value() == ""

    page.keyboard.type("wf")
    _advance_until_visible(page, "#id_cosigners-ts-dropdown .option.active:has-text('王芳')")
    assert dropdown.locator(".option").all_inner_texts() == ["王芳（D300） 嘉定镇街道"]
    page.keyboard.press("Enter")
    chosen = page.locator("#id_cosigners-ts-control").locator("xpath=..").locator(".item")
    assert [text.split("（")[0] for text in chosen.all_inner_texts()] == ["张伟", "王芳"]
    assert not page.locator("#id_lead-ts-dropdown").is_visible()

    with page.expect_navigation():
        page.locator("main form button.btn-primary").click()
    assert "已登记 J2025-001。" in page.locator("main").inner_text()
    proposal = Proposal.objects.get(number="J2025-001")
    assert proposal.lead.code == "D100"
    assert sorted(proposal.cosigners.values_list("code", flat=True)) == ["D200", "D300"]
    page.wait_for_load_state("networkidle")
    assert violations == []
