"""In a real browser, under the Content-Security-Policy: office staff copy the current version,
change a quota with a reason, and see the change and its reason on the version's page."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_csp_browser import watch_violations
from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_staff_copy_and_edit_a_version(
    live_server, browser_page, screenshot, make_user, v2024
):
    from deputies.models import Role
    from supervision.rulesets.models import RuleSet

    make_user("office", roles=[(Role.OFFICE_STAFF, None)])
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

    page.goto(f"{live_server.url}/rulesets/")
    assert "《嘉定区人大代表履职管理办法（试行）》2024" in page.content()
    screenshot(page, "rulesets_list")
    page.locator(f"tr[data-version='{v2024.pk}'] a", has_text="复制为新版本").click()
    page.fill("input[name=name]", "2027 修订")
    page.fill("input[name=effective_date]", "2027-01-01")
    page.fill("input[name=reason]", "2027 年修订")
    page.locator("form button.btn-primary").click()
    page.wait_for_url(lambda url: url.endswith("/edit/"))
    draft = RuleSet.objects.get(name="2027 修订")
    index = [r.code for r in draft.rules.order_by("order")].index("ART16_RECEPTION")
    page.fill(f"input[name='rules-{index}-quota']", "4")
    page.fill("input[name=reason]", "家站点接待改为每年 4 次")
    screenshot(page, "rulesets_edit")
    page.locator("form button.btn-primary", has_text="保存").click()
    page.wait_for_url(lambda url: url.endswith(f"/rulesets/{draft.pk}/"))
    text = page.content()
    assert "家站点接待改为每年 4 次" in text
    assert page.locator("tr[data-rule='ART16_RECEPTION'] td[data-quota]").inner_text() == "4"
    screenshot(page, "rulesets_detail")
    assert violations == []
