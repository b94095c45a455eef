import pytest

from deputies.models import Role
from deputies.services import fill_name_initials


@pytest.fixture
def world(term, make_delegation, make_group, make_deputy, make_user):
    """Two towns, a group in the first, an SC member; users of each role."""
    town_a, town_b = make_delegation("安亭镇"), make_delegation("南翔镇")
    group = make_group(term, town_a, "安亭第一小组")
    zhang = make_deputy(term, "A001", "张三", group=group)
    li = make_deputy(term, "A002", "李四", delegation=town_a)
    wang = make_deputy(term, "B001", "王五", delegation=town_b, is_sc_member=True)
    users = {
        "office": make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        "town_a": make_user("town_a", roles=[(Role.TOWN_STAFF, town_a)]),
        "town_b": make_user("town_b", roles=[(Role.TOWN_STAFF, town_b)]),
        "leader": make_user("leader", roles=[(Role.GROUP_LEADER, group)]),
        "nobody": make_user("nobody"),
    }
    li.user = users["deputy"] = make_user("lisi")
    li.save()
    fill_name_initials()  # as seed_demo and the ledger import do
    return {"term": term, "del_a": town_a, "del_b": town_b, "group": group,
            "zhang": zhang, "li": li, "wang": wang, **users}  # fmt: skip
