"""A small world for 代表码: deputy A (with an account, a mobile number and a workplace) in
安亭镇 with a coming 家站点接待, deputy B in 南翔镇, the town staff of both towns and office
staff."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from deputies.models import Delegation, Role


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cz(db, make_user, make_term, make_group, make_deputy):
    from activities.models import Activity, ActivityType, Participation
    from citizens import services

    today = timezone.localdate()
    term = make_term("第七届", today.replace(year=today.year - 3, month=1, day=1),
                     today.replace(year=today.year + 1, month=12, day=31))  # fmt: skip
    anting = Delegation.objects.create(name="安亭镇")
    nanxiang = Delegation.objects.create(name="南翔镇")
    group = make_group(term, anting, "安亭第一代表小组")
    user_a = make_user("dep_a")
    user_b = make_user("dep_b")
    a = make_deputy(term, "A001", "王建国", group=group, user=user_a, mobile="13812345678",
                    workplace_title="某某公司总经理")  # fmt: skip
    b = make_deputy(term, "B001", "李秀英", delegation=nanxiang, user=user_b)
    reception = Activity.objects.create(
        term=term,
        name="安亭镇代表之家接待日",
        type=ActivityType.RECEPTION,
        date=today + timedelta(days=6),
        place="安亭镇代表之家",
    )
    Participation.objects.create(activity=reception, deputy=a, status="invited")
    return SimpleNamespace(
        term=term,
        today=today,
        anting=anting,
        nanxiang=nanxiang,
        group=group,
        a=a,
        b=b,
        user_a=user_a,
        user_b=user_b,
        town=make_user("town_a", roles=[(Role.TOWN_STAFF, anting)]),
        other_town=make_user("town_b", roles=[(Role.TOWN_STAFF, nanxiang)]),
        office=make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        page_a=services.page_for(a),
        page_b=services.page_for(b),
    )


def message_data(**fields):
    return {
        "category": "urban",
        "content": "小区门口的路灯坏了三个月，晚上回家很不安全。",
        "name": "张先生",
        "phone": "13900001111",
        "consent": "on",
        "website": "",
        **fields,
    }


@pytest.fixture
def post_message(client):
    """post_message(page, ip="10.0.0.1", **fields) -> the response of a citizen's POST."""
    from django.urls import reverse

    def post(page, ip="10.0.0.1", **fields):
        return client.post(
            reverse("citizens:page", args=[page.token]), message_data(**fields), REMOTE_ADDR=ip
        )

    return post
