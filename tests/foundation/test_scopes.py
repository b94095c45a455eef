"""Who sees and changes what (deputies.scopes), for every role.

The world: delegations 嘉定镇街道 (A) and 南翔镇 (B); groups A1, A2 in A and B1 in B;
deputies a1, a2 (A1), a3 (A2), b1, b2 (B1). b1 leads B1 through DeputyGroup.leader.
Each deputy has one participation, in an activity organised by 城建环保工委 (a1, a3, b1) or
by 南翔镇人大 (a2, b2).
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from activities.models import Activity, ActivityType, Participation
from deputies.models import Deputy, Organiser, Role
from deputies.scopes import (
    activities_visible_to,
    deputies_editable_by,
    deputies_visible_to,
    records_visible_to,
)

pytestmark = pytest.mark.django_db

ALL = {"a1", "a2", "a3", "b1", "b2"}


@pytest.fixture
def world(term, delegation, make_delegation, make_group, make_deputy, make_user):
    town_b = make_delegation("南翔镇")
    groups = {
        "A1": make_group(term, delegation, "嘉定镇街道第一小组"),
        "A2": make_group(term, delegation, "嘉定镇街道第二小组"),
        "B1": make_group(term, town_b, "南翔镇第一小组"),
    }
    users = {code: make_user(f"deputy_{code}") for code in ALL}
    deputies = {
        code: make_deputy(term, code, group=groups[group], user=users[code])
        for code, group in [("a1", "A1"), ("a2", "A1"), ("a3", "A2"), ("b1", "B1"), ("b2", "B1")]
    }
    groups["B1"].leader = deputies["b1"]
    groups["B1"].save()
    committee = Organiser.objects.create(name="城建环保工委")
    town_organiser = Organiser.objects.create(name="南翔镇人大", delegation=town_b)
    activities = {}
    for code, organiser in [
        ("a1", committee),
        ("a2", town_organiser),
        ("a3", committee),
        ("b1", committee),
        ("b2", town_organiser),
    ]:
        activity = Activity.objects.create(
            term=term,
            name=f"{code}参加的活动",
            type=ActivityType.RESEARCH,
            date=date(2024, 4, 1),
            organiser=organiser,
        )
        Participation.objects.create(activity=activity, deputy=deputies[code])
        activities[code] = activity
    return SimpleNamespace(
        A=delegation,
        B=town_b,
        groups=groups,
        users=users,
        deputies=deputies,
        committee=committee,
        activities=activities,
    )


def codes(queryset):
    """The deputy codes in a Deputy, Participation or Activity queryset."""
    model = queryset.model
    if model is Deputy:
        return set(queryset.values_list("code", flat=True))
    if model is Participation:
        return set(queryset.values_list("deputy__code", flat=True))
    return set(queryset.values_list("participations__deputy__code", flat=True))


def test_deputy_sees_exactly_their_own_record(world):
    user = world.users["a1"]
    assert codes(deputies_visible_to(user)) == {"a1"}
    assert codes(records_visible_to(user, Participation.objects.all())) == {"a1"}
    assert codes(deputies_editable_by(user)) == set()


def test_town_staff_see_and_edit_exactly_their_delegation(world, make_user):
    user = make_user("town_a", roles=[(Role.TOWN_STAFF, world.A)])
    assert codes(deputies_visible_to(user)) == {"a1", "a2", "a3"}
    assert codes(records_visible_to(user, Participation.objects.all())) == {"a1", "a2", "a3"}
    assert codes(deputies_editable_by(user)) == {"a1", "a2", "a3"}


def test_delegation_head_sees_the_delegation_but_edits_nothing(world, make_user):
    user = make_user("head_b", roles=[(Role.DELEGATION_HEAD, world.B)])
    assert codes(deputies_visible_to(user)) == {"b1", "b2"}
    assert codes(deputies_editable_by(user)) == set()


def test_group_leader_by_deputy_group_leader_sees_their_group(world):
    user = world.users["b1"]  # b1 leads B1
    assert codes(deputies_visible_to(user)) == {"b1", "b2"}
    assert codes(records_visible_to(user, Participation.objects.all())) == {"b1", "b2"}
    assert codes(deputies_editable_by(user)) == set()


def test_group_leader_by_role_sees_their_group_and_their_own_record(world):
    # a3 (group A2) is made leader of group A1 by a role assignment.
    user = world.users["a3"]
    user.role_assignments.create(role=Role.GROUP_LEADER, group=world.groups["A1"])
    assert codes(deputies_visible_to(user)) == {"a1", "a2", "a3"}


def test_committee_staff_see_the_activities_they_organise(world, make_user):
    user = make_user("committee", roles=[(Role.COMMITTEE_STAFF, world.committee)])
    assert set(activities_visible_to(user)) == {
        world.activities["a1"],
        world.activities["a3"],
        world.activities["b1"],
    }
    assert codes(deputies_editable_by(user)) == set()


@pytest.mark.parametrize(
    "role", [Role.OFFICE_STAFF, Role.LEADERSHIP, Role.QUALIFICATION, Role.SECRETARY_GENERAL]
)
def test_district_wide_roles_see_everything(world, make_user, role):
    user = make_user("district", roles=[(role, None)])
    assert codes(deputies_visible_to(user)) == ALL
    assert codes(records_visible_to(user, Participation.objects.all())) == ALL
    assert set(activities_visible_to(user)) == set(world.activities.values())
    # Only the office changes records district-wide.
    expected_editable = ALL if role == Role.OFFICE_STAFF else set()
    assert codes(deputies_editable_by(user)) == expected_editable


def test_superuser_counts_as_office_staff(world, make_user):
    user = make_user("admin", is_superuser=True)
    assert codes(deputies_visible_to(user)) == ALL
    assert codes(deputies_editable_by(user)) == ALL


def test_anonymous_user_sees_nothing(world):
    anonymous = AnonymousUser()
    assert codes(deputies_visible_to(anonymous)) == set()
    assert codes(records_visible_to(anonymous, Participation.objects.all())) == set()
    assert codes(activities_visible_to(anonymous)) == set()
    assert codes(deputies_editable_by(anonymous)) == set()


def test_user_without_roles_sees_nothing(world, make_user):
    user = make_user("nobody")
    assert codes(deputies_visible_to(user)) == set()
    assert codes(activities_visible_to(user)) == set()
