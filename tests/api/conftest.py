"""A small world for the API: two delegations (安亭镇, 南翔镇), deputies in each, a town-run
activity of 安亭镇 with its sign-in window open now, and clients of several roles.

Fixtures:
    api_world   namespace of the objects (see build) and tokens by client role
    api         api(token) -> a django.test.Client sending `Authorization: Bearer <token>`
"""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from activities.models import Activity, ActivityType, Participation
from api.services import create_client
from deputies.models import Organiser, Role


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The rate limit counts in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_world(make_term, make_delegation, make_group, make_deputy):
    today = timezone.localdate()
    term = make_term(start=date(today.year - 4, 1, 1), end=date(today.year + 1, 12, 31))
    anting, nanxiang = make_delegation("安亭镇"), make_delegation("南翔镇")
    g1, g2 = make_group(term, anting, "安亭一组"), make_group(term, nanxiang, "南翔一组")
    a1 = make_deputy(term, "A001", "甲代表", group=g1, mobile="13812345678",
                     birth_date=date(1970, 5, 6))  # fmt: skip
    a2 = make_deputy(term, "A002", "丙代表", group=g1, mobile="13900001111")
    b1 = make_deputy(term, "B001", "乙代表", group=g2, mobile="13700002222",
                     birth_date=date(1980, 1, 2))  # fmt: skip
    town_org = Organiser.objects.create(name="安亭镇人大", delegation=anting)
    other_org = Organiser.objects.create(name="南翔镇人大", delegation=nanxiang)
    now = timezone.now()
    window = {
        "signin_opens_at": now - timedelta(hours=1),
        "signin_closes_at": now + timedelta(hours=2),
    }
    activity = Activity.objects.create(
        term=term, name="安亭镇代表小组活动", type=ActivityType.GROUP, date=today,
        organiser=town_org, group=g1, **window,
    )  # fmt: skip
    other_activity = Activity.objects.create(
        term=term, name="南翔镇代表小组活动", type=ActivityType.GROUP, date=today,
        organiser=other_org, group=g2, **window,
    )  # fmt: skip
    Participation.objects.create(activity=other_activity, deputy=b1, status="present")
    clients, tokens = {}, {}
    for key, role, scope in [
        ("office", Role.OFFICE_STAFF, {}),
        ("leadership", Role.LEADERSHIP, {}),
        ("town", Role.TOWN_STAFF, {"delegation": anting}),
        ("other_town", Role.TOWN_STAFF, {"delegation": nanxiang}),
    ]:
        clients[key], tokens[key] = create_client(f"{key} 系统", role, **scope)
    return SimpleNamespace(
        term=term, anting=anting, nanxiang=nanxiang, g1=g1, g2=g2, a1=a1, a2=a2, b1=b1,
        town_org=town_org, activity=activity, other_activity=other_activity,
        clients=clients, tokens=tokens,
    )  # fmt: skip


@pytest.fixture
def api():
    def make(token=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        return Client(**headers)

    return make
