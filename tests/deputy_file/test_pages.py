"""我的履职档案 and 错重漏反馈: own file only, scoped staff queues, bounded queries."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Activity, Communication, Participation
from supervision.models import RecordFlag, SelfReport

pytestmark = pytest.mark.django_db

MINE = reverse("deputies:mine")
FLAGS = reverse("supervision:flags")
FLAG_NEW = reverse("supervision:flag_new")


def test_the_deputy_lands_on_their_own_file(world, client_for):
    for name in ("deputy", "leader"):  # a group leader is a deputy too: file first
        response = client_for(world[name]).get("/", follow=True)
        assert response.redirect_chain[-1][0] == MINE
    response = client_for(world["town_a"]).get("/")
    assert response.status_code == 200 and "我的角色" in response.content.decode()


def test_the_file_shows_each_rule_with_its_status_and_only_own_data(
    world, client_for, today, monkeypatch
):
    # As of 3 December the year is running: 0/5 联系选民 is behind the pace (due
    # round(5 × 337/365) = 5), so 预警 — never 未达标 before the year ends.
    monkeypatch.setattr(
        "supervision.evaluation.compliance.as_of_today", lambda: date(today.year, 12, 3)
    )
    zhang, zhao = world["zhang"], world["zhao"]
    day = today - timedelta(days=1) if today.month > 1 or today.day > 1 else today
    comm = Communication.objects.create(deputy=zhao, date=day, method="visit")
    comm.constituents.add(zhao.constituents.get())
    soon = Activity.objects.create(term=world["term"], name="专题调研：河道治理",
                                   type="research", date=today + timedelta(days=5))  # fmt: skip
    Participation.objects.create(activity=soon, deputy=zhang, status="present")
    past = Activity.objects.create(term=world["term"], name="去年的培训", type="training",
                                   date=today - timedelta(days=400))  # fmt: skip
    Participation.objects.create(activity=past, deputy=zhang)
    page = client_for(world["deputy"]).get(MINE).content.decode()
    assert "张三" in page and "赵六" not in page and "赵的选民" not in page
    assert 'data-rule="ART15_VOTERS" data-status="warning"' in page
    assert 'data-status="shortfall"' not in page
    assert "仅适用于常委会组成人员" in page  # 联系代表 does not apply, with the reason
    assert "专题调研：河道治理" in page and "去年的培训" not in page
    assert f"/deputies/{zhao.pk}/" not in page and f"/deputies/{zhang.pk}/" not in page


def test_year_parameter_changes_the_year(world, client_for, today):
    client = client_for(world["deputy"])
    page = client.get(MINE, {"year": today.year - 1}).content.decode()
    assert f"{today.year - 1} 年度考核项目" in page
    page = client.get(MINE, {"year": 1990}).content.decode()  # clamped to the term
    assert f"{world['term'].start_date.year} 年度考核项目" in page


def test_users_without_a_deputy_record_get_404(world, client_for):
    for name in ("office", "town_a", "nobody"):
        client = client_for(world[name])
        assert client.get(MINE).status_code == 404
        assert client.get(reverse("supervision:my_feedback")).status_code == 404
        assert client.get(reverse("supervision:self_report_new")).status_code == 404
        assert client.get(FLAG_NEW).status_code == 404


def test_feedback_sheet_is_the_users_own(world, client_for, today):
    response = client_for(world["deputy"]).get(reverse("supervision:my_feedback"),
                                               {"year": today.year})  # fmt: skip
    assert response.status_code == 200
    assert "A001" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows(max_row=4) for c in row]
    assert "张三" in values and "赵六" not in values


def test_another_deputys_reports_are_unreachable(world, client_for, recent):
    client_for(world["other"]).post(f"{reverse('supervision:self_report_new')}?kind=communication",
        {"date": recent.isoformat(), "method": "phone",
         "constituents": [world["zhao"].constituents.get().pk]})  # fmt: skip
    report = SelfReport.objects.get()
    deputy = client_for(world["deputy"])
    assert deputy.get(reverse("supervision:self_report_edit", args=[report.pk])).status_code == 404
    assert deputy.post(reverse("supervision:self_report_edit", args=[report.pk]),
                       {"date": recent.isoformat()}).status_code == 404  # fmt: skip
    assert "赵六" not in deputy.get(MINE).content.decode()


def test_flag_flow(world, client_for, today):
    deputy = client_for(world["deputy"])
    form = deputy.get(FLAG_NEW, {"year": today.year, "rule": "ART16_RECEPTION", "kind": "missing"})
    assert "家站点接待" in form.content.decode()
    response = deputy.post(f"{FLAG_NEW}?year={today.year}", {"kind": "missing",
                           "rule_code": "ART16_RECEPTION", "comment": ""})  # fmt: skip
    assert response.status_code == 200 and not RecordFlag.objects.exists()
    deputy.post(f"{FLAG_NEW}?year={today.year}", {"kind": "missing", "rule_code":
                "ART16_RECEPTION", "comment": "3月5日在安亭代表之家接待未登记"})  # fmt: skip
    flag = RecordFlag.objects.get()
    assert flag.deputy == world["zhang"] and flag.status == RecordFlag.Status.OPEN
    assert "待处理" in deputy.get(MINE).content.decode()

    # Another town's staff see the flag list, without this delegation's flag; a group leader
    # and a deputy may not use the list at all (the access matrix: 404 but office and towns).
    other_town = client_for(world["town_b"]).get(FLAGS)
    assert other_town.status_code == 200
    assert list(other_town.context["page"]) == []
    assert "3月5日" not in other_town.content.decode()
    for name in ("leader", "deputy"):
        assert client_for(world[name]).get(FLAGS).status_code == 404
    resolve = reverse("supervision:flag_resolve", args=[flag.pk])
    for name in ("town_b", "leader", "deputy"):
        assert client_for(world[name]).post(resolve, {"resolution": "x"}).status_code == 404
    flag.refresh_from_db()
    assert flag.status == RecordFlag.Status.OPEN and flag.resolution == ""

    town = client_for(world["town_a"])
    assert "3月5日在安亭代表之家接待未登记" in town.get(FLAGS).content.decode()
    resolve = reverse("supervision:flag_resolve", args=[flag.pk])
    town.post(resolve, {"resolution": ""})
    flag.refresh_from_db()
    assert flag.status == RecordFlag.Status.OPEN
    town.post(resolve, {"resolution": "已补录该次接待"})
    flag.refresh_from_db()
    assert flag.status == RecordFlag.Status.RESOLVED and flag.resolved_by == world["town_a"]
    assert "3月5日" not in town.get(FLAGS).content.decode()  # open ones by default
    assert "已补录该次接待" in town.get(FLAGS, {"status": "resolved"}).content.decode()
    page = deputy.get(MINE).content.decode()
    assert "已处理" in page and "已补录该次接待" in page


def test_nav_links_by_role(world, client_for):
    assert "填报审核" in client_for(world["leader"]).get(MINE).content.decode()
    page = client_for(world["deputy"]).get(MINE).content.decode()
    assert "填报审核" not in page and "错重漏反馈</a>" not in page.split("</nav>")[0]
    office = client_for(world["office"]).get(reverse("supervision:review_list")).content.decode()
    assert "错重漏反馈" in office.split("</nav>")[0]


# --- bounded queries ------------------------------------------------------------------------


def _grow(world, n, day, start=0):
    """n communications, activities, reports and flags for 张三 (and a crowd of others)."""
    from deputies.models import Constituent

    zhang = world["zhang"]
    people = list(zhang.constituents.all())
    for i in range(n):
        comm = Communication.objects.create(deputy=zhang, date=day - timedelta(days=start + i),
                                            method="visit")  # fmt: skip
        comm.constituents.add(*people)
        activity = Activity.objects.create(term=world["term"], name=f"活动{n}-{i}", type="group",
                                           date=day + timedelta(days=i - n // 2))  # fmt: skip
        Participation.objects.create(activity=activity, deputy=zhang)
        report = SelfReport.objects.create(deputy=zhang, kind="communication",
                                           date=day, method="phone")  # fmt: skip
        report.constituents.add(people[0])
        RecordFlag.objects.create(deputy=zhang, year=day.year, kind="wrong", comment=f"c{i}",
                                  rule_code="ART15_VOTERS")  # fmt: skip
        other = Constituent.objects.create(deputy=world["zhao"], name=f"人{n}-{i}")
        other_report = SelfReport.objects.create(deputy=world["zhao"], kind="communication",
                                                 date=day, method="phone")  # fmt: skip
        other_report.constituents.add(other)


@pytest.mark.parametrize("url_name,user", [("deputies:mine", "deputy"),
                                           ("supervision:review_list", "office"),
                                           ("supervision:review_list", "leader"),
                                           ("supervision:flags", "town_a")])  # fmt: skip
def test_pages_cost_the_same_queries_at_two_sizes(world, client_for, recent, url_name, user,
                                                  django_assert_max_num_queries):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world[user])
    url = reverse(url_name)
    _grow(world, 2, recent)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(world, 12, recent, start=2)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
