"""A small district for the planner page and the group leaders' reminders: the 2022–2026 term
seen on 25 November 2026, two delegations, a group in each."""

from datetime import date

import pytest

from deputies.models import Role

TODAY = date(2026, 11, 25)


@pytest.fixture
def today(monkeypatch):
    """Fix the pages' as-of date (compliance.as_of_today, and the planner's copy of it)."""
    monkeypatch.setattr("supervision.evaluation.compliance.as_of_today", lambda: TODAY)
    monkeypatch.setattr("planner.selectors.as_of_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def district(today, term, make_delegation, make_group, make_deputy, make_user):
    del_a, del_b = make_delegation("安亭镇", order=1), make_delegation("南翔镇", order=2)
    group_a, group_b = make_group(term, del_a, "安亭一组"), make_group(term, del_b, "南翔一组")
    leader_user = make_user("leader_a")
    leader = make_deputy(term, "A001", "张组长", group=group_a, user=leader_user)
    group_a.leader = leader
    group_a.save()
    member_user = make_user("li")
    li = make_deputy(term, "A002", "李四", group=group_a, user=member_user)
    no_account = make_deputy(term, "A003", "赵六", group=group_a)
    wang_user = make_user("wang")
    wang = make_deputy(term, "B001", "王五", group=group_b, user=wang_user)
    return {
        "term": term,
        "del_a": del_a,
        "del_b": del_b,
        "group_a": group_a,
        "group_b": group_b,
        "leader": leader,
        "li": li,
        "no_account": no_account,
        "wang": wang,
        "leader_user": leader_user,
        "li_user": member_user,
        "wang_user": wang_user,
        "leader_b": make_user("leader_b", roles=[(Role.GROUP_LEADER, group_b)]),
        "office": make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        "town_a": make_user("town_a", roles=[(Role.TOWN_STAFF, del_a)]),
    }
