"""Who may invite whom, manage which invitation, and see which replies."""

import pytest
from django.core.exceptions import ValidationError

from invitations import selectors, services
from invitations.models import Invitation, InvitedDeputy

pytestmark = pytest.mark.django_db


def test_town_staff_invite_only_their_delegations_deputies(world, make_activity, invite):
    activity = make_activity(organiser=world.north_org)
    with pytest.raises(ValidationError, match="无权邀请"):
        invite(activity, user=world.town, deputy_ids=[world.d1.pk, world.s1.pk])
    assert not Invitation.objects.exists()
    # A delegation outside their town yields nobody: nothing is sent.
    with pytest.raises(ValidationError, match="请选择要邀请的代表"):
        invite(activity, user=world.town, delegation=world.south)
    sent = invite(activity, user=world.town, delegation=world.north)
    names = sorted(sent.invitation.invitees.values_list("deputy__name", flat=True))
    assert names == ["张一", "李二", "王三"]


def test_town_staff_may_not_invite_to_another_organisers_activity(world, make_activity, invite):
    activity = make_activity(organiser=world.district_org)
    with pytest.raises(ValidationError, match="无权为该活动发出邀请"):
        invite(activity, user=world.town, deputy_ids=[world.d1.pk])


def test_deputies_and_leadership_may_not_invite(world, make_activity, invite):
    activity = make_activity()
    for user in (world.d1.user, world.leadership):
        with pytest.raises(ValidationError, match="无权为该活动发出邀请"):
            invite(activity, user=user, deputy_ids=[world.d1.pk])


def test_each_role_sees_its_own_invitations_and_replies(world, make_activity, invite):
    office_sent = invite(make_activity(), group=world.g1, delegation=world.south)
    town_sent = invite(
        make_activity(name="北镇代表座谈会", type="forum", organiser=world.north_org),
        user=world.town,
        deputy_ids=[world.d3.pk],
    )
    assert set(selectors.managed_invitations(world.office)) == {
        office_sent.invitation,
        town_sent.invitation,
    }
    assert list(selectors.managed_invitations(world.town)) == [town_sent.invitation]
    assert not selectors.managed_invitations(world.south_town).exists()
    assert not selectors.managed_invitations(world.d1.user).exists()
    assert not selectors.managed_invitations(world.leadership).exists()
    # A deputy sees only their own rows.
    own = selectors.own_invitations(world.d1.user)
    assert {row.deputy_id for row in own} == {world.d1.pk}
    # Town staff looking at an office invitation to their own town's activity see their
    # delegation's deputies only.
    mixed = invite(
        make_activity(name="北镇视察", type="inspection", organiser=world.north_org),
        deputy_ids=[world.d1.pk, world.s1.pk],
    )
    seen = selectors.visible_invitees(world.town, mixed.invitation)
    assert [row.deputy.name for row in seen] == ["张一"]


def test_town_staff_may_not_chase_or_cancel_an_invitation_they_do_not_manage(
    world, make_activity, invite
):
    sent = invite(make_activity(), deputy_ids=[world.d1.pk])
    for action in (services.chase, services.cancel):
        with pytest.raises(ValidationError, match="无权管理"):
            action(world.town, sent.invitation)
    assert Invitation.objects.get().status == "open"
    assert InvitedDeputy.objects.get().chase_count == 0
