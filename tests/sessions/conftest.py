"""A small world for the session pages: two delegations (A, B), their deputies, one session
a week from today with a preparatory, a plenary and one delegation meeting per delegation,
and one account per role."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone


@dataclass
class World:
    term: object
    a: object
    b: object
    session: object
    prep: object
    plenary: object
    meet_a: object
    meet_b: object
    deputies_a: list
    deputies_b: list
    office: object
    town_a: object
    town_b: object
    head_a: object
    head_b: object
    sg: object
    leadership: object
    deputy_user: object
    committee: object


@pytest.fixture
def add_deputies(make_deputy):
    """add_deputies(term, delegation, n, prefix) -> n deputies in office for the whole term."""

    def add(term, delegation, n, prefix):
        return [make_deputy(term, f"{prefix}{i:03d}", delegation=delegation) for i in range(n)]

    return add


@pytest.fixture
def world(make_term, make_delegation, make_user, make_deputy, add_deputies):
    from activities.models import Meeting, Session
    from deputies.models import Organiser, Role

    today = timezone.localdate()
    term = make_term("测试届", date(today.year - 1, 1, 1), date(today.year + 3, 12, 31))
    a, b = make_delegation("甲镇", order=1), make_delegation("乙镇", order=2)
    deputy_user = make_user("deputy")
    deputies_a = [make_deputy(term, "A000", name="张三", delegation=a, user=deputy_user)]
    deputies_a += add_deputies(term, a, 3, "A1")
    deputies_b = add_deputies(term, b, 3, "B1")
    start = today + timedelta(days=7)
    session = Session.objects.create(
        term=term, name="测试大会", start_date=start, end_date=start + timedelta(days=3)
    )

    def meeting(name, kind, day, delegation=None):
        return Meeting.objects.create(
            term=term, session=session, name=name, kind=kind, date=day, delegation=delegation
        )

    K = Meeting.Kind
    return World(
        term=term,
        a=a,
        b=b,
        session=session,
        prep=meeting("预备会议", K.PREPARATORY, start),
        plenary=meeting("第一次全体会议", K.PLENARY, start),
        meet_a=meeting("甲镇代表团第一次会议", K.DELEGATION, start + timedelta(days=1), a),
        meet_b=meeting("乙镇代表团第一次会议", K.DELEGATION, start + timedelta(days=1), b),
        deputies_a=deputies_a,
        deputies_b=deputies_b,
        office=make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        town_a=make_user("town_a", roles=[(Role.TOWN_STAFF, a)]),
        town_b=make_user("town_b", roles=[(Role.TOWN_STAFF, b)]),
        head_a=make_user("head_a", roles=[(Role.DELEGATION_HEAD, a)]),
        head_b=make_user("head_b", roles=[(Role.DELEGATION_HEAD, b)]),
        sg=make_user("sg", roles=[(Role.SECRETARY_GENERAL, None)]),
        leadership=make_user("leader", roles=[(Role.LEADERSHIP, None)]),
        deputy_user=deputy_user,
        committee=make_user(
            "committee", roles=[(Role.COMMITTEE_STAFF, Organiser.objects.create(name="财经委"))]
        ),
    )


@pytest.fixture
def held(world):
    """The world's session moved 30 days into the past (held: 出席/缺席 may be marked)."""
    from activities.models import Meeting, Session

    shift = timedelta(days=30)
    session = world.session
    Session.objects.filter(pk=session.pk).update(
        start_date=session.start_date - shift, end_date=session.end_date - shift
    )
    for meeting in Meeting.objects.filter(session=session):
        Meeting.objects.filter(pk=meeting.pk).update(date=meeting.date - shift)
    for name in ("session", "prep", "plenary", "meet_a", "meet_b"):
        getattr(world, name).refresh_from_db()
    return world
