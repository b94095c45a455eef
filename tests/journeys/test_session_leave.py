"""Journey (issue 14.1): a deputy asks leave for a whole session of 27 meetings in one request
(全选), the delegation head and the secretary-general each approve it once from their queue
(批准所选), and the attendance grid then shows 假 on all 27 meetings.

It also counts what the journey costs: page loads and user actions (clicks, choices, typing),
the numbers in the issue's closing note. Before issue 14 the same result took 27 requests,
each approved twice.

The world is built here (a small local fixture): tests/journeys/ has its shared conftest from
another change, and this file must not depend on it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.test_csp_browser import watch_violations
from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def whole_session(make_term, make_delegation, make_user, make_deputy):
    """A session starting in a week: 预备会议, 5 全体会议 and 21 meetings of 甲镇代表团 (27 on
    the roll of a 甲镇 deputy), plus one of 乙镇 (not on that roll)."""
    from activities.models import Meeting, Session
    from deputies.models import Role

    today = timezone.localdate()
    term = make_term(
        "测试届", today.replace(year=today.year - 1), today.replace(year=today.year + 3)
    )
    a, b = make_delegation("甲镇", order=1), make_delegation("乙镇", order=2)
    deputy_user = make_user("zhangsan")
    zhang = make_deputy(term, "A000", name="张三", delegation=a, user=deputy_user)
    make_deputy(term, "A001", name="李四", delegation=a)
    start = today + timedelta(days=7)
    session = Session.objects.create(
        term=term, name="测试大会", start_date=start, end_date=start + timedelta(days=6)
    )
    K = Meeting.Kind

    def meeting(name, kind, day, delegation=None):
        return Meeting.objects.create(
            term=term, session=session, name=name, kind=kind, date=day, delegation=delegation
        )

    mine = [meeting("预备会议", K.PREPARATORY, start)]
    mine += [
        meeting(f"第{n}次全体会议", K.PLENARY, start + timedelta(days=n - 1)) for n in range(1, 6)
    ]
    mine += [
        meeting(f"甲镇代表团第{n}次会议", K.DELEGATION, start + timedelta(days=n % 6), a)
        for n in range(1, 22)
    ]
    meeting("乙镇代表团第1次会议", K.DELEGATION, start + timedelta(days=1), b)
    return {
        "session": session,
        "zhang": zhang,
        "mine": mine,
        "deputy_user": deputy_user,
        "head": make_user("head_a", roles=[(Role.DELEGATION_HEAD, a)]),
        "sg": make_user("sg", roles=[(Role.SECRETARY_GENERAL, None)]),
    }


NAV_SESSIONS = "nav a.dropdown-toggle:visible:has-text('大会')"


class Walk:
    """The browser page, counting page loads and the user's actions."""

    def __init__(self, page, base):
        self.page, self.base = page, base
        self.loads = self.actions = 0
        page.on("load", lambda _page: self._loaded())

    def _loaded(self):
        self.loads += 1

    def click(self, selector):
        self.actions += 1
        self.page.locator(selector).first.click()

    def fill(self, selector, value):
        self.actions += 1
        self.page.fill(selector, value)

    def select(self, selector, value):
        self.actions += 1
        self.page.select_option(selector, value)

    def log_in(self, username):
        """Sign-in is counted apart: it is the same before and after."""
        page = self.page
        # Leave the page first: a request still in flight from it (the queue badge polls) would
        # answer with the previous user's session cookie (SESSION_SAVE_EVERY_REQUEST) after the
        # cookies were cleared, and the next role would see the previous role's queue.
        page.goto("about:blank")
        page.context.clear_cookies()
        page.goto(f"{self.base}/accounts/login/")
        page.fill("input[name=login]", username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit], form input[type=submit]").first.click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if "/accounts/2fa/authenticate/" in page.url:
            page.fill("input[name=code]", current_code())
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url(lambda url: "/accounts/" not in url)
        page.goto(f"{self.base}/")
        self.loads = self.actions = 0


