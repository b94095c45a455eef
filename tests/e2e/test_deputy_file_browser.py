"""On a phone: a deputy reports a constituent communication from their file, their group
leader confirms it in the review queue, and the deputy's 联系选民 progress moves."""

from datetime import timedelta

import pytest

from activities.models import Communication
from tests.conftest import PASSWORD
from tests.deputy_file import conftest as deputy_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The deputy-file fixtures (two delegations, a group leader with an account, constituents).
world, today, recent = deputy_file.world, deputy_file.today, deputy_file.recent

PHONE = {"width": 390, "height": 844}


def log_in(browser, url, username):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True,
                                  device_scale_factor=2)  # fmt: skip
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    return page


def test_deputy_reports_a_communication_and_the_leader_confirms_it(
    live_server, world, browser_page, screenshot, recent
):
    zhang, (first, second) = world["zhang"], world["constituents"][:2]
    # 选民0 reached twice (counts), 选民1 once: 联系选民 stands at 1.
    for offset, people in ((3, [first, second]), (2, [first])):
        comm = Communication.objects.create(deputy=zhang, date=recent - timedelta(days=offset),
                                            method="phone")  # fmt: skip
        comm.constituents.add(*people)
    browser = browser_page.context.browser

    deputy = log_in(browser, live_server.url, "zhang")
    assert deputy.url.endswith("/deputies/mine/")  # the first page after login
    voters = deputy.locator('[data-testid="achieved-ART15_VOTERS"]')
    assert voters.inner_text().startswith("1/")
    screenshot(deputy, "deputy-file-phone")

    deputy.get_by_role("link", name="填报联系选民").click()
    deputy.fill("input[name=date]", recent.isoformat())
    deputy.select_option("select[name=method]", "visit")
    deputy.get_by_label(second.name).check()
    deputy.fill("textarea[name=content]", "上门听取加装电梯的意见")
    deputy.get_by_role("button", name="提交审核").click()
    deputy.wait_for_url(lambda u: "/deputies/mine/" in u)
    assert "待审核" in deputy.locator("#reports").inner_text()
    assert voters.inner_text().startswith("1/")  # pending does not count

    leader = log_in(browser, live_server.url, "li")
    leader.goto(f"{live_server.url}/supervision/reviews/")
    card = leader.locator("article", has_text="张三")
    assert "上门听取加装电梯的意见" in card.inner_text()
    screenshot(leader, "deputy-file-review-phone")
    card.get_by_role("button", name="确认计入").click()
    leader.wait_for_load_state()
    assert "已确认" in leader.locator(".alert").first.inner_text()

    deputy.reload()
    assert deputy.locator('[data-testid="achieved-ART15_VOTERS"]').inner_text().startswith("2/")
    deputy.locator('details[data-rule="ART15_VOTERS"] summary').click()
    screenshot(deputy, "deputy-file-phone-after")
