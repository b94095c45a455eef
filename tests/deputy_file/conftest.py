from datetime import date, timedelta

import pytest
from django.utils import timezone

from deputies.models import Constituent, Role


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def recent(today):
    """A day earlier this year (a report may not be dated in the future)."""
    return max(date(today.year, 1, 1), today - timedelta(days=3))


@pytest.fixture
def world(make_term, make_delegation, make_group, make_deputy, make_user, today):
    """Two delegations; group A has a leader with an account (a deputy too), group A2 has
    none; the deputy 张三 has five constituents."""
    term = make_term("第七届", date(today.year - 2, 1, 1), date(today.year + 2, 12, 31))
    del_a, del_b = make_delegation("安亭镇"), make_delegation("南翔镇")
    group_a = make_group(term, del_a, "安亭一组")
    group_a2 = make_group(term, del_a, "安亭二组")
    group_b = make_group(term, del_b, "南翔小组")
    users = {
        "deputy": make_user("zhang"),
        "leader": make_user("li"),
        "other": make_user("zhao"),
        "deputy_b": make_user("wang"),
        "office": make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        "town_a": make_user("town_a", roles=[(Role.TOWN_STAFF, del_a)]),
        "town_b": make_user("town_b", roles=[(Role.TOWN_STAFF, del_b)]),
        "nobody": make_user("nobody", roles=[(Role.LEADERSHIP, None)]),
    }
    zhang = make_deputy(term, "A001", "张三", group=group_a, user=users["deputy"])
    li = make_deputy(term, "A002", "李组长", group=group_a, user=users["leader"])
    group_a.leader = li
    group_a.save()
    zhao = make_deputy(term, "A101", "赵六", group=group_a2, user=users["other"])
    wang = make_deputy(term, "B001", "王五", group=group_b, user=users["deputy_b"])
    constituents = [
        Constituent.objects.create(deputy=zhang, name=f"选民{i}", phone=f"1390000000{i}")
        for i in range(5)
    ]
    Constituent.objects.create(deputy=zhao, name="赵的选民")
    Constituent.objects.create(deputy=li, name="李的选民")
    return {
        "term": term,
        "del_a": del_a,
        "del_b": del_b,
        "group_a": group_a,
        "group_a2": group_a2,
        "zhang": zhang,
        "li": li,
        "zhao": zhao,
        "wang": wang,
        "constituents": constituents,
        **users,
    }
