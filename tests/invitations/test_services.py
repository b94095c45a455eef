"""Sending, replying, chasing, changing, cancelling and deciding leave (invitations.services)."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import services as activity_services
from activities.models import LeaveRequest, Meeting, Participation, Session
from invitations import services
from invitations.models import Invitation, InvitedDeputy
from supervision.models import Notification

pytestmark = pytest.mark.django_db


def invitee(invitation, deputy):
    return InvitedDeputy.objects.get(invitation=invitation, deputy=deputy)


def test_a_group_and_a_delegation_are_invited_once_each_and_told(
    world, make_activity, invite, django_capture_on_commit_callbacks
):
    activity = make_activity()
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite(activity, group=world.g1, delegation=world.south, deputy_ids=[world.d1.pk])
    # 北一组 (张一, 李二) and 南镇 (赵四); 张一 named twice is invited once.
    names = sorted(sent.invitation.invitees.values_list("deputy__name", flat=True))
    assert names == ["张一", "李二", "赵四"]
    assert (sent.invited, sent.already, sent.out_of_office) == (3, 0, 0)
    told = Notification.objects.filter(kind="invitation").order_by("recipient__username")
    assert [n.recipient.username for n in told] == ["d1", "d2", "s1"]
    assert "列席常委会第三十次会议" in told[0].subject
    assert told[0].url == f"/invitations/mine/{invitee(sent.invitation, world.d1).pk}/"


def test_deputies_out_of_office_or_already_invited_are_left_out(world, make_activity, invite):
    activity = make_activity()
    invite(activity, deputy_ids=[world.d1.pk])
    sent = invite(activity, group=world.g2, deputy_ids=[world.d1.pk])
    # 王三 is invited; 周离's service ended; 张一 holds an open invitation already.
    assert list(sent.invitation.invitees.values_list("deputy__name", flat=True)) == ["王三"]
    assert (sent.invited, sent.already, sent.out_of_office) == (1, 1, 1)


def test_a_deadline_after_the_activity_is_refused(world, make_activity, invite):
    activity = make_activity(days=3)
    with pytest.raises(ValidationError, match="不能晚于活动日期"):
        invite(activity, days=4, deputy_ids=[world.d1.pk])
    assert not Invitation.objects.exists()


def test_accepting_puts_the_deputy_on_the_roll_as_invited_not_present(world, make_activity, invite):
    activity = make_activity()
    sent = invite(activity, deputy_ids=[world.d1.pk])
    services.reply(world.d1.user, invitee(sent.invitation, world.d1), "accept")
    row = Participation.objects.get(activity=activity, deputy=world.d1)
    assert row.status == "invited"
    # Changing the reply to 请假 before the deadline takes the row off again.
    services.reply(world.d1.user, invitee(sent.invitation, world.d1), "decline", "出差")
    assert not Participation.objects.filter(activity=activity, deputy=world.d1).exists()
    mine = invitee(sent.invitation, world.d1)
    assert (mine.answer, mine.reason, mine.leave_decision) == ("decline", "出差", "")


def test_leave_needs_a_reason(world, make_activity, invite):
    sent = invite(make_activity(), deputy_ids=[world.d1.pk])
    with pytest.raises(ValidationError, match="请假须填写事由"):
        services.reply(world.d1.user, invitee(sent.invitation, world.d1), "decline", "  ")
    assert invitee(sent.invitation, world.d1).answer == ""


def test_a_reply_after_the_deadline_is_refused(world, make_activity, invite):
    sent = invite(make_activity(), deputy_ids=[world.d1.pk])
    late = sent.invitation.reply_deadline + timedelta(minutes=1)
    with pytest.raises(ValidationError, match="回复截止时间（.*）已过"):
        services.reply(world.d1.user, invitee(sent.invitation, world.d1), "accept", now=late)
    assert invitee(sent.invitation, world.d1).answer == ""


def test_a_deputy_cannot_reply_for_another(world, make_activity, invite):
    sent = invite(make_activity(), deputy_ids=[world.d1.pk])
    with pytest.raises(ValidationError, match="只能回复您本人的邀请"):
        services.reply(world.d2.user, invitee(sent.invitation, world.d1), "accept")


def test_chasing_tells_each_non_replier_and_counts(
    world, make_activity, invite, django_capture_on_commit_callbacks
):
    sent = invite(make_activity(), group=world.g1)
    services.reply(world.d1.user, invitee(sent.invitation, world.d1), "accept")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.chase(world.office, sent.invitation) == 1
        assert services.chase(world.office, sent.invitation) == 1
    chased = Notification.objects.filter(kind="invitation_chase")
    assert [n.recipient.username for n in chased] == ["d2", "d2"]
    assert invitee(sent.invitation, world.d2).chase_count == 2
    assert invitee(sent.invitation, world.d1).chase_count == 0
    # Recorded in the history (who chased).
    chases = invitee(sent.invitation, world.d2).history.filter(history_change_reason="催复")
    assert [h.history_user for h in chases] == [world.office, world.office]


def test_a_new_place_and_a_cancellation_reach_the_invited(
    world, make_activity, invite, django_capture_on_commit_callbacks
):
    activity = make_activity()
    sent = invite(activity, deputy_ids=[world.d1.pk, world.d2.pk])
    services.reply(world.d1.user, invitee(sent.invitation, world.d1), "accept")
    inv = sent.invitation
    with django_capture_on_commit_callbacks(execute=True):
        told = services.change(
            world.office, inv, start_time=None, place="嘉定区人大二楼会议室",
            reply_deadline=inv.reply_deadline, note="",
        )  # fmt: skip
    assert told
    changed = Notification.objects.filter(kind="invitation_changed")
    assert sorted(n.recipient.username for n in changed) == ["d1", "d2"]
    assert "嘉定区人大二楼会议室" in changed[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(world.office, inv, "会议改期")
    cancelled = Notification.objects.filter(kind="invitation_cancelled")
    assert sorted(n.recipient.username for n in cancelled) == ["d1", "d2"]
    assert "会议改期" in cancelled[0].body
    # The 受邀 row the reply made is gone; replies are refused.
    assert not Participation.objects.filter(activity=activity).exists()
    with pytest.raises(ValidationError, match="已取消"):
        services.reply(world.d2.user, invitee(inv, world.d2), "accept")


def test_leave_to_a_required_activity_counts_only_once_staff_accept(world, make_activity, invite):
    activity = make_activity()
    sent = invite(activity, kind="required", deputy_ids=[world.d1.pk, world.d2.pk])
    services.reply(world.d1.user, invitee(sent.invitation, world.d1), "decline", "住院")
    services.reply(world.d2.user, invitee(sent.invitation, world.d2), "decline", "出差")
    assert invitee(sent.invitation, world.d1).leave_decision == "pending"
    assert not Participation.objects.filter(activity=activity).exists()
    services.decide_leave(world.office, invitee(sent.invitation, world.d1), True)
    services.decide_leave(world.office, invitee(sent.invitation, world.d2), False)
    roll = Participation.objects.filter(activity=activity)
    rows = dict(roll.values_list("deputy__name", "status"))
    assert rows == {"张一": "leave"}
    assert invitee(sent.invitation, world.d2).leave_decision == "refused"
    # Accepted leave is not changed back by the deputy.
    with pytest.raises(ValidationError, match="已经工作人员同意"):
        services.reply(world.d1.user, invitee(sent.invitation, world.d1), "accept")


def test_leave_to_a_required_meeting_goes_on_as_a_leave_request(world, invite):
    day = world.today + timedelta(days=10)
    session = Session.objects.create(term=world.term, name="五次会议", start_date=day, end_date=day)
    meeting = Meeting.objects.create(
        term=world.term, session=session, name="第一次全体会议", kind="plenary", date=day
    )
    sent = invite(meeting, kind="required", deputy_ids=[world.d1.pk])
    services.reply(world.d1.user, invitee(sent.invitation, world.d1), "decline", "住院治疗")
    with pytest.raises(ValidationError, match="请选择请假事由"):
        services.decide_leave(world.office, invitee(sent.invitation, world.d1), True)
    services.decide_leave(world.office, invitee(sent.invitation, world.d1), True, "illness")
    leave = LeaveRequest.objects.get(deputy=world.d1)
    assert leave.status == "pending_head"
    assert (leave.reason, leave.explanation) == ("illness", "住院治疗")
    assert invitee(sent.invitation, world.d1).leave_request == leave
    # The roll changes only when the head and the secretary-general approve it.
    assert not meeting.attendances.exists()


def test_an_accepted_invitation_is_not_attendance_until_the_sign_in(world, make_activity, invite):
    """The evaluation counts the sign-in, not the reply."""
    from supervision.evaluation.compliance import as_of_today, evaluate_year

    now = timezone.now()
    activity = make_activity(
        days=0, signin_opens_at=now - timedelta(hours=1), signin_closes_at=now + timedelta(hours=1)
    )
    # The deadline: in a minute, on the activity's day (never past local midnight).
    end_of_day = timezone.make_aware(datetime.combine(world.today, time(23, 59, 59)))
    sent = services.create_invitation(
        world.office, activity, kind="signup", deputy_ids=[world.d1.pk],
        reply_deadline=min(now + timedelta(minutes=1), end_of_day), now=now,
    )  # fmt: skip
    services.reply(world.d1.user, invitee(sent.invitation, world.d1), "accept", now=now)

    def sc_meetings():
        ev = evaluate_year(world.today.year, world.term, [world.d1.pk], as_of=as_of_today())
        return ev.rows[0].result("ART12_SC_MEETING").achieved

    assert sc_meetings() == 0
    activity_services.sign_in(activity, world.d1.user)
    assert Participation.objects.get(activity=activity, deputy=world.d1).status == "present"
    assert sc_meetings() == 1
