"""The demo deputy and the people who act on what the deputy sends, first day (issue 11):
填报 → 组长审核 (leader) → the deputy sees it confirmed; leave → head → secretary-general."""

import re
from datetime import date

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT_TEXT = "走访选民，听取老旧小区加装电梯的意见（旅程测试）"
LEAVE_TEXT = "因病住院治疗，附医院证明（旅程测试）"


def test_deputy_files_a_self_report_and_the_leader_confirms_it(journey):
    from deputies.models import Deputy
    from supervision.models import SelfReport

    demo_deputy = Deputy.objects.get(user__username="deputy")

    # The deputy: no second factor asked; the first page is the deputy's own file.
    deputy = journey("deputy")
    deputy.log_in("deputy")
    deputy.step("home")
    deputy.nav("我的履职档案")
    deputy.step("file")
    page = deputy.page
    page.get_by_role("link", name="填报联系选民").click()
    deputy.step("report-form", forms=1)
    page.fill("input[name=date]", "2026-11-28")
    page.select_option("select[name=method]", "visit")
    page.locator("input[name=constituents]").first.check()
    page.fill("textarea[name=content]", REPORT_TEXT)
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(lambda u: "/deputies/mine/" in u)
    deputy.step("report-filed")
    report = SelfReport.objects.get(deputy=demo_deputy, content=REPORT_TEXT)
    assert report.status == SelfReport.Status.PENDING
    mine = page.locator('#reports li[data-report-status="pending"]', has_text="联系选民")
    assert mine.count() >= 1

    # The leader (the deputy's group leader): the 填报审核 badge counts it; confirm it.
    leader = journey("leader")
    leader.log_in("leader")
    leader.step("home")
    badge = leader.page.get_by_role("navigation", name="主导航").locator("[data-count-url] .badge")
    assert int(badge.inner_text()) >= 1
    leader.nav(re.compile(r"^填报审核"))
    leader.step("reviews")
    card = leader.page.locator("article", has_text=REPORT_TEXT)
    assert demo_deputy.name in card.inner_text()
    card.get_by_role("button", name="确认计入").click()
    leader.page.wait_for_load_state()
    leader.step("confirmed")
    assert "已确认" in leader.page.locator(".alert").first.inner_text()
    report.refresh_from_db()
    assert report.status == SelfReport.Status.CONFIRMED

    # The deputy sees it confirmed, in the file and in a notification.
    page.reload()
    deputy.step("file-after-review")
    assert page.locator('#reports li[data-report-status="confirmed"]').count() >= 1
    page.goto(deputy.url("/notifications/"))
    deputy.step("notifications")
    assert "确认" in page.inner_text("main")


def test_leave_goes_from_the_deputy_to_the_head_and_the_secretary_general(journey):
    from activities.models import AttendanceStatus, LeaveRequest, Meeting
    from deputies.models import Deputy

    demo_deputy = Deputy.objects.get(user__username="deputy")
    # The demo's upcoming session (a deputy asks ahead of the meeting).
    meeting = Meeting.objects.filter(session__isnull=False, date__gte=date.today()).first()
    assert meeting is not None, "the demo seed has no upcoming session meeting"

    # The deputy asks for leave through the pages.
    deputy = journey("deputy")
    deputy.log_in("deputy")
    deputy.step("home")
    deputy.nav("请假申请", menu="大会")
    deputy.step("leave-list")
    page = deputy.page
    page.get_by_role("link", name="提交请假申请").click()
    # Two forms: the choice of deputy and session (a GET), then the request itself.
    deputy.step("leave-form", forms=2)
    page.check(f"input[name=meetings][value='{meeting.pk}']")
    page.select_option("select[name=reason]", "illness")
    page.fill("textarea[name=explanation]", LEAVE_TEXT)
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    deputy.step("leave-asked")
    leave = LeaveRequest.objects.get(deputy=demo_deputy, meeting=meeting)
    assert leave.status == LeaveRequest.Status.PENDING_HEAD

    # The head of the deputy's delegation: enrol, then approve from 待我审批.
    head = journey("head")
    head.log_in("head")
    head.enrol_totp()
    head.goto("/", "home")
    head.nav("待我审批", menu="大会")
    head.step("queue")
    row = head.page.locator("tr", has_text=demo_deputy.name).filter(has_text=meeting.name)
    row.get_by_role("link", name="审批").click()
    head.step("leave-detail", forms=1)
    head.page.get_by_label("同意", exact=True).check()
    head.page.get_by_role("button", name="提交意见").click()
    head.page.wait_for_load_state()
    head.step("approved")
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING_SG

    # The secretary-general: enrol, approve; the roll says 请假.
    secretary = journey("secretary")
    secretary.log_in("secretary")
    secretary.enrol_totp()
    secretary.goto("/", "home")
    secretary.nav("待我审批", menu="大会")
    secretary.step("queue")
    row = secretary.page.locator("tr", has_text=demo_deputy.name).filter(has_text=meeting.name)
    row.get_by_role("link", name="审批").click()
    secretary.step("leave-detail", forms=1)
    secretary.page.get_by_label("同意", exact=True).check()
    secretary.page.get_by_role("button", name="提交意见").click()
    secretary.page.wait_for_load_state()
    secretary.step("approved")
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED
    assert meeting.attendances.get(deputy=demo_deputy).status == AttendanceStatus.LEAVE

    # The deputy sees the decision.
    page.goto(deputy.url(f"/activities/leave/{leave.pk}/"))
    deputy.step("leave-approved")
    assert "已批准" in page.inner_text("main")
