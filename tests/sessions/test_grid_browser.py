"""In a real browser, under the Content-Security-Policy: the grid's filters submit through
static/js/autosubmit.js (no inline handler), and a click on a cell still saves it."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_csp_browser import watch_violations
from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choosing_a_delegation_filters_the_grid_and_a_click_saves(
    live_server, held, browser_page, screenshot, make_group
):
    world = held
    from activities.models import Attendance

    make_group(world.term, world.b, "乙镇第一代表小组")
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

    page.goto(f"{live_server.url}/activities/sessions/{world.session.pk}/attendance/")
    assert "张三" in page.content() and page.locator("select[name=group]").count() == 0
    # Choosing 乙镇 reloads the page with the filter: no button pressed, no inline script.
    page.select_option("select[name=delegation]", str(world.b.pk))
    page.wait_for_url(lambda url: f"delegation={world.b.pk}" in url)
    text = page.content()
    assert "B1000" in text and "张三" not in text and "乙镇第一代表小组" in text
    assert "第 1–3 名，共 3 名" in text

    deputy = world.deputies_b[0]
    cell = page.locator(f'tr[data-d="{deputy.pk}"] td[data-m="{world.plenary.pk}"]')
    cell.click()
    page.wait_for_selector(f'tr[data-d="{deputy.pk}"] td.s-present[data-m="{world.plenary.pk}"]')
    screenshot(page, "attendance-grid-filtered")
    assert Attendance.objects.get(deputy=deputy, meeting=world.plenary).status == "present"
    assert violations == []
