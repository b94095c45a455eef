from datetime import date
from types import SimpleNamespace

import pytest


@pytest.fixture
def pworld(term, make_delegation, make_group, make_deputy, make_user):
    from deputies.models import Role
    from proposals.models import HandlingUnit

    north, south = make_delegation("北镇"), make_delegation("南镇")
    lead_user = make_user("lead")
    lead = make_deputy(term, "N01", "张一", delegation=north, user=lead_user)
    co = make_deputy(term, "N02", "李二", delegation=north, user=make_user("co"))
    late = make_deputy(term, "N03", "王三", delegation=north, service_start=date(2024, 6, 1))
    south_dep = make_deputy(term, "S01", "赵四", delegation=south)
    return SimpleNamespace(
        term=term,
        north=north,
        south=south,
        lead=lead,
        co=co,
        late=late,
        south_dep=south_dep,
        lead_user=lead_user,
        co_user=co.user,
        unit=HandlingUnit.objects.create(name="区交通委"),
        unit2=HandlingUnit.objects.create(name="区建管委"),
        office=make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        town=make_user("town", roles=[(Role.TOWN_STAFF, north)]),
        south_town=make_user("south_town", roles=[(Role.TOWN_STAFF, south)]),
        leadership=make_user("boss", roles=[(Role.LEADERSHIP, None)]),
        nobody=make_user("nobody"),
    )


@pytest.fixture
def make_proposal(pworld):
    from proposals.models import Cosignature, Proposal

    def make(number="J001", lead=None, status="submitted", cosigners=(), **kw):
        kw.setdefault("submitted_date", date(2024, 1, 10))
        p = Proposal.objects.create(
            term=pworld.term, number=number, kind="suggestion", title=f"关于{number}的建议",
            lead=lead or pworld.lead, status=status, **kw,
        )  # fmt: skip
        for deputy in cosigners:
            Cosignature.objects.create(proposal=p, deputy=deputy)
        return p

    return make
