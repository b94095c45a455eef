"""Journey (issue 14 item 10): a group leader confirms a deputy's self-report in the browser;
the deputy signs in, sees the bell count and the inbox entry, and follows it to their file."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(make_term, make_delegation, make_group, make_deputy, make_user):
    from deputies.models import Role
    from supervision.models import SelfReport

    today = timezone.localdate()
    term = make_term("测试届", date(today.year - 1, 1, 1), date(today.year + 3, 12, 31))
    town = make_delegation("甲镇")
    group = make_group(term, town, "甲一组")
    deputy_user = make_user("zhangsan")
    deputy = make_deputy(term, "A001", name="张三", group=group, user=deputy_user)
    leader = make_user("leader", roles=[(Role.GROUP_LEADER, group)])
    report = SelfReport.objects.create(
        deputy=deputy, kind=SelfReport.Kind.ACTIVITY, activity_type="research",
        date=today - timedelta(days=2), title="社区养老调研", content="走访三个社区",
        submitted_by=deputy_user,
    )  # fmt: skip
    return {"report": report, "deputy_user": deputy_user, "leader": leader}


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def test_leader_confirms_and_deputy_sees_bell_and_inbox(
    live_server, people, browser_page, screenshot
):
    from django.core.cache import cache

    # allauth keeps login failures (per address) and used codes in the cache, which in CI is
    # the Redis every earlier test shared: start from none, as the other journeys do.
    cache.clear()
    page, base = browser_page, live_server.url
    report = people["report"]

    sign_in(page, base, "leader")
    page.goto(f"{base}/supervision/reviews/")
    page.get_by_role("button", name="确认计入").click()
    page.wait_for_load_state()
    assert "已确认 张三 的填报" in page.content()
    # The deputy on a browser of their own: clearing the leader's cookies races with the
    # page's own fragment requests, whose answers set the session cookie again.
    own = page.context.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    own.set_default_timeout(15_000)
    page = own.new_page()

    sign_in(page, base, "zhangsan")
    bell = page.locator(".jd-bell-count")
    assert bell.inner_text() == "1"
    page.locator("a.jd-bell").click()
    page.wait_for_url(lambda url: "/notifications/" in url)
    heading = f"您的填报已确认：自行组织的履职活动 {report.date.isoformat()}"
    entry = page.get_by_role("heading", name=heading)
    assert entry.count() == 1
    assert "审核人" in page.content()
    screenshot(page, "journey-notification-inbox")
    page.get_by_role("link", name="查看详情").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/deputies/mine"))
