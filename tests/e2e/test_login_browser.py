"""In a real browser: the login page is Chinese, office staff log in (password, then the
code from their authenticator app) and reach the admin."""

import pytest

from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_staff_log_in_and_reach_the_admin(live_server, make_user, browser_page, screenshot):
    from django.core.cache import cache

    cache.clear()  # allauth refuses a TOTP code already used (kept in the cache)
    make_user("office", password="Office-Pass-2024", is_superuser=True)
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/")
    assert "登录" in page.content()
    screenshot(page, "login")

    page.fill("input[name=login]", "office")
    page.fill("input[name=password]", "Office-Pass-2024")
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    # Staff accounts have two-factor authentication: the code from the app comes next.
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" in url)
    assert "双因素认证" in page.content()
    screenshot(page, "login-totp")
    page.fill("input[name=code]", current_code())
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)

    page.goto(f"{live_server.url}/admin/")
    # The admin index itself, signed in as office (the login page carries the site name too).
    assert page.url == f"{live_server.url}/admin/"
    assert page.locator("#content h1").inner_text() == "数据管理"
    assert page.locator("#user-tools strong").text_content() == "office"
    deputies_link = page.locator("#content-main th a[href='/admin/deputies/deputy/']")
    assert deputies_link.text_content() == "代表"
    screenshot(page, "admin-index")
