"""In a real browser with the Content-Security-Policy on: a staff member who has not enrolled
is sent to enrol, scans (reads) the QR code's secret and gets in; the dashboard (ECharts) and a
deputy's file then run without a single policy violation."""

from datetime import date

import pytest

from tests.conftest import PASSWORD
from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_violations(page):
    """Every CSP violation the page reports, from the DOM event and from the console."""
    violations = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.add_init_script(
        """document.addEventListener('securitypolicyviolation', (e) => {
            console.error('Content Security Policy violation: ' + e.violatedDirective
                          + ' ' + e.blockedURI);
        });"""
    )
    return violations


def test_enrol_then_dashboard_and_deputy_file_run_under_the_policy(
    live_server, browser_page, screenshot, make_user, make_deputy, term, delegation
):
    from django.core.cache import cache

    from activities.models import Attendance, Meeting
    from deputies.models import Role

    cache.clear()
    meeting = Meeting.objects.create(
        term=term, name="全体会议", kind=Meeting.Kind.PLENARY, date=date(2025, 1, 10)
    )
    deputy = make_deputy(term, "D001", name="甲代表", delegation=delegation)
    Attendance.objects.create(meeting=meeting, deputy=deputy, status="present")
    make_user("leader", roles=[(Role.LEADERSHIP, None)], mfa=False)

    page = browser_page
    violations = watch_violations(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "leader")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()

    # No authenticator yet: every page leads to enrolment, which explains why.
    page.wait_for_url(lambda url: "/accounts/2fa/totp/activate/" in url)
    assert "按规定须启用双因素认证" in page.content()
    qr = page.locator("img.jd-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # data: image allowed
    screenshot(page, "totp-activate")
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", current_code(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/2fa/recovery-codes/" in url)

    page.goto(f"{live_server.url}/dashboard/?year=2025")
    assert page.locator("h1").inner_text() == "领导驾驶舱"
    page.wait_for_function(
        "() => echarts.getInstanceByDom(document.querySelector('#jd-chart-delegations'))"
        " !== undefined"
    )
    page.goto(f"{live_server.url}/deputies/{deputy.pk}/")
    assert "甲代表" in page.locator("h1").inner_text()
    page.wait_for_load_state("networkidle")
    assert violations == []
