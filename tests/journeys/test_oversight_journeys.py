"""Leadership, the committee staff and the qualification committee, first day (issue 11):
log in, enrol TOTP from the key on the page, then the role's daily pages."""

import io

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leadership_opens_the_dashboard_and_downloads_the_workbook(journey):
    from openpyxl import load_workbook

    j = journey("leadership")
    j.log_in("leadership")
    j.enrol_totp()
    j.goto("/", "home")
    j.nav("领导驾驶舱", menu="履职评价")
    j.step("dashboard")
    assert "/dashboard/" in j.page.url
    j.nav("年度履职评价", menu="履职评价")
    j.step("evaluation")
    with j.page.expect_download() as info:
        j.page.get_by_role("link", name="下载年度履职评价工作簿").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    # Playwright saves downloads without an extension, which openpyxl refuses by name.
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    assert workbook.sheetnames  # a real workbook, not an error page
    j.step("evaluation-after-download")


def test_committee_staff_create_an_activity(journey):
    from activities.models import Activity

    j = journey("committee")
    j.log_in("committee")
    j.enrol_totp()
    j.goto("/", "home")
    j.nav("履职活动")
    j.step("activities")
    j.page.get_by_role("link", name="新建活动").first.click()
    j.step("activity-form")
    page = j.page
    page.fill("input[name=name]", "专题调研：社区养老服务（旅程测试）")
    page.select_option("select[name=type]", index=1)
    page.fill("input[name=date]", "2026-11-26")
    page.fill("input[name=place]", "区人大常委会会议室")
    organiser = page.locator("select[name=organiser]")
    if organiser.locator("option").count() > 1:
        organiser.select_option(index=1)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    j.step("activity-saved")
    assert Activity.objects.filter(name="专题调研：社区养老服务（旅程测试）").exists()


def test_qualification_committee_reviews_interview_candidates(journey):
    j = journey("qualification")
    j.log_in("qualification")
    j.enrol_totp(new_key=True)  # someone who lost the first key asks for another
    j.goto("/", "home")
    j.nav("约谈告诫建议名单", menu="履职监督")
    j.step("candidates")
    assert "约谈" in j.page.inner_text("main")
    j.nav("约谈告诫", menu="履职监督")
    j.step("interviews")
    assert "约谈" in j.page.inner_text("main")
