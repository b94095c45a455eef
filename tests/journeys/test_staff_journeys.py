"""Office and town staff, first day: log in, enrol TOTP from the key on the page, record a
session meeting's attendance on the grid, create an activity (issue 11)."""

from datetime import date

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record_attendance_and_an_activity(j, organiser_label=None):
    from activities.models import Activity, Attendance, AttendanceStatus, Session

    page = j.page
    # The latest session that has taken place (the demo also has one still to come).
    session = Session.objects.filter(end_date__lt=date.today()).order_by("-start_date").first()
    j.nav("大会与出席登记", menu="大会")
    j.step("sessions")
    page.get_by_role("link", name=session.name).first.click()
    j.step("session")
    page.get_by_role("link", name="出席登记表").first.click()
    page.wait_for_url(lambda u: "/attendance/" in u)
    j.step("grid")

    # One click on a 出 cell of an editable row records 缺席; a second click 出席 again.
    cell = page.locator("#jd-grid tr[data-e] td.c.s-present").first
    row = cell.locator("xpath=..")
    deputy_id, meeting_id = row.get_attribute("data-d"), cell.get_attribute("data-m")
    column = cell.evaluate("td => Array.prototype.indexOf.call(td.parentElement.children, td)")
    cell.click()
    fresh = row.locator(f"td:nth-child({column + 1})")
    fresh.and_(page.locator("td.s-absent")).wait_for()
    assert fresh.inner_text() == "缺"
    saved = Attendance.objects.get(deputy_id=deputy_id, meeting_id=meeting_id)
    assert saved.status == AttendanceStatus.ABSENT
    j.step("grid-absent")
    fresh.click()
    row.locator(f"td:nth-child({column + 1}).s-present").wait_for()
    saved.refresh_from_db()
    assert saved.status == AttendanceStatus.PRESENT
    page.reload()
    assert (
        page.locator(f'#jd-grid tr[data-d="{deputy_id}"] td[data-m="{meeting_id}"]').inner_text()
        == "出"
    )
    j.step("grid-reloaded")

    # A new activity through the form.
    j.nav("履职活动")
    j.step("activities")
    page.get_by_role("link", name="新建活动").first.click()
    j.step("activity-form")
    page.fill("input[name=name]", "代表联络站接待日（旅程测试）")
    page.select_option("select[name=type]", index=1)
    page.fill("input[name=date]", "2026-11-25")
    page.fill("input[name=place]", "南翔镇人大代表联络站")
    organiser = page.locator("select[name=organiser]")
    if organiser.locator("option").count() > 1:
        organiser.select_option(index=1)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    j.step("activity-saved")
    assert Activity.objects.filter(name="代表联络站接待日（旅程测试）").exists()
    assert "代表联络站接待日（旅程测试）" in page.inner_text("main")


@pytest.mark.parametrize("username", ["office", "town"])
def test_staff_enrol_and_record_attendance_and_an_activity(journey, username):
    j = journey(username)
    j.log_in(username)
    j.enrol_totp()
    j.goto("/", "home")
    record_attendance_and_an_activity(j)
