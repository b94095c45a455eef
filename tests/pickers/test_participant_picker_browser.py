"""In a real browser under the CSP: on an activity page, staff add one participant by typing
拼音首字母 in the 代表编号或姓名 box and taking the match with Enter; the roll shows them."""

from datetime import date

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_csp_browser import watch_violations
from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_single_participant_found_by_initials(
    live_server, browser_page, screenshot, make_user, make_deputy, term, delegation
):
    from activities.models import Activity
    from deputies.models import Role
    from deputies.services import fill_name_initials

    make_deputy(term, "D100", "李明", delegation=delegation)
    make_deputy(term, "D200", "王芳", delegation=delegation)
    fill_name_initials()
    activity = Activity.objects.create(
        term=term, name="集中视察", type="inspection", date=date(2025, 4, 1)
    )
    make_user("office", roles=[(Role.OFFICE_STAFF, None)])

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

    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    box = page.locator("#id_deputy-ts-control")
    box.click()
    box.press_sequentially("wf")
    page.wait_for_selector("#id_deputy-ts-dropdown .option.active:has-text('王芳')")
    box.press("Enter")
    assert page.locator("input[name=deputy]").input_value() == "D200"
    # A mouse click on 添加 right after the pick: the box must not shrink under the pointer.
    with page.expect_navigation():
        page.locator("form[action$='/participants/add/'] button").click()
    assert "已添加 王芳。" in page.locator("main").inner_text()
    assert activity.participations.get().deputy.code == "D200"
    screenshot(page, "activity-participant-picker")
    page.wait_for_load_state("networkidle")
    assert violations == []