def test_deputy_asks_leave_for_a_whole_session_head_and_sg_approve_grid_shows_it(
    live_server, whole_session, browser_page, screenshot
):
    from activities.models import Attendance, LeaveRequest

    w = whole_session
    page = browser_page
    violations = watch_violations(page)
    walk = Walk(page, live_server.url)
    cost = {}

    # The deputy: menu 大会 → 请假申请 → 提交请假申请 → 全选 → 事由, 说明 → 提交申请.
    walk.log_in("zhangsan")
    walk.click(NAV_SESSIONS)
    walk.click("a.dropdown-item:visible:has-text('请假申请')")
    walk.click("a:has-text('提交请假申请')")
    page.wait_for_selector("#id_meetings_all")
    assert page.locator("input[name=meetings]").count() == 27  # 乙镇's meeting not offered
    walk.click("#id_meetings_all")
    assert page.locator("input[name=meetings]:checked").count() == 27
    walk.select("#id_reason", "abroad")
    walk.fill("#id_explanation", "随团出访，整次大会请假")
    screenshot(page, "leave-whole-session-form")
    walk.click("button:has-text('提交申请')")
    page.wait_for_selector("text=请假申请已提交（27 次会议）")
    cost["deputy"] = (walk.loads, walk.actions)
    leave = LeaveRequest.objects.get()
    assert leave.meetings.count() == 27

    # The head: menu 大会 → 待我审批 → tick the request → 批准所选.
    walk.log_in("head_a")
    walk.click(NAV_SESSIONS)
    walk.click("a.dropdown-item:visible:has-text('待我审批')")
    # Wait for the queue page itself: on a loaded CI machine the click on the row's checkbox
    # could otherwise race the navigation and time out on the menu's page.
    page.wait_for_selector("h1:has-text('待我审批的请假申请')", timeout=30_000)
    page.wait_for_selector(f"input[name=ids][value='{leave.pk}']", timeout=30_000)
    assert "随团出访，整次大会请假" in page.content() and "共 27 次会议" in page.content()
    walk.click(f"input[name=ids][value='{leave.pk}']")
    screenshot(page, "leave-queue-head")
    walk.click("button:has-text('批准所选')")
    page.wait_for_selector("text=已批准 1 份请假申请。")
    cost["head"] = (walk.loads, walk.actions)
    assert LeaveRequest.objects.get().status == LeaveRequest.Status.PENDING_SG

    # The secretary-general: the same four steps.
    walk.log_in("sg")
    walk.click(NAV_SESSIONS)
    walk.click("a.dropdown-item:visible:has-text('待我审批')")
    # Wait for the queue page itself: on a loaded CI machine the click on the row's checkbox
    # could otherwise race the navigation and time out on the menu's page.
    page.wait_for_selector("h1:has-text('待我审批的请假申请')", timeout=30_000)
    page.wait_for_selector(f"input[name=ids][value='{leave.pk}']", timeout=30_000)
    walk.click(f"input[name=ids][value='{leave.pk}']")
    walk.click("button:has-text('批准所选')")
    page.wait_for_selector("text=已批准 1 份请假申请。")
    cost["sg"] = (walk.loads, walk.actions)
    assert LeaveRequest.objects.get().status == LeaveRequest.Status.APPROVED

    # The grid, as the secretary-general sees it: 假 on every one of the 27 meetings.
    page.goto(f"{live_server.url}/activities/sessions/{w['session'].pk}/attendance/")
    row = page.locator(f'tr[data-d="{w["zhang"].pk}"]')
    for m in w["mine"]:
        cell = row.locator(f'td[data-m="{m.pk}"]')
        assert cell.inner_text().strip() == "假", m.name
    screenshot(page, "leave-whole-session-grid")
    marks = Attendance.objects.filter(deputy=w["zhang"])
    assert sorted(marks.values_list("status", flat=True)) == ["leave"] * 27
    assert violations == []

    # Page loads and actions after signing in, per role (printed for the closing note).
    print("\nwhole-session leave cost (page loads, actions):", cost)
    assert cost == {"deputy": (3, 7), "head": (2, 4), "sg": (2, 4)}
