"""A small district for the activity, communication and 社情民意 pages: two delegations,
a group in each, organisers, and one user per role."""

from datetime import date
from types import SimpleNamespace

import pytest


@pytest.fixture
def world(term, make_delegation, make_group, make_deputy, make_user):
    from deputies.models import Constituent, Organiser, Role

    north, south = make_delegation("北镇"), make_delegation("南镇")
    g_north, g_south = make_group(term, north, "北一组"), make_group(term, south, "南一组")
    committee_org = Organiser.objects.create(name="法制委员会")
    north_org = Organiser.objects.create(name="北镇人大", delegation=north)
    south_org = Organiser.objects.create(name="南镇人大", delegation=south)
    deputy_user = make_user("d1")
    d1 = make_deputy(term, "N01", "张一", group=g_north, user=deputy_user, mobile="13800001111")
    d2 = make_deputy(term, "N02", "李二", group=g_north)
    d_late = make_deputy(term, "N03", "王三", group=g_north, service_start=date(2024, 6, 1))
    s1 = make_deputy(term, "S01", "赵四", group=g_south)
    sc_user = make_user("sc")
    sc = make_deputy(term, "S02", "钱五", group=g_south, user=sc_user, is_sc_member=True)
    c1 = Constituent.objects.create(deputy=d1, name="选民甲", phone="13812345678")
    c2 = Constituent.objects.create(deputy=d1, name="选民乙", phone="13987654321")
    c_s = Constituent.objects.create(deputy=s1, name="选民丙", phone="13700001234")
    return SimpleNamespace(
        term=term,
        north=north,
        south=south,
        g_north=g_north,
        g_south=g_south,
        committee_org=committee_org,
        north_org=north_org,
        south_org=south_org,
        d1=d1,
        d2=d2,
        d_late=d_late,
        s1=s1,
        sc=sc,
        c1=c1,
        c2=c2,
        c_s=c_s,
        deputy_user=deputy_user,
        sc_user=sc_user,
        office=make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        committee=make_user("committee", roles=[(Role.COMMITTEE_STAFF, committee_org)]),
        town=make_user("town", roles=[(Role.TOWN_STAFF, north)]),
        leader=make_user("leader", roles=[(Role.GROUP_LEADER, g_south)]),
        leadership=make_user("boss", roles=[(Role.LEADERSHIP, None)]),
        nobody=make_user("nobody"),
    )


@pytest.fixture
def make_activity(world):
    from activities.models import Activity

    def make(name="专题调研一", type="research", day=date(2024, 5, 10), organiser=None, **kw):
        return Activity.objects.create(
            term=world.term,
            name=name,
            type=type,
            date=day,
            organiser=organiser if organiser is not None else world.committee_org,
            **kw,
        )

    return make
