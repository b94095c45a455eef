"""A small district for the scheduled jobs: one group whose leader has an account, a member
with an account, a member without one, and a member who meets the training rule."""

from dataclasses import dataclass
from datetime import date

import pytest


@dataclass
class District:
    term: object
    group: object
    leader: object  # Deputy, leads the group, has user leader_user
    member: object  # Deputy with user member_user
    no_account: object  # Deputy without a user
    leader_user: object
    member_user: object
    office_user: object


@pytest.fixture
def district(term, delegation, make_group, make_deputy, make_user):
    from deputies.models import Role

    leader_user = make_user("zuzhang", email="zuzhang@example.cn")
    member_user = make_user("daibiao", email="")
    office_user = make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    group = make_group(term, delegation, "第一代表小组")
    leader = make_deputy(term, "J001", name="王组长", group=group, user=leader_user)
    group.leader = leader
    group.save()
    member = make_deputy(term, "J002", name="李代表", group=group, user=member_user)
    no_account = make_deputy(term, "J003", name="赵代表", group=group)
    return District(term, group, leader, member, no_account, leader_user, member_user,
                    office_user)  # fmt: skip


def attend(term, deputy, type_, when):
    """One attended activity of `type_` for the deputy."""
    from activities.models import Activity, Participation

    activity, _ = Activity.objects.get_or_create(
        term=term, name=f"{type_}-{when}", date=when, defaults={"type": type_}
    )
    return Participation.objects.create(activity=activity, deputy=deputy)


@pytest.fixture
def exports(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


TRAINING_DAY = date(2026, 3, 1)

# Written out from DESIGN.md's rules table, not computed: what an idle deputy of the district
# (no records, in office the whole term, not on the standing committee, no session meeting on
# the roll) falls short of in 2026, the term's last year. ART7 and ART8 need a session meeting
# on the roll and ART15_SC_LIAISON an SC member, so they do not apply; the term rules are
# shortfalls only in this last year.
IDLE_YEAR_RULES = {
    "ART11_SC_ACTIVITY",
    "ART13_TRAINING",
    "ART14_GROUP_ACTIVITY",
    "ART15_VOTERS",
    "ART16_RECEPTION",
}
TERM_RULES = {"ART12_SC_MEETING", "ART12_GOV_ACTIVITY", "ART18_PROPOSAL", "ART26_REPORT"}
IDLE_SHORTFALLS_2026 = IDLE_YEAR_RULES | TERM_RULES


def idle_flags(*deputies, codes=IDLE_SHORTFALLS_2026):
    return {(deputy.pk, code) for deputy in deputies for code in codes}
