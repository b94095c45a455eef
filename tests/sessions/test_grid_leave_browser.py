"""In a real browser (issue 11.3): a click on a 假 cell backed by approved leave does not
overwrite it; the grid asks, names the approved request, and only 确认 changes the cell and
cancels the request. 取消 leaves both as they were."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_csp_browser import watch_violations
from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_click_on_approved_leave_asks_and_confirmation_cancels_the_request(
    live_server, held, browser_page, screenshot
):
    from activities.models import Attendance, LeaveRequest
    from activities.sessions import services

    world = held
    zhang = world.deputies_a[0]
    # Asked before the meeting (a held meeting can no longer be asked for), then approved.
    leave = LeaveRequest.objects.create(
        deputy=zhang, meeting=world.plenary, reason="illness", explanation="住院"
    )
    leave.meetings.add(world.plenary)
    services.head_decide(world.head_a, leave, True)
    services.sg_decide(world.sg, leave, True)

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
    selector = f'tr[data-d="{zhang.pk}"] td[data-m="{world.plenary.pk}"]'
    cell = page.locator(selector)
    assert cell.inner_text() == "假" and cell.get_attribute("data-lv") is not None

    # A click asks; nothing changes yet. 取消 keeps the leave.
    cell.click()
    ask = page.locator("#jd-grid-confirm")
    ask.wait_for(state="visible")
    assert "请假申请已经代表团团长同意、大会秘书长批准" in ask.inner_text()
    assert "改为“出席”将撤销该请假申请" in ask.inner_text()
    screenshot(page, "attendance-grid-approved-leave-confirm")
    page.click("#jd-grid-confirm-no")
    ask.wait_for(state="hidden")
    assert page.locator(selector).inner_text() == "假"
    assert Attendance.objects.get(deputy=zhang, meeting=world.plenary).status == "leave"
    assert LeaveRequest.objects.get(pk=leave.pk).status == "approved"

    # Asked again and confirmed: 出, and the request is cancelled.
    page.locator(selector).click()
    ask.wait_for(state="visible")
    page.click("#jd-grid-confirm-yes")
    page.wait_for_selector(f'tr[data-d="{zhang.pk}"] td.s-present[data-m="{world.plenary.pk}"]')
    assert ask.is_hidden()
    assert Attendance.objects.get(deputy=zhang, meeting=world.plenary).status == "present"
    assert LeaveRequest.objects.get(pk=leave.pk).status == "cancelled"

    page.goto(f"{live_server.url}/activities/leave/{leave.pk}/")
    assert "已撤销" in page.content() and "出席登记表改为“出席”，已批准的请假撤销" in page.content()
    screenshot(page, "leave-cancelled-by-grid")
    assert violations == []
