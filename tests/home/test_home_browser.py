"""In a real browser: the delegation head signs in (password, then the code) and lands on a
home page that names them and lists what waits for them; office staff withdraw a proposal
through the confirmation page with a reason, and take the withdrawal back."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" in url)
    page.fill("input[name=code]", current_code())
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def test_head_home_lists_the_leave_queue(
    live_server, term, delegation, make_deputy, make_user, browser_page, screenshot
):
    from django.core.cache import cache

    from activities.models import LeaveRequest, Meeting
    from deputies.models import Role

    cache.clear()
    deputy = make_deputy(term, "D01", "韩梅", delegation=delegation)
    meeting = Meeting.objects.create(term=term, name="全体会议", kind="plenary",
                                     date=timezone.localdate() + timedelta(7))  # fmt: skip
    LeaveRequest.objects.create(meeting=meeting, deputy=deputy, reason="illness",
                                explanation="住院", status="pending_head")  # fmt: skip
    make_user("head", password="Head-Pass-2024", first_name="顾建国",
              roles=[(Role.DELEGATION_HEAD, delegation)])  # fmt: skip
    page = browser_page
    _sign_in(page, live_server, "head", "Head-Pass-2024")
    text = page.inner_text("body")
    assert "顾建国（团长）" in text
    assert "相关功能页面即将开通" not in text
    item = page.locator('[data-todo="leave"]')
    assert item.locator("[data-count]").inner_text() == "1"
    screenshot(page, "home-head")
    item.click()
    page.wait_for_url(lambda url: "/leave/queue/" in url)
    assert "韩梅" in page.inner_text("body")


def test_office_withdraws_with_a_reason_and_undoes(
    live_server, term, delegation, make_deputy, make_user, browser_page, screenshot
):
    from django.core.cache import cache

    from deputies.models import Role
    from proposals.models import Proposal

    cache.clear()
    lead = make_deputy(term, "D01", "韩梅", delegation=delegation)
    p = Proposal.objects.create(term=term, number="J001", kind="suggestion", title="关于公交的建议",
                                submitted_date=date(2024, 1, 10), lead=lead,
                                status="assigned")  # fmt: skip
    make_user("office", password="Office-Pass-2024", first_name="周敏",
              roles=[(Role.OFFICE_STAFF, None)])  # fmt: skip
    page = browser_page
    _sign_in(page, live_server, "office", "Office-Pass-2024")
    page.goto(f"{live_server.url}/proposals/{p.pk}/")
    page.get_by_role("link", name="撤回…").click()
    page.wait_for_url(lambda url: url.endswith("/withdraw/"))
    # Without a reason the browser refuses to send the form (the server does too: see
    # tests/proposals_pages/test_withdraw.py); nothing changes.
    assert page.locator("textarea[name=reason]").get_attribute("required") is not None
    page.get_by_role("button", name="确认撤回").click()
    assert page.url.endswith("/withdraw/")
    p.refresh_from_db()
    assert p.status == "assigned"
    page.fill("textarea[name=reason]", "代表申请撤回")
    screenshot(page, "proposal-withdraw-confirm")
    page.get_by_role("button", name="确认撤回").click()
    page.wait_for_url(lambda url: url.endswith(f"/proposals/{p.pk}/"))
    assert page.locator('[data-testid="withdraw-reason"]').inner_text().startswith("代表申请撤回")
    screenshot(page, "proposal-withdrawn")
    page.get_by_role("link", name="撤销撤回").click()
    page.get_by_role("button", name="确认撤销撤回").click()
    page.wait_for_url(lambda url: url.endswith(f"/proposals/{p.pk}/"))
    assert page.locator('[data-testid="status"]').inner_text().startswith("交办")
    p.refresh_from_db()
    assert (p.status, p.withdraw_reason) == ("assigned", "")
