"""In a real browser under the CSP: office staff register a proposal, finding the lead and five
co-signers in the searchable picker by 拼音首字母 with the keyboard only; the proposal page lists
the five, and the page reports no policy violation."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_csp_browser import watch_violations
from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Six deputies whose names start with the initials "zw", so the search has to narrow by them.
ZW = ["张伟", "张文", "赵维", "周文", "朱伟", "郑武"]


def test_five_cosigners_picked_by_pinyin_initials_with_the_keyboard(
    live_server, browser_page, screenshot, make_user, make_deputy, term, delegation
):
    from deputies.models import Role
    from deputies.services import fill_name_initials
    from proposals.models import Proposal

    lead = make_deputy(term, "D100", "李明", delegation=delegation)
    zw = [make_deputy(term, f"D2{i:02d}", name, delegation=delegation) for i, name in enumerate(ZW)]
    make_deputy(term, "D300", "王芳", delegation=delegation)
    fill_name_initials()
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

    page.goto(f"{live_server.url}/proposals/new/")
    page.fill("input[name=number]", "J2025-001")
    page.select_option("select[name=kind]", index=1)
    page.fill("input[name=title]", "关于优化公交线路的建议")
    page.fill("input[name=submitted_date]", "2025-03-01")

    # The lead: focus the picker, type the initials, Enter takes the highlighted match.
    lead_box = page.locator("#id_lead-ts-control")
    lead_box.click()
    lead_box.press_sequentially("lm")
    page.wait_for_selector("#id_lead-ts-dropdown .option:has-text('李明')")
    lead_box.press("Enter")

    box = page.locator("#id_cosigners-ts-control")
    box.focus()
    dropdown = page.locator("#id_cosigners-ts-dropdown")
    for _ in range(5):
        box.press_sequentially("zw")
        # The search has narrowed to the "zw" names (王芳 and 李明 are gone).
        dropdown.locator(".option:has-text('王芳')").wait_for(state="detached")
        assert dropdown.locator(".option:has-text('李明')").count() == 0
        page.wait_for_selector("#id_cosigners-ts-dropdown .option.active")
        box.press("Enter")
    assert page.locator(".ts-wrapper.multi .item").count() == 5
    # A stray click elsewhere on the page keeps the choice.
    page.locator("h1").click()
    assert page.locator(".ts-wrapper.multi .item").count() == 5
    screenshot(page, "proposal-cosigner-picker")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(lambda url: "/proposals/new/" not in url)

    proposal = Proposal.objects.get(number="J2025-001")
    assert proposal.lead == lead
    picked = set(proposal.cosignatures.values_list("deputy__name", flat=True))
    assert len(picked) == 5 and picked <= set(ZW)
    text = page.locator("main").inner_text()
    for name in picked:
        assert name in text
    assert zw[0].name in picked  # the first match by code order is picked first
    page.wait_for_load_state("networkidle")
    assert violations == []
