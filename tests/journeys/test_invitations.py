"""Invitations with replies (issue 16, item 1): office staff invite a deputy group and a whole
delegation to an SC meeting (列席), the deputies reply on their phones (390 px), the replies put
them on the roll as 受邀, the QR sign-in records 出席, and the evaluation counts it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NAME = "列席区人大常委会第三十五次会议（旅程测试）"
LEAVE_TEXT = "当天在外地参加培训（旅程测试）"


def sc_meetings(deputy) -> int:
    """What the evaluation counts for the deputy under Art. 12 (列席常委会会议/座谈会)."""
    from supervision.evaluation.compliance import as_of_today, evaluate_year

    today = timezone.localdate()
    evaluation = evaluate_year(today.year, deputy.term, [deputy.pk], as_of=as_of_today())
    return evaluation.rows[0].result("ART12_SC_MEETING").achieved


def phone(j):
    j.page.set_viewport_size(PHONE)
    return j


def test_invitations_journey(journey):
    from activities.models import Activity, Participation
    from activities.services import signin_token
    from deputies.models import Delegation, Deputy
    from invitations.models import Invitation, InvitedDeputy

    demo_deputy = Deputy.objects.get(user__username="deputy")
    leader_deputy = Deputy.objects.get(user__username="leader")
    assert demo_deputy.group_id == leader_deputy.group_id
    group = demo_deputy.group
    other = Delegation.objects.exclude(pk=demo_deputy.delegation_id).order_by("pk").first()
    now = timezone.now()
    activity = Activity.objects.create(
        term=demo_deputy.term,
        name=NAME,
        type="sc_meeting",
        date=timezone.localdate(),
        place="区人大常委会会议室",
        signin_opens_at=now - timedelta(minutes=5),
        signin_closes_at=now + timedelta(hours=3),
    )
    counted_before = sc_meetings(demo_deputy)

    # Office staff: enrol, open the activity, 发出邀请 (the page is prefilled from the link).
    office = journey("office")
    office.log_in("office")
    office.enrol_totp()
    office.goto(reverse("activities:activity_detail", args=[activity.pk]), "activity")
    page = office.page
    page.get_by_role("link", name="发出邀请").click()
    page.wait_for_load_state()
    office.step("invite-form", forms=1)
    assert page.locator("select[name=activity]").input_value() == str(activity.pk)
    assert page.locator("input[name=reply_deadline]").input_value()  # prefilled
    page.select_option("select[name=group]", str(group.pk))
    page.select_option("select[name=delegation]", str(other.pk))
    page.get_by_label("报名参加").check()
    page.get_by_role("button", name="发出邀请").click()
    page.wait_for_url(lambda u: "/invitations/" in u and "/new/" not in u)
    office.step("invitation-sent")
    invitation = Invitation.objects.get(activity=activity)
    invited = set(invitation.invitees.values_list("deputy_id", flat=True))
    expected = set(
        Deputy.objects.filter(term=demo_deputy.term)
        .active_on(activity.date)
        .filter(pk__in=Deputy.objects.filter(group=group).values("pk"))
        .values_list("pk", flat=True)
    ) | set(
        Deputy.objects.filter(term=demo_deputy.term, delegation=other)
        .active_on(activity.date)
        .values_list("pk", flat=True)
    )
    assert invited == expected
    assert {demo_deputy.pk, leader_deputy.pk} <= invited
    counts = page.locator("[data-testid=reply-counts]")
    assert counts.locator("[data-count=invited]").inner_text() == str(len(expected))
    assert counts.locator("[data-count=unanswered]").inner_text() == str(len(expected))

    # The deputy, on a phone: the file lists the invitation to answer; reply 参加.
    deputy = phone(journey("deputy"))
    deputy.log_in("deputy")
    deputy.step("file")
    dpage = deputy.page
    todo = dpage.locator('[data-todo="invitations"]')
    assert todo.locator("[data-count]").inner_text() == "1"
    todo.click()
    dpage.wait_for_load_state()
    deputy.step("my-invitations")
    dpage.get_by_role("link", name=NAME).click()
    dpage.wait_for_load_state()
    deputy.step("reply-form", forms=1)
    dpage.get_by_label("参加", exact=True).check()
    dpage.get_by_role("button", name="提交回复").click()
    dpage.wait_for_load_state()
    deputy.step("replied")
    assert "您已回复：参加" in dpage.locator("[data-testid=my-answer]").inner_text()
    width = dpage.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the reply page scrolls sideways ({width} px)"
    row = InvitedDeputy.objects.get(invitation=invitation, deputy=demo_deputy)
    assert row.answer == "accept"
    # The reply put the deputy on the roll as 受邀 — not attendance.
    participation = Participation.objects.get(activity=activity, deputy=demo_deputy)
    assert participation.status == "invited"
    assert sc_meetings(demo_deputy) == counted_before

    # The group leader (a deputy too), on a phone: 请假 needs a reason.
    leader = phone(journey("leader"))
    leader.log_in("leader")
    leader.goto(reverse("invitations:mine"), "my-invitations")
    lpage = leader.page
    lpage.get_by_role("link", name=NAME).click()
    lpage.wait_for_load_state()
    lpage.get_by_label("请假", exact=True).check()
    lpage.get_by_role("button", name="提交回复").click()
    lpage.wait_for_load_state()
    leader.step("leave-without-reason", forms=1)
    assert "请假须填写事由" in lpage.inner_text("main")
    lpage.get_by_label("请假", exact=True).check()
    lpage.fill("textarea[name=reason]", LEAVE_TEXT)
    lpage.get_by_role("button", name="提交回复").click()
    lpage.wait_for_load_state()
    leader.step("leave-replied")
    assert (
        InvitedDeputy.objects.get(invitation=invitation, deputy=leader_deputy).answer == "decline"
    )

    # Office staff: the replies page shows the counts; chase the others in one click.
    page.reload()
    office.step("replies")
    assert counts.locator("[data-count=accepted]").inner_text() == "1"
    assert counts.locator("[data-count=declined]").inner_text() == "1"
    assert counts.locator("[data-count=unanswered]").inner_text() == str(len(expected) - 2)
    assert LEAVE_TEXT in page.inner_text("main")
    page.get_by_role("button", name="一键催复").click()
    page.wait_for_load_state()
    office.step("chased")
    chased = invitation.invitees.filter(chase_count=1).count()
    assert chased == len(expected) - 2
    assert f"已催复 {chased} 名代表" in page.inner_text("main")

    # On the day: the deputy scans the activity's QR code; the sign-in records 出席.
    deputy.goto(reverse("activities:signin", args=[activity.pk, signin_token(activity)]), "scan")
    dpage.get_by_role("button", name="确认签到").click()
    dpage.wait_for_load_state()
    deputy.step("signed-in")
    assert "签到成功" in dpage.inner_text("main")
    participation.refresh_from_db()
    assert participation.status == "present"
    # The evaluation counts it: one more 列席常委会会议 for the deputy.
    assert sc_meetings(demo_deputy) == counted_before + 1
