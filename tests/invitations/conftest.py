"""A small district for the invitation tests: a term around today, two delegations (北镇 with
two groups, 南镇), organisers, and users per role."""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone


@pytest.fixture
def world(make_term, make_delegation, make_group, make_deputy, make_user):
    from deputies.models import Organiser, Role

    today = timezone.localdate()
    term = make_term(start=today - timedelta(days=800), end=today + timedelta(days=900))
    north, south = make_delegation("北镇"), make_delegation("南镇")
    g1, g2 = make_group(term, north, "北一组"), make_group(term, north, "北二组")
    g_south = make_group(term, south, "南一组")
    district_org = Organiser.objects.create(name="区人大常委会办公室")
    north_org = Organiser.objects.create(name="北镇人大", delegation=north)
    committee_org = Organiser.objects.create(name="法制委员会")
    u1, u2, u3, us = make_user("d1"), make_user("d2"), make_user("d3"), make_user("s1")
    d1 = make_deputy(term, "N01", "张一", group=g1, user=u1)
    d2 = make_deputy(term, "N02", "李二", group=g1, user=u2)
    d3 = make_deputy(term, "N03", "王三", group=g2, user=u3)
    gone = make_deputy(term, "N04", "周离", group=g2, service_end=today - timedelta(days=30))
    s1 = make_deputy(term, "S01", "赵四", group=g_south, user=us)
    return SimpleNamespace(
        today=today,
        term=term,
        north=north,
        south=south,
        g1=g1,
        g2=g2,
        g_south=g_south,
        district_org=district_org,
        north_org=north_org,
        committee_org=committee_org,
        d1=d1,
        d2=d2,
        d3=d3,
        gone=gone,
        s1=s1,
        office=make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        town=make_user("town", roles=[(Role.TOWN_STAFF, north)]),
        south_town=make_user("town_s", roles=[(Role.TOWN_STAFF, south)]),
        committee=make_user("committee", roles=[(Role.COMMITTEE_STAFF, committee_org)]),
        leadership=make_user("boss", roles=[(Role.LEADERSHIP, None)]),
    )


@pytest.fixture
def make_activity(world):
    from activities.models import Activity

    def make(name="列席常委会第三十次会议", type="sc_meeting", days=7, organiser=None, **kw):
        return Activity.objects.create(
            term=world.term,
            name=name,
            type=type,
            date=world.today + timedelta(days=days),
            organiser=organiser or world.district_org,
            place="区人大常委会会议室",
            **kw,
        )

    return make


def deadline(world, days=5):
    """17:00 local time, `days` from today."""
    return timezone.make_aware(datetime.combine(world.today + timedelta(days=days), time(17)))


@pytest.fixture
def invite(world):
    """invite(target, user=office, kind="signup", **choice) -> the Sent result."""
    from invitations import services

    def make(target, user=None, kind="signup", days=5, **choice):
        return services.create_invitation(
            user or world.office, target, kind=kind, reply_deadline=deadline(world, days),
            **choice,
        )  # fmt: skip

    return make
