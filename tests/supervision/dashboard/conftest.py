"""A small district for the dashboard: two delegations, three deputies, a session meeting,
a speech and four proposals with known handling."""

from dataclasses import dataclass
from datetime import date

import pytest


@dataclass
class Town:
    term: object
    north: object  # delegation 北镇: deputies A (present, spoke) and B (present)
    south: object  # delegation 南镇: deputy C (absent)
    a: object
    b: object
    c: object
    meeting: object
    office: object
    leadership: object


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache is process-wide (locmem); each test starts without cached figures."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def town(term, make_delegation, make_deputy, make_user):
    from activities.models import Attendance, Meeting, Speech
    from deputies.models import Role
    from proposals.models import Proposal, ProposalEvaluation

    north = make_delegation("北镇", order=1)
    south = make_delegation("南镇", order=2)
    a = make_deputy(term, "D001", name="甲代表", delegation=north)
    b = make_deputy(term, "D002", name="乙代表", delegation=north)
    c = make_deputy(term, "D003", name="丙代表", delegation=south)
    meeting = Meeting.objects.create(
        term=term, name="全体会议", kind=Meeting.Kind.PLENARY, date=date(2025, 1, 10)
    )
    Attendance.objects.create(meeting=meeting, deputy=a, status="present")
    Attendance.objects.create(meeting=meeting, deputy=b, status="present")
    Attendance.objects.create(meeting=meeting, deputy=c, status="absent")
    Speech.objects.create(deputy=a, date=date(2025, 1, 10), meeting=meeting)

    def proposal(number, submitted, replied=None, overall=None, status="submitted"):
        p = Proposal.objects.create(
            term=term, number=number, kind="suggestion", title=f"建议{number}",
            submitted_date=submitted, lead=a, reply_date=replied, status=status,
        )  # fmt: skip
        if overall:
            ProposalEvaluation.objects.create(proposal=p, overall=overall)
        return p

    # Submitted 10 Jan: the three-month deadline is 10 April.
    proposal("1", date(2025, 1, 10), date(2025, 4, 10), "satisfied")  # on time (the last day)
    proposal("2", date(2025, 1, 10), date(2025, 4, 11), "unsatisfied")  # late
    proposal("3", date(2025, 1, 10))  # overdue, no reply
    proposal("4", date(2025, 2, 1), date(2025, 3, 1), "satisfied")  # on time
    proposal("5", date(2025, 2, 1), status="withdrawn")  # not counted
    proposal("6", date(2024, 2, 1), date(2024, 3, 1), "basic")  # another year

    office = make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    leadership = make_user("leader", roles=[(Role.LEADERSHIP, None)])
    return Town(term, north, south, a, b, c, meeting, office, leadership)
