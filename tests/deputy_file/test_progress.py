"""Progress that says what to do (issue 14, item 11): on each unmet rule of the running year the
deputy's own file and the staff view of their file show "还差 N 次，本年剩余 M 天" (本届 for a
term rule) and the next scheduled activities that would count for it.

'Today' is fixed to 2026-12-03. The term runs 2022-01-01..2027-12-31, so the year 2026 is
running and the term has 394 days left (29 in 2026 counting 3 December, 365 in 2027). Numbers
below are worked out by hand.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity, Participation
from deputies.models import Organiser, Role
from supervision.evaluation import compliance

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)
MINE = reverse("deputies:mine")


@pytest.fixture
def world(monkeypatch, make_term, make_delegation, make_group, make_deputy, make_user):
    monkeypatch.setattr(compliance, "as_of_today", lambda: TODAY)
    term = make_term("第七届", date(2022, 1, 1), date(2027, 12, 31))
    anting, nanxiang = make_delegation("安亭镇"), make_delegation("南翔镇")
    group, other_group = make_group(term, anting, "安亭一组"), make_group(term, anting, "安亭二组")
    zhang = make_deputy(term, "A001", "张三", group=group, user=make_user("zhang"))
    wang = make_deputy(term, "A002", "王五", group=other_group)
    committee = Organiser.objects.create(name="人事代表工委")
    town = Organiser.objects.create(name="安亭镇人大", delegation=anting)
    other_town = Organiser.objects.create(name="南翔镇人大", delegation=nanxiang)

    def activity(name, when, type, organiser=None, group=None, roll=None):
        made = Activity.objects.create(term=term, name=name, date=when, type=type,
                                       organiser=organiser, group=group)  # fmt: skip
        if roll:
            Participation.objects.create(activity=made, deputy=zhang, status=roll)
        return made

    # 代表小组活动 (2 a year): one attended in March → 还差 1 次.
    activity("三月小组活动", date(2026, 3, 1), "group", town, group, roll="present")
    activity("上周小组活动", date(2026, 12, 2), "group", town, group)  # past
    for day in (10, 15, 20, 28):  # own group: the first three are listed
        activity(f"小组活动{day}日", date(2026, 12, day), "group", town, group)
    activity("二组活动", date(2026, 12, 11), "group", town, other_group)  # another group
    activity("请假的小组活动", date(2026, 12, 5), "group", town, group, roll="leave")
    # 履职学习培训 (1 a year): none attended → 还差 1 次.
    activity("委托培训", date(2026, 12, 18), "training", committee, roll="invited")
    activity("未受邀培训", date(2026, 12, 19), "training", committee)  # not on the roll
    activity("镇人大培训", date(2026, 12, 12), "training", town)  # the deputy's own town
    activity("南翔培训", date(2026, 12, 13), "training", other_town)  # another town
    activity("请假的培训", date(2026, 12, 14), "training", committee, roll="leave")
    # 列席常委会会议 (term, 2): none → 还差 2 次 in the term; next year's counts for it.
    activity("常委会第三十次会议", date(2027, 2, 20), "sc_meeting", committee, roll="invited")
    return {
        "term": term,
        "zhang": zhang,
        "wang": wang,
        "deputy": zhang.user,
        "office": make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        "activity": activity,
        "group": group,
        "town": town,
    }


def _hint(page, code):
    found = re.search(rf'data-testid="progress-{code}">([^<]*)<', page)
    return found.group(1) if found else None


def _next(page, code):
    found = re.search(rf'data-testid="next-{code}">(.*?)</ul>', page, re.S)
    if not found:
        return []
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", found[1])]


EXPECTED_HINTS = {
    "ART11_SC_ACTIVITY": "还差 2 次，本年剩余 29 天",
    "ART12_SC_MEETING": "还差 2 次，本届剩余 394 天",
    "ART12_GOV_ACTIVITY": "还差 2 次，本届剩余 394 天",
    "ART13_TRAINING": "还差 1 次，本年剩余 29 天",
    "ART14_GROUP_ACTIVITY": "还差 1 次，本年剩余 29 天",
    "ART15_VOTERS": "还差 5 名，本年剩余 29 天",
    "ART16_RECEPTION": "还差 2 次，本年剩余 29 天",
    "ART18_PROPOSAL": "还差 2 件，本届剩余 394 天",
    "ART26_REPORT": "还差 1 次，本届剩余 394 天",
    # ART7/ART8 (no session roll) and ART15_SC_LIAISON (not an SC member) do not apply.
    "ART7_SESSION": None,
    "ART8_SPEECH": None,
    "ART15_SC_LIAISON": None,
}


def test_the_deputy_sees_what_is_left_and_what_to_attend(world, client_for):
    page = client_for(world["deputy"]).get(MINE).content.decode()
    assert {code: _hint(page, code) for code in EXPECTED_HINTS} == EXPECTED_HINTS
    assert _next(page, "ART14_GROUP_ACTIVITY") == [
        "可参加：2026-12-10 小组活动10日 安亭镇人大",
        "可参加：2026-12-15 小组活动15日 安亭镇人大",
        "可参加：2026-12-20 小组活动20日 安亭镇人大",
    ]
    assert _next(page, "ART13_TRAINING") == [
        "可参加：2026-12-12 镇人大培训 安亭镇人大",
        "可参加：2026-12-18 委托培训 人事代表工委",
    ]
    assert _next(page, "ART12_SC_MEETING") == ["可参加：2027-02-20 常委会第三十次会议 人事代表工委"]
    assert _next(page, "ART11_SC_ACTIVITY") == []


def test_staff_see_the_same_on_the_deputys_file_with_links(world, client_for):
    zhang = world["zhang"]
    page = client_for(world["office"]).get(reverse("deputies:detail", args=[zhang.pk]))
    page = page.content.decode()
    assert {code: _hint(page, code) for code in EXPECTED_HINTS} == EXPECTED_HINTS
    assert _next(page, "ART13_TRAINING") == [
        "可参加：2026-12-12 镇人大培训",
        "可参加：2026-12-18 委托培训",
    ]
    trained = Activity.objects.get(name="委托培训")
    assert f'href="/activities/{trained.pk}/"' in page


def test_a_met_rule_and_an_ended_year_have_no_hint(world, client_for, monkeypatch):
    activity = world["activity"]
    activity("十一月小组活动", date(2026, 11, 1), "group", world["town"], world["group"],
             roll="present")  # fmt: skip
    client = client_for(world["deputy"])
    page = client.get(MINE).content.decode()
    assert _hint(page, "ART14_GROUP_ACTIVITY") is None  # 2/2: met
    assert _next(page, "ART14_GROUP_ACTIVITY") == []
    # On 4 January 2027 the year 2026 has ended: 未达标, and no 还差 for it.
    monkeypatch.setattr(compliance, "as_of_today", lambda: date(2027, 1, 4))
    page = client.get(MINE, {"year": 2026}).content.decode()
    assert 'data-rule="ART13_TRAINING" data-status="shortfall"' in page
    assert "还差" not in page


def test_the_hints_cost_the_same_queries_however_many_activities(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world["deputy"])
    staff = client_for(world["office"])
    detail = reverse("deputies:detail", args=[world["zhang"].pk])
    with CaptureQueriesContext(connection) as mine:
        client.get(MINE)
    with CaptureQueriesContext(connection) as file:
        staff.get(detail)
    activity = world["activity"]
    for day in range(4, 31):
        for type in ("group", "training", "research", "reception", "government"):
            activity(f"{type}{day}", date(2026, 12, day), type, world["town"], world["group"],
                     roll="invited")  # fmt: skip
    with django_assert_max_num_queries(len(mine)):
        page = client.get(MINE).content.decode()
    assert len(_next(page, "ART11_SC_ACTIVITY")) == 3  # research: the first three
    with django_assert_max_num_queries(len(file)):
        assert staff.get(detail).status_code == 200
