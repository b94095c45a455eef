"""The leadership dashboard: who may open it, the numbers it shows, its links, its cache."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Attendance, Speech
from deputies.models import Role
from supervision.dashboard import services as dashboard

URL = reverse("dashboard:index") + "?year=2025"


def row(html: str, attribute: str, value) -> list[str]:
    """The words of the <tr> carrying data-ATTRIBUTE="VALUE" in a table under a chart."""
    match = re.search(rf'<tr data-{attribute}="{value}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row data-{attribute}={value}"
    return re.sub(r"<[^>]+>", " ", match.group(1)).split()


def page(client, url=URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- who may open it --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "leadership"])
def test_leadership_and_office_staff_open_the_dashboard(town, client_for, who):
    html = page(client_for(getattr(town, who)))
    assert "领导驾驶舱" in html and "2025 年度代表履职情况" in html


def test_other_roles_get_404(town, make_user, make_group, client_for):
    town_staff = make_user("town", roles=[(Role.TOWN_STAFF, town.north)])
    deputy_user = make_user("deputy")
    town.a.user = deputy_user
    town.a.save()
    leader_user = make_user("zuzhang")
    town.b.user = leader_user
    town.b.save()
    make_group(town.term, town.north, "第一小组", leader=town.b)
    for user in (town_staff, deputy_user, leader_user):
        assert client_for(user).get(URL).status_code == 404, user
    anonymous = client_for(town_staff).__class__()
    assert anonymous.get(URL).status_code == 302  # to the login page


def test_navigation_links_the_dashboard_for_leadership_only(town, make_user, client_for):
    link = f'href="{reverse("dashboard:index")}"'
    assert link in page(client_for(town.leadership), reverse("home"))
    assert link not in page(client_for(make_user("deputy", roles=[])), reverse("home"))


# --- the numbers ---------------------------------------------------------------------------


def test_rates_and_counts_for_a_small_district(town, client_for):
    html = page(client_for(town.leadership))
    # 出席大会: A and B present, C absent. 大会发言: only A spoke.
    assert row(html, "rule", "ART7_SESSION")[-1] == "66.7%"
    assert row(html, "rule", "ART7_SESSION")[3] == "2/3"
    assert row(html, "rule", "ART8_SPEECH")[-1] == "33.3%"
    # Nobody meets every rule (no training, no group activity, …): all three fall short.
    assert 'data-stat="deputies">3<' in html
    assert 'data-stat="shortfall">3<' in html
    assert 'data-stat="met_all_pct">0.0%<' in html
    assert row(html, "delegation", town.north.pk) == ["北镇", "2", "0", "2", "2", "0.0%"]
    assert row(html, "delegation", town.south.pk) == ["南镇", "1", "0", "1", "1", "0.0%"]


def test_candidates_count_deputies_with_an_art29_reason(town, client_for):
    # Every deputy has contacted no constituent (联系选民) and C was absent from the session.
    html = page(client_for(town.leadership))
    assert 'data-stat="candidates">3<' in html


def test_proposal_handling_on_time_and_satisfaction(town, client_for):
    html = page(client_for(town.office))
    assert row(html, "handling", "on_time") == ["按时答复", "2"]
    assert row(html, "handling", "late") == ["逾期答复", "1"]
    assert row(html, "handling", "overdue") == ["逾期未答复", "1"]
    assert 'data-stat="on_time_pct">50.0%<' in html  # 2 of the 4 whose outcome is known
    assert row(html, "satisfaction", "satisfied") == ["满意", "2", "66.7%"]
    assert row(html, "satisfaction", "unsatisfied") == ["不满意", "1", "33.3%"]
    assert row(html, "satisfaction", "none") == ["未评价", "1"]
    assert "未设的，为提出之日起 3 个月" in html  # the definition is on the page
    assert "按时答复率只统计办理期限已过的议案建议" in html


def test_a_reply_not_yet_due_is_pending_and_outside_the_rate(town):
    figures = dashboard.compute_proposal_figures(2025, town.term, today=date(2025, 4, 5))
    # On 5 April proposal 3 (due 10 April, no reply) is still within its time: not overdue.
    # No proposal's due date has passed yet, so there is no rate at all (not 66.7%).
    assert (figures["on_time"], figures["late"], figures["overdue"]) == (2, 1, 0)
    assert figures["pending"] == 1 and figures["on_time_pct"] is None


def test_on_time_rate_counts_only_proposals_past_their_due_date(town):
    """On 20 April proposals 1-3 (due 10 April) are due: 1 on time, 2 late, 3 unanswered.
    Proposal 4 (answered 1 March, due 1 May) is not yet due and stays out: 1 of 3."""
    figures = dashboard.compute_proposal_figures(2025, town.term, today=date(2025, 4, 20))
    assert (figures["due_passed"], figures["on_time_pct"]) == (3, 33.3)


def test_the_lead_units_due_date_decides(town):
    """A 主办 unit's 办理期限 replaces the three months. Proposal 4 due 15 April is due on
    20 April, answered on time: 1 and 4 of 1-4. Then proposal 2 given until 30 April is
    neither late nor due: 1 and 4 of 1, 3, 4."""
    from proposals.models import Assignment, HandlingUnit, Proposal

    unit = HandlingUnit.objects.create(name="区交通委")
    p4 = Proposal.objects.get(number="4")
    Assignment.objects.create(proposal=p4, unit=unit, role="lead", due_date=date(2025, 4, 15))
    figures = dashboard.compute_proposal_figures(2025, town.term, today=date(2025, 4, 20))
    assert (figures["due_passed"], figures["on_time_pct"]) == (4, 50.0)
    p2 = Proposal.objects.get(number="2")
    Assignment.objects.create(proposal=p2, unit=unit, role="lead", due_date=date(2025, 4, 30))
    # A 会办 unit's due date does not decide.
    Assignment.objects.create(
        proposal=p4, unit=HandlingUnit.objects.create(name="区建管委"), role="assist",
        due_date=date(2025, 6, 30),
    )  # fmt: skip
    figures = dashboard.compute_proposal_figures(2025, town.term, today=date(2025, 4, 20))
    # Due: 1 (on time), 3 (unanswered), 4 (on time); 2 is due 30 April.
    assert (figures["due_passed"], figures["on_time_pct"]) == (3, 66.7)
    assert (figures["on_time"], figures["late"]) == (3, 0)


def test_three_months_end_on_the_same_day_or_the_month_end():
    assert dashboard.add_months(date(2025, 1, 10), 3) == date(2025, 4, 10)
    assert dashboard.add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert dashboard.add_months(date(2025, 10, 31), 3) == date(2026, 1, 31)


def test_trend_has_elapsed_years_and_nothing_for_future_ones(town):
    summary = dashboard.summary(2025, today=date(2025, 6, 1))
    trend = {t["year"]: t for t in summary["trend"]}
    assert sorted(trend) == [2022, 2023, 2024, 2025, 2026]
    assert trend[2026]["future"] and "met_all_pct" not in trend[2026]
    # On 1 June 2025 the year is running: its three unfinished deputies are 进行中/预警, not
    # 未达标 (DESIGN "Status as of a date"); 2024 has ended and is judged in full.
    assert trend[2025]["shortfall"] == 0 and trend[2025]["open"] == 3
    assert trend[2024]["deputies"] == 3


def test_a_year_outside_every_term_says_so(town, client_for):
    html = page(client_for(town.leadership), reverse("dashboard:index") + "?year=2019")
    assert "不在任何届次的任期内" in html


# --- links -----------------------------------------------------------------------------------


def test_delegation_links_lead_to_its_deputies_in_the_list(town, client_for):
    client = client_for(town.leadership)
    html = page(client)
    link = re.search(rf'<tr data-delegation="{town.north.pk}".*?href="([^"]+)"', html, re.S)
    url = link.group(1).replace("&amp;", "&")
    assert f"delegation={town.north.pk}" in url and "year=2025" in url
    listing = page(client, url)
    assert "甲代表" in listing and "乙代表" in listing and "丙代表" not in listing
    assert reverse("deputies:detail", args=[town.a.pk]) in listing  # on to the deputy's file


def test_shortfall_link_narrows_the_list_to_deputies_with_a_shortfall(town, client_for):
    client = client_for(town.leadership)
    url = dashboard_delegation_url(town, "shortfall")
    assert "compliance=shortfall" in url
    listing = page(client, url)
    assert "甲代表" in listing and "乙代表" in listing
    assert "甲代表" not in page(client, dashboard_delegation_url(town, "met"))


def dashboard_delegation_url(town, compliance):
    from supervision.dashboard.views import deputy_list_url

    return deputy_list_url(2025, town.term.pk, town.north.pk, compliance)


def test_downloads_of_the_year(town, client_for):
    html = page(client_for(town.office))
    assert f"{reverse('evaluation:download')}?year=2025&amp;term={town.term.pk}" in html
    assert f'action="{reverse("evaluation:feedback")}"' in html
    assert f'action="{reverse("evaluation:workbook")}"' in html


def test_chart_data_is_json_and_the_script_is_a_static_file(town, client_for):
    html = page(client_for(town.office))
    assert '<script id="jd-dashboard-data" type="application/json">' in html
    assert "vendor/echarts/echarts.min.js" in html and "js/dashboard.js" in html
    assert "cdn" not in html.lower()
    # No inline code: every other <script> has a src.
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert inline == []


# --- the cache -------------------------------------------------------------------------------


def test_a_change_to_a_counted_record_shows_at_once(town, client_for):
    client = client_for(town.leadership)
    assert row(page(client), "rule", "ART8_SPEECH")[-1] == "33.3%"
    speech = Speech.objects.create(deputy=town.b, date=date(2025, 1, 10), meeting=town.meeting)
    assert row(page(client), "rule", "ART8_SPEECH")[-1] == "66.7%"
    speech.delete()
    assert row(page(client), "rule", "ART8_SPEECH")[-1] == "33.3%"
    Attendance.objects.filter(deputy=town.c).update(status="present")  # no signal …
    assert row(page(client), "rule", "ART7_SESSION")[-1] == "66.7%"  # … still cached
    dashboard.bump_data_version()  # as the bulk writers do
    assert row(page(client), "rule", "ART7_SESSION")[-1] == "100.0%"


def test_constituents_added_to_a_communication_invalidate(town):
    from activities.models import Communication
    from deputies.models import Constituent

    before = dashboard.data_version()
    communication = Communication.objects.create(
        deputy=town.a, date=date(2025, 3, 1), method="visit"
    )
    after_create = dashboard.data_version()
    constituent = Constituent.objects.create(deputy=town.a, name="选民甲")
    dashboard.bump_data_version()
    middle = dashboard.data_version()
    communication.constituents.add(constituent)
    assert len({before, after_create, middle, dashboard.data_version()}) == 4


def test_the_weekly_scan_leaves_the_page_warm(town, client_for):
    from supervision.notifications.scan import scan_shortfalls

    client = client_for(town.leadership)
    scan_shortfalls(2025)
    with CaptureQueriesContext(connection) as warm:
        page(client)
    assert len(warm.captured_queries) <= 10


def _cold_and_warm(client):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        page(client)
    with CaptureQueriesContext(connection) as warm:
        page(client)
    return len(cold.captured_queries), len(warm.captured_queries)


def test_query_count_does_not_grow_with_deputies_and_is_tiny_when_warm(
    town, client_for, make_deputy
):
    client = client_for(town.leadership)
    small_cold, small_warm = _cold_and_warm(client)
    for i in range(20):
        deputy = make_deputy(town.term, f"E{i:03}", delegation=(town.north, town.south)[i % 2])
        Attendance.objects.create(meeting=town.meeting, deputy=deputy, status="present")
    big_cold, big_warm = _cold_and_warm(client)
    assert big_cold == small_cold
    # Warm: the session, the user and their roles, the bell; no figure is recomputed.
    assert big_warm == small_warm <= 10


def test_group_annual_reports_line(town, client_for, make_group, make_term):
    from supervision.models import GroupAnnualReport

    first = make_group(town.term, town.north, "第一小组")
    second = make_group(town.term, town.south, "第二小组")
    make_group(town.term, town.south, "第三小组")  # nothing submitted
    GroupAnnualReport.objects.create(group=first, year=2025, submitted_date=date(2025, 12, 20))
    GroupAnnualReport.objects.create(group=second, year=2025, submitted_date=date(2026, 1, 5))
    GroupAnnualReport.objects.create(group=second, year=2024, submitted_date=date(2024, 12, 1))
    other_term = make_term("另一届", date(2027, 1, 1), date(2031, 12, 31))
    make_group(other_term, town.north, "下届小组")

    html = page(client_for(town.leadership))

    assert "代表小组年度报告：共 3 个小组，已报送 2 个（其中逾期 1 个）。" in html
