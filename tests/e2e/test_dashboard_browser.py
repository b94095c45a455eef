"""In a real browser: a leader opens the dashboard, clicks a delegation's bar and reaches the
list of that delegation's deputies."""

from datetime import date

import pytest

from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Leader-Pass-2024"


@pytest.fixture
def district(term, make_delegation, make_deputy, make_user):
    """北镇 (three deputies) and a few more delegations; two met the session rule's roll
    with an absence; some proposals answered and evaluated, for a picture with content."""
    from activities.models import Attendance, Meeting
    from deputies.models import Role
    from proposals.models import Proposal, ProposalEvaluation

    delegations = [make_delegation(name, order=i) for i, name in
                   enumerate(["北镇", "南镇", "东街道", "西街道"])]  # fmt: skip
    meeting = Meeting.objects.create(
        term=term, name="全体会议", kind=Meeting.Kind.PLENARY, date=date(2025, 1, 10)
    )
    names = ["甲代表", "乙代表", "丙代表", "丁代表", "戊代表", "己代表", "庚代表", "辛代表"]
    sizes = [3, 1, 2, 2]
    deputies, n = [], 0
    for delegation, size in zip(delegations, sizes, strict=True):
        for _ in range(size):
            deputy = make_deputy(term, f"D{n:03}", name=names[n], delegation=delegation)
            status = "absent" if n % 3 == 2 else "present"
            Attendance.objects.create(meeting=meeting, deputy=deputy, status=status)
            deputies.append(deputy)
            n += 1
    for i, overall in enumerate(["satisfied", "satisfied", "basic", "unsatisfied", None]):
        proposal = Proposal.objects.create(
            term=term, number=str(i + 1), kind="suggestion", title=f"建议{i + 1}",
            submitted_date=date(2025, 1, 10), lead=deputies[i],
            reply_date=date(2025, 3 + i, 1) if overall else None,
        )  # fmt: skip
        if overall:
            ProposalEvaluation.objects.create(proposal=proposal, overall=overall)
    make_user("leader", password=PASSWORD, roles=[(Role.LEADERSHIP, None)])
    return delegations[0]


def test_leader_clicks_a_delegation_bar_and_reaches_its_deputies(
    live_server, district, browser_page, screenshot
):
    from django.core.cache import cache

    cache.clear()
    north = district
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "leader")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    # Leadership accounts have two-factor authentication: the code from the app comes next.
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" in url)
    page.fill("input[name=code]", current_code())
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)

    page.goto(f"{live_server.url}/dashboard/?year=2025")
    assert page.locator("h1").inner_text() == "领导驾驶舱"
    chart = "#jd-chart-delegations"
    page.wait_for_function(
        f"() => echarts.getInstanceByDom(document.querySelector('{chart}')) !== undefined"
    )
    page.wait_for_timeout(1200)  # let the bars' entry animation finish before the picture
    screenshot(page, "dashboard")

    # The middle of 北镇's 有未达标项 bar (series 1, stacked after the 全部达标 one), in the
    # chart's own pixels, then a real mouse click there.
    point = page.evaluate(
        """(selector) => {
            const el = document.querySelector(selector);
            const chart = echarts.getInstanceByDom(el);
            const option = chart.getOption();
            const met = option.series[0].data[0].value, short = option.series[1].data[0].value;
            const [x, y] = chart.convertToPixel({seriesIndex: 1}, [met + short / 2, 0]);
            const box = el.getBoundingClientRect();
            return {x: box.left + x, y: box.top + y, name: option.yAxis[0].data[0]};
        }""",
        chart,
    )
    assert point["name"] == "北镇"
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(lambda url: "/deputies/" in url)

    assert f"delegation={north.pk}" in page.url and "year=2025" in page.url
    assert "compliance=shortfall" in page.url
    rows = page.locator("table tbody tr")
    names = rows.all_inner_texts()
    assert len(names) == 3
    assert all(any(n in row for n in ("甲代表", "乙代表", "丙代表")) for row in names)
    assert "丁代表" not in page.content()
    # And on to a deputy's file.
    page.get_by_role("link", name="甲代表").click()
    page.wait_for_url(lambda url: "/deputies/" in url and "delegation" not in url)
    assert "甲代表" in page.locator("h1").inner_text()
