"""Journey (issue 16 items 3–4): office staff open the invitation planner, see the projection
and adjust the list; the demo group leader reminds the members who are behind."""

from datetime import date

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = date(2026, 12, 3)


@pytest.fixture
def planned(demo_world, monkeypatch):
    """Three Art. 12 activities still to come in December (the demo's records end in
    November), seen on 3 December 2026."""
    from activities.models import Activity, ActivityType
    from deputies.models import Term

    monkeypatch.setattr("supervision.evaluation.compliance.as_of_today", lambda: TODAY)
    monkeypatch.setattr("planner.selectors.as_of_today", lambda: TODAY)
    term = Term.objects.get(start_date=date(2022, 1, 1))
    A = ActivityType
    for name, type_, day in (
        ("区七届人大常委会第九十次会议（旅程测试）", A.SC_MEETING, date(2026, 12, 10)),
        ("区政府重点工作情况通报会（旅程测试）", A.GOVERNMENT, date(2026, 12, 15)),
        ("主任会议组成人员召集代表座谈会（旅程测试）", A.FORUM, date(2026, 12, 22)),
    ):
        Activity.objects.create(term=term, name=name, type=type_, date=day)


def test_planner_office_plans_and_the_leader_reminds(journey, planned):
    from planner.models import GroupReminder
    from supervision.models import Notification

    j = journey("office")
    j.log_in("office")
    j.enrol_totp()
    j.goto("/", "home")
    j.nav("邀请规划（第十二条）", menu="履职监督")
    page = j.step("planner")
    projection = page.get_by_test_id("projection").inner_text()
    assert projection.startswith("按计划邀请并出席，本届末第12条达标率将从 ")
    page.fill("input[name=seats]", "5")
    page.get_by_role("button", name="生成建议名单").click()
    page.wait_for_load_state()
    j.step("five-seats")
    proposed = page.locator("[data-testid=proposed] input[name=deputies]:checked")
    assert proposed.count() == 5
    # Staff take the first one off and add the first of the shortlist, then recompute.
    first_off = proposed.first.get_attribute("value")
    proposed.first.uncheck()
    added = page.locator("[data-testid=proposed] input[name=deputies]:not(:checked)").nth(1)
    added_id = added.get_attribute("value")
    added.check()
    page.get_by_role("button", name="按勾选重新计算").click()
    page.wait_for_load_state()
    j.step("edited")
    kept = page.locator("[data-testid=proposed] input[name=deputies]:checked")
    ids = [kept.nth(i).get_attribute("value") for i in range(kept.count())]
    assert added_id in ids and first_off not in ids and len(ids) == 5
    assert page.get_by_test_id("projection").is_visible()
    # The button opens the invitation form with the edited list.
    href = page.get_by_test_id("invite").get_attribute("href")
    assert href.startswith("/invitations/new/?activity=")
    assert href.endswith("deputies=" + "%2C".join(ids))

    leader = journey("leader")
    leader.log_in("leader")
    leader.step("home")
    leader.nav("我的小组")
    leader.step("groups")
    leader.page.locator("main table tbody a").first.click()
    leader.page.wait_for_load_state()
    lp = leader.step("group")
    panel = lp.get_by_test_id("reminder")
    assert "提醒落后的组员" in panel.inner_text()
    chosen = panel.locator("input[name=deputies]:checked").count()
    assert chosen >= 1
    panel.get_by_role("button", name="发送提醒").click()
    lp.wait_for_load_state()
    leader.step("reminded")
    reminder = GroupReminder.objects.get()
    reached = reminder.recipients.count()
    assert f"已向 {reached} 位组员发送履职提醒。" in lp.locator(".alert").first.inner_text()
    assert reminder.sent_by.username == "leader"
    assert Notification.objects.filter(kind="group_reminder").count() == reached
