"""A small world for briefings: three delegations (南翔镇, 安亭镇, 马陆镇) of the term that
covers today, a group in 南翔镇, an SC member, deputies with accounts, a suspended deputy
and one whose service has ended; office staff, town staff of 南翔镇 and of 马陆镇, the
leadership, and a liaison of 区政府办公室 (and one of 区法院)."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world(make_term, make_delegation, make_group, make_deputy, make_user):
    from deputies.models import Organiser, Role, Suspension

    today = timezone.localdate()
    term = make_term("第七届", date(today.year - 4, 1, 1), date(today.year, 12, 31))
    nanxiang = make_delegation("南翔镇", order=1)
    anting = make_delegation("安亭镇", order=2)
    malu = make_delegation("马陆镇", order=3)
    group = make_group(term, nanxiang, "南翔第一代表小组")
    gov = Organiser.objects.create(name="区政府办公室")
    court = Organiser.objects.create(name="区法院")

    def deputy(code, name, delegation, *, account=True, **fields):
        user = make_user(f"u{code}") if account else None
        return make_deputy(term, code, name=name, delegation=delegation, user=user, **fields)

    zhang = deputy("NX01", "张三", nanxiang, group=group)
    li = deputy("NX02", "李四", nanxiang, group=group, is_sc_member=True)
    wang = deputy("NX03", "王五", nanxiang, account=False)
    suspended = deputy("NX04", "赵六", nanxiang)
    Suspension.objects.create(deputy=suspended, start_date=today - timedelta(days=10))
    left = deputy("NX05", "钱七", nanxiang, service_end=today - timedelta(days=30))
    chen = deputy("AT01", "陈一", anting, is_sc_member=True)
    zhou = deputy("AT02", "周二", anting)
    return SimpleNamespace(
        today=today,
        term=term,
        nanxiang=nanxiang,
        anting=anting,
        malu=malu,
        group=group,
        gov=gov,
        court=court,
        zhang=zhang,
        li=li,
        wang=wang,
        suspended=suspended,
        left=left,
        chen=chen,
        zhou=zhou,
        office=make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        leadership=make_user("leadership", roles=[(Role.LEADERSHIP, None)]),
        town=make_user("town_nx", roles=[(Role.TOWN_STAFF, nanxiang)]),
        malu_town=make_user("town_ml", roles=[(Role.TOWN_STAFF, malu)]),
        liaison=make_user("gov_liaison", roles=[(Role.LIAISON, gov)]),
        court_liaison=make_user("court_liaison", roles=[(Role.LIAISON, court)]),
        head=make_user("head_nx", roles=[(Role.DELEGATION_HEAD, nanxiang)]),
    )


@pytest.fixture
def publish(world):
    """publish(user=office, title=..., audience="all", **kwargs) through the service."""
    from briefings import services

    def make(user=None, title="2026年区政府重点工作通报", audience="all", **kwargs):
        kwargs.setdefault("body", "今年以来，区政府围绕……")
        return services.publish(user or world.office, title=title, audience=audience, **kwargs)

    return make
