import pytest

from deputies.models import Role


@pytest.fixture
def world(term, make_delegation, make_group, make_deputy, make_user):
    del_a, del_b = make_delegation("安亭镇"), make_delegation("南翔镇")
    group_a, group_b = make_group(term, del_a, "安亭小组"), make_group(term, del_b, "南翔小组")
    zhang = make_deputy(term, "A001", "张三", group=group_a)
    wang = make_deputy(term, "B001", "王五", group=group_b)
    users = {
        "office": make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        "qualification": make_user("qual", roles=[(Role.QUALIFICATION, None)]),
        "town_a": make_user("town_a", roles=[(Role.TOWN_STAFF, del_a)]),
        "town_b": make_user("town_b", roles=[(Role.TOWN_STAFF, del_b)]),
        "leader_a": make_user("leader_a", roles=[(Role.GROUP_LEADER, group_a)]),
        "leadership": make_user("boss", roles=[(Role.LEADERSHIP, None)]),
    }
    zhang.user = users["deputy"] = make_user("zhang")
    zhang.save()
    return {
        "term": term,
        "del_a": del_a,
        "del_b": del_b,
        "group_a": group_a,
        "group_b": group_b,
        "zhang": zhang,
        "wang": wang,
        **users,
    }
