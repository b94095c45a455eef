"""A small district for the group leaders', award pre-screening and points pages.

Two delegations, a group in each; group A led by 张三 (DeputyGroup.leader), group B led by
a GROUP_LEADER assignment. The evaluated year is 2024 of the 2022–2026 term.
"""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from activities.models import Activity, Participation
from deputies.models import Role

YEAR = 2024


@pytest.fixture
def world(term, make_delegation, make_group, make_deputy, make_user):
    del_a, del_b = make_delegation("安亭镇", order=1), make_delegation("南翔镇", order=2)
    group_a, group_b = make_group(term, del_a, "安亭小组"), make_group(term, del_b, "南翔小组")
    leader_user = make_user("leader_a")
    zhang = make_deputy(term, "A001", "张三", group=group_a, user=leader_user)
    li = make_deputy(term, "A002", "李四", group=group_a)
    wang = make_deputy(term, "B001", "王五", group=group_b)
    group_a.leader = zhang
    group_a.save()
    users = {
        "leader_a": leader_user,
        "leader_b": make_user("leader_b", roles=[(Role.GROUP_LEADER, group_b)]),
        "office": make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        "leadership": make_user("boss", roles=[(Role.LEADERSHIP, None)]),
        "town_a": make_user("town_a", roles=[(Role.TOWN_STAFF, del_a)]),
        "town_b": make_user("town_b", roles=[(Role.TOWN_STAFF, del_b)]),
        "head_a": make_user("head_a", roles=[(Role.DELEGATION_HEAD, del_a)]),
        "qualification": make_user("qual", roles=[(Role.QUALIFICATION, None)]),
        "deputy": make_user("li"),
    }
    li.user = users["deputy"]
    li.save()
    return {
        "term": term,
        "del_a": del_a,
        "del_b": del_b,
        "group_a": group_a,
        "group_b": group_b,
        "zhang": zhang,
        "li": li,
        "wang": wang,
        **users,
    }


def attend(deputy, type_, when, status="present"):
    activity, _ = Activity.objects.get_or_create(
        term=deputy.term, name=f"{type_}-{when}", date=when, defaults={"type": type_}
    )
    return Participation.objects.create(activity=activity, deputy=deputy, status=status)


def queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


def xlsx_rows(response):
    book = load_workbook(BytesIO(response.content), read_only=True)
    return list(book.active.iter_rows(values_only=True))


def day(month, d=1, year=YEAR):
    return date(year, month, d)
