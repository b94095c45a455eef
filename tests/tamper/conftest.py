"""A small world for the tamper-evidence tests: one term, one town, one deputy in it, the
town's staff, office staff, and an activity and a meeting in 2025 and in 2026."""

from datetime import date
from types import SimpleNamespace

import pytest

from activities.models import Activity, Attendance, Meeting, Participation, Session
from deputies.models import Organiser, Role


@pytest.fixture
def world(db, term, make_delegation, make_user, make_deputy, make_group):
    town = make_delegation("南翔镇")
    organiser = Organiser.objects.create(name="南翔镇人大", delegation=town)
    group = make_group(term, town, "南翔第一小组")
    deputy_user = make_user("d1")
    deputy = make_deputy(term, "D001", name="张三", group=group, user=deputy_user)
    other = make_deputy(term, "D002", name="李四", group=group)
    w = SimpleNamespace(
        term=term,
        town=town,
        group=group,
        organiser=organiser,
        deputy=deputy,
        other=other,
        deputy_user=deputy_user,
        office=make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        town_staff=make_user("town", roles=[(Role.TOWN_STAFF, town)]),
        leadership=make_user("boss", roles=[(Role.LEADERSHIP, None)]),
    )
    for year in (2025, 2026):
        activity = Activity.objects.create(
            term=term,
            name=f"{year}年专题调研",
            type="research",
            date=date(year, 3, 10),
            organiser=organiser,
        )
        Participation.objects.create(activity=activity, deputy=deputy)
        session = Session.objects.create(
            term=term,
            name=f"{year}年大会",
            start_date=date(year, 1, 5),
            end_date=date(year, 1, 8),
        )
        meeting = Meeting.objects.create(
            term=term,
            session=session,
            name=f"{year}年第一次全体会议",
            kind="plenary",
            date=date(year, 1, 6),
        )
        Attendance.objects.create(meeting=meeting, deputy=deputy, status="present")
        setattr(w, f"activity{year}", activity)
        setattr(w, f"session{year}", session)
        setattr(w, f"meeting{year}", meeting)
    return w
