"""Group leaders' pages: who may open them, scope, the rules × members table, counts."""

import re
from datetime import date

import pytest

from activities.models import ActivityType
from supervision.models import GroupAnnualReport, SelfReport
from tests.supervision.groups.conftest import YEAR, attend, day, queries, xlsx_rows

pytestmark = pytest.mark.django_db


def detail(world, group="group_a"):
    return f"/supervision/groups/{world[group].pk}/?year={YEAR}"


@pytest.mark.parametrize(
    "who, sees",
    [
        ("leader_a", ["安亭小组"]),  # DeputyGroup.leader
        ("leader_b", ["南翔小组"]),  # GROUP_LEADER assignment
        ("town_a", ["安亭小组"]),
        ("head_a", ["安亭小组"]),
        ("office", ["安亭小组", "南翔小组"]),
        ("leadership", ["安亭小组", "南翔小组"]),
    ],
)
def test_group_list_shows_the_groups_in_scope(world, client_for, who, sees):
    response = client_for(world[who]).get(f"/supervision/groups/?year={YEAR}")
    assert [row.group.name for row in response.context["rows"]] == sees


@pytest.mark.parametrize("who", ["deputy", "qualification"])
def test_group_pages_are_404_for_other_roles(world, client_for, who):
    client = client_for(world[who])
    assert client.get("/supervision/groups/").status_code == 404
    assert client.get(detail(world)).status_code == 404


@pytest.mark.parametrize(
    "who, status",
    [
        ("leader_a", 200),
        ("town_a", 200),
        ("head_a", 200),
        ("office", 200),
        ("leadership", 200),
        ("leader_b", 404),  # a leader of another group
        ("town_b", 404),  # town staff of another delegation
    ],
)
def test_group_detail_scope(world, client_for, who, status):
    assert client_for(world[who]).get(detail(world)).status_code == status


def _row_html(html, code):
    match = re.search(rf'<tr data-rule="{code}">(.*?)</tr>', html, re.S)
    assert match, code
    return match.group(1)


def _cells(row_html):
    """[(status, text)] of the member cells of one rule row."""
    return [
        (status, " ".join(re.sub(r"<[^>]+>", " ", text).split()))
        for status, text in re.findall(r'data-status="(\w+)"[^>]*>(.*?)</td>', row_html, re.S)
    ]


def test_table_shows_each_members_values_in_the_status_colours(world, client_for):
    # 张三 trained once (ART13 met), 李四 never (未达标); ART12 is a term rule: 进行中 in
    # 2024 for both; neither is an SC member, so 联系代表 is 不适用.
    attend(world["zhang"], ActivityType.TRAINING, day(3))
    attend(world["li"], ActivityType.TRAINING, day(4), status="absent")
    attend(world["zhang"], ActivityType.SC_MEETING, day(5))
    html = client_for(world["leader_a"]).get(detail(world)).content.decode()

    header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    assert header.index("张三") < header.index("李四")
    assert f'href="/deputies/{world["zhang"].pk}/?year={YEAR}"' in header

    training = _row_html(html, "ART13_TRAINING")
    assert _cells(training) == [("met", "1/1 达标"), ("shortfall", "0/1 未达标")]
    assert "table-success" in training and "table-danger" in training
    assert "1/2" in training  # 达标人数: one of two

    meeting = _row_html(html, "ART12_SC_MEETING")
    assert _cells(meeting) == [("in_progress", "1/2 进行中"), ("in_progress", "0/2 进行中")]
    assert "table-warning" in meeting

    liaison = _row_html(html, "ART15_SC_LIAISON")
    assert [s for s, _t in _cells(liaison)] == ["not_applicable", "not_applicable"]
    assert "table-secondary" in liaison and "不适用" in liaison


def test_report_status_submit_link_and_pending_reports(world, client_for):
    SelfReport.objects.create(deputy=world["li"], kind="communication", date=day(3))
    SelfReport.objects.create(
        deputy=world["li"], kind="communication", date=day(4), status="confirmed"
    )
    SelfReport.objects.create(deputy=world["wang"], kind="communication", date=day(4))
    leader = client_for(world["leader_a"])
    html = leader.get(detail(world)).content.decode()
    assert "未报送" in html
    assert f'href="/supervision/group-reports/{world["group_a"].pk}/{YEAR}/"' in html
    pending = re.search(r'data-testid="pending">(.*?)</a>', html, re.S).group(1)
    assert pending.split() == ["1", "条"]
    assert f"?group={world['group_a'].pk}" in html
    assert "/supervision/review" in html

    GroupAnnualReport.objects.create(group=world["group_a"], year=YEAR, submitted_date=day(12, 20))
    html = leader.get(detail(world)).content.decode()
    assert "已报送" in html and "修改报告" in html
    # The delegation head reads the status but does not submit for the group.
    html = client_for(world["head_a"]).get(detail(world)).content.decode()
    assert "已报送" in html and "修改报告" not in html


def test_group_list_counts_and_export(world, client_for):
    SelfReport.objects.create(deputy=world["li"], kind="communication", date=day(3))
    GroupAnnualReport.objects.create(group=world["group_b"], year=YEAR, submitted_date=day(12, 1))
    office = client_for(world["office"])
    rows = office.get(f"/supervision/groups/?year={YEAR}").context["rows"]
    summary = {r.group.name: (r.members, r.evaluated, r.pending, r.report_status) for r in rows}
    assert summary == {"安亭小组": (2, 2, 1, "未报送"), "南翔小组": (1, 1, 0, "已报送")}
    sheet = xlsx_rows(office.get(f"/supervision/groups/?year={YEAR}&format=xlsx&sort=-delegation"))
    assert [r[0] for r in sheet[1:]] == ["南翔小组", "安亭小组"]
    assert sheet[2][6] == 1


def _grow(world, make_deputy, make_group, start, n):
    """n more members in group A and n more groups in delegation A, with records."""
    for i in range(start, start + n):
        member = make_deputy(world["term"], f"A1{i:02}", group=world["group_a"])
        attend(member, ActivityType.TRAINING, day(3))
        SelfReport.objects.create(deputy=member, kind="communication", date=day(3))
        group = make_group(world["term"], world["del_a"], f"安亭{i}组")
        make_deputy(world["term"], f"A2{i:02}", group=group)


def test_group_pages_cost_the_same_queries_at_two_sizes(world, client_for, make_deputy, make_group):
    client = client_for(world["town_a"])
    urls = [detail(world), f"/supervision/groups/?year={YEAR}"]
    _grow(world, make_deputy, make_group, 0, 2)
    small = [queries(client, url)[0] for url in urls]
    _grow(world, make_deputy, make_group, 2, 8)
    large = [queries(client, url)[0] for url in urls]
    assert small == large
    assert max(large) <= 30


def test_in_a_running_year_no_member_is_shown_as_all_met_before_meeting_every_rule(
    world, client_for, monkeypatch
):
    # On 1 June 2024 the year runs: 张三 and 李四 have done nothing, so neither has met every
    # rule and neither has a shortfall yet. The row must agree with its own count (0/2) and
    # with the card above it, not say 是 for both.
    monkeypatch.setattr("supervision.evaluation.compliance.as_of_today", lambda: date(YEAR, 6, 1))
    html = client_for(world["leader_a"]).get(detail(world)).content.decode()
    row = html[html.index("是否全部达标") :]
    row = row[: row.index("</tr>")]
    badges = re.findall(r'<span class="badge [^"]*">([^<]*)</span>', row)
    assert len(badges) == 2 and "是" not in badges and "否" not in badges
    assert ">0/2<" in row
