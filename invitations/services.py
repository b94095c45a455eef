"""Writes for invitations: send, reply, chase, change, cancel, decide leave.

Each function checks the user's right itself (invitations.selectors, deputies.permissions),
validates first and writes in one transaction; the invited learn of it through
supervision.notifications.services.notify(), which delivers once the transaction commits.
Refusals are ValidationError with a Chinese message the view shows.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from activities import services as activity_services
from activities.models import Activity, Attendance, Participation, ParticipationStatus
from activities.sessions import services as session_services
from deputies.scopes import user_scope
from supervision.notifications import services as notifications

from . import selectors
from .models import Invitation, InvitedDeputy

# Notification kinds (supervision.notifications.services.SWITCH_OF puts them under one switch).
KIND_INVITED = "invitation"
KIND_CHASE = "invitation_chase"
KIND_CHANGED = "invitation_changed"
KIND_CANCELLED = "invitation_cancelled"
KIND_LEAVE = "invitation_leave"


def when(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")


def _facts(invitation: Invitation) -> str:
    lines = [
        _("活动：%(n)s") % {"n": invitation.target_name},
        _("日期：%(d)s") % {"d": invitation.date.isoformat()},
    ]
    if invitation.start_time:
        lines.append(_("时间：%(t)s") % {"t": invitation.start_time.strftime("%H:%M")})
    if invitation.place:
        lines.append(_("地点：%(p)s") % {"p": invitation.place})
    lines.append(_("邀请类型：%(k)s") % {"k": invitation.get_kind_display()})
    lines.append(_("回复截止：%(t)s") % {"t": when(invitation.reply_deadline)})
    if invitation.note:
        lines.append(invitation.note)
    return "\n".join(lines)


def _outcome(invitee_pk, user_id, kind, period, subject, body):
    return notifications.Outcome(
        user_id, kind, period, subject, body, reverse("invitations:reply", args=[invitee_pk])
    )


def _check_manager(user, invitation: Invitation) -> None:
    if not selectors.may_invite_to(user, invitation.target):
        raise ValidationError(_("您无权管理该邀请。"))


def _check_open(invitation: Invitation) -> None:
    if invitation.is_cancelled:
        raise ValidationError(_("该邀请已取消。"))


def _check_deadline(target, deadline: datetime, now: datetime) -> None:
    if deadline <= now:
        raise ValidationError({"reply_deadline": _("回复截止时间须晚于现在。")})
    if timezone.localtime(deadline).date() > target.date:
        raise ValidationError(
            {
                "reply_deadline": _("回复截止时间不能晚于活动日期（%(d)s）。")
                % {"d": target.date.isoformat()}
            }
        )


# --- sending --------------------------------------------------------------------------------


@dataclass
class Sent:
    invitation: Invitation
    invited: int
    already: int  # already invited to this target by an open invitation
    out_of_office: int  # not in office on the day (or suspended)


@transaction.atomic
def create_invitation(
    user, target, *, kind: str, reply_deadline: datetime, deputy_ids=(), group=None,
    delegation=None, start_time=None, place: str = "", note: str = "", now=None,
) -> Sent:  # fmt: skip
    """Invite the chosen deputies (a list, a group, a delegation: their union) to an activity
    or a meeting, and tell each of them. Deputies already invited to the target by an open
    invitation, and those not in office on its date, are left out and counted."""
    now = now or timezone.now()
    if not selectors.may_invite_to(user, target):
        raise ValidationError(_("您无权为该活动发出邀请。"))
    if kind not in Invitation.Kind.values:
        raise ValidationError({"kind": _("请选择邀请类型（必须参加或报名参加）。")})
    _check_deadline(target, reply_deadline, now)
    if target.date < timezone.localdate(now):
        raise ValidationError(_("活动日期（%(d)s）已过，不能再发出邀请。") % {"d": target.date})
    invitable = selectors.invitable_deputies(user, target)
    deputy_ids = set(deputy_ids)
    if deputy_ids:
        found = set(invitable.filter(pk__in=deputy_ids).values_list("pk", flat=True))
        if found != deputy_ids:
            raise ValidationError({"deputies": _("所选代表中有您无权邀请或不属于该届次的代表。")})
    q = Q(pk__in=deputy_ids)
    if group is not None:
        q |= Q(group=group)
    if delegation is not None:
        q |= Q(delegation=delegation)
    chosen = invitable.filter(q).order_by("code")
    chosen_ids = list(chosen.values_list("pk", flat=True))
    if not chosen_ids:
        raise ValidationError(_("请选择要邀请的代表（代表小组、代表团或名单）。"))
    in_office = set(
        activity_services.in_office_on(chosen, target.date).values_list("pk", flat=True)
    )
    already = set(
        InvitedDeputy.objects.filter(
            **{f"invitation__{_target_field(target)}": target},
            invitation__status=Invitation.Status.OPEN,
            deputy_id__in=chosen_ids,
        ).values_list("deputy_id", flat=True)
    )
    new_ids = [pk for pk in chosen_ids if pk in in_office and pk not in already]
    if not new_ids:
        raise ValidationError(_("所选代表均已被邀请或在活动日期不在任职期间，没有可邀请的代表。"))
    invitation = Invitation.objects.create(
        **{_target_field(target): target},
        kind=kind,
        reply_deadline=reply_deadline,
        start_time=start_time,
        place=place.strip(),
        note=note.strip(),
        created_by=user,
    )
    rows = [InvitedDeputy(invitation=invitation, deputy_id=pk) for pk in new_ids]
    bulk_create_with_history(rows, InvitedDeputy, batch_size=500, default_user=user)
    _notify_all(
        invitation,
        KIND_INVITED,
        f"invitation{invitation.pk}",
        _("活动邀请（%(k)s）：%(n)s（%(d)s），请于 %(t)s 前回复")
        % {
            "k": invitation.get_kind_display(),
            "n": invitation.target_name,
            "d": invitation.date.isoformat(),
            "t": when(reply_deadline),
        },
    )
    out = len([pk for pk in chosen_ids if pk not in in_office])
    return Sent(invitation, len(new_ids), len(already & in_office), out)


def _target_field(target) -> str:
    return "activity" if isinstance(target, Activity) else "meeting"


def _notify_all(invitation: Invitation, kind: str, period: str, subject: str, body=None):
    body = _facts(invitation) if body is None else body
    rows = invitation.invitees.filter(deputy__user__isnull=False).values_list(
        "pk", "deputy__user_id"
    )
    notifications.notify(_outcome(pk, uid, kind, period, subject, body) for pk, uid in rows)


# --- replying -------------------------------------------------------------------------------


@transaction.atomic
def reply(user, invitee: InvitedDeputy, answer: str, reason: str = "", now=None) -> InvitedDeputy:
    """The deputy's own reply, changeable until the deadline. 参加 to an activity puts the
    deputy on its roll as 受邀 (not 出席); a later 请假 takes that row off again."""
    now = now or timezone.now()
    invitee = (
        InvitedDeputy.objects.select_for_update(of=("self",))
        .select_related("invitation__activity", "invitation__meeting", "deputy")
        .get(pk=invitee.pk)
    )
    invitation = invitee.invitation
    if invitee.deputy_id not in user_scope(user).deputy_ids:
        raise ValidationError(_("只能回复您本人的邀请。"))
    _check_open(invitation)
    if now > invitation.reply_deadline:
        raise ValidationError(
            _("回复截止时间（%(t)s）已过，不能再回复或修改；如有变化请联系工作人员。")
            % {"t": when(invitation.reply_deadline)}
        )
    if answer not in (InvitedDeputy.Answer.ACCEPT, InvitedDeputy.Answer.DECLINE):
        raise ValidationError({"answer": _("请选择参加或请假。")})
    reason = (reason or "").strip()
    if answer == InvitedDeputy.Answer.DECLINE and not reason:
        raise ValidationError({"reason": _("请假须填写事由。")})
    if invitee.leave_decision == InvitedDeputy.LeaveDecision.ACCEPTED:
        raise ValidationError(_("您的请假已经工作人员同意，如需改为参加，请联系工作人员。"))
    activity = invitation.activity
    if answer == InvitedDeputy.Answer.ACCEPT:
        reason = ""
        invitee.leave_decision = InvitedDeputy.LeaveDecision.NONE
        if activity is not None and not invitee.added_to_roll:
            on_roll = Participation.objects.filter(activity=activity, deputy=invitee.deputy)
            if not on_roll.exists():
                activity_services.add_participant(
                    activity, invitee.deputy, ParticipationStatus.INVITED, notify=False
                )
                invitee.added_to_roll = True
    else:
        _take_off_roll(invitee)
        required = invitation.kind == Invitation.Kind.REQUIRED
        invitee.leave_decision = (
            InvitedDeputy.LeaveDecision.PENDING if required else InvitedDeputy.LeaveDecision.NONE
        )
    invitee.answer, invitee.reason, invitee.replied_at = answer, reason, now
    invitee._history_user = user
    invitee.save()
    return invitee


def _take_off_roll(invitee: InvitedDeputy) -> None:
    """Remove the 受邀 row the reply put on the roll (not one signed in or marked since)."""
    if not invitee.added_to_roll:
        return
    Participation.objects.filter(
        activity_id=invitee.invitation.activity_id,
        deputy_id=invitee.deputy_id,
        status=ParticipationStatus.INVITED,
        signed_in_at__isnull=True,
    ).delete()
    invitee.added_to_roll = False


# --- staff: chase, change, cancel, leave ---------------------------------------------------


@transaction.atomic
def chase(user, invitation: Invitation, now=None) -> int:
    """催复: one notification to each deputy (in the user's scope) who has not replied;
    each chase is counted on the row. Returns how many were chased."""
    now = now or timezone.now()
    _check_manager(user, invitation)
    _check_open(invitation)
    if now > invitation.reply_deadline:
        raise ValidationError(_("回复截止时间已过，不能再催复。"))
    rows = list(
        selectors.visible_invitees(user, invitation)
        .filter(answer=InvitedDeputy.Answer.NONE)
        .select_for_update(of=("self",))
        .select_related("deputy")
    )
    subject = _("请回复活动邀请：%(n)s（%(d)s），截止 %(t)s") % {
        "n": invitation.target_name,
        "d": invitation.date.isoformat(),
        "t": when(invitation.reply_deadline),
    }
    body = _facts(invitation)
    outcomes = []
    for row in rows:
        row.chase_count += 1
        row.last_chased_at = now
        period = f"invitation{invitation.pk}-chase{row.chase_count}"
        outcomes.append(_outcome(row.pk, row.deputy.user_id, KIND_CHASE, period, subject, body))
    bulk_update_with_history(
        rows, InvitedDeputy, ["chase_count", "last_chased_at"], default_user=user,
        default_change_reason=_("催复"),
    )  # fmt: skip
    notifications.notify(outcomes)
    return len(rows)


@transaction.atomic
def change(user, invitation: Invitation, *, start_time, place: str, reply_deadline, note: str,
           now=None) -> bool:  # fmt: skip
    """Change the time, place, deadline or note. A new time or place is told to every invited
    deputy. Returns whether they were told."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_manager(user, invitation)
    _check_open(invitation)
    if reply_deadline != invitation.reply_deadline:
        _check_deadline(invitation.target, reply_deadline, now)
    place = (place or "").strip()
    moved = (start_time, place) != (invitation.start_time, invitation.place)
    invitation.start_time, invitation.place = start_time, place
    invitation.reply_deadline, invitation.note = reply_deadline, (note or "").strip()
    if moved:
        invitation.revision += 1
    invitation._history_user = user
    invitation.save()
    if moved:
        _notify_all(
            invitation,
            KIND_CHANGED,
            f"invitation{invitation.pk}-change{invitation.revision}",
            _("活动时间或地点变更：%(n)s（%(d)s）")
            % {"n": invitation.target_name, "d": invitation.date.isoformat()},
        )
    return moved


@transaction.atomic
def cancel(user, invitation: Invitation, reason: str = "") -> Invitation:
    """Cancel: every invited deputy is told; the 受邀 rows the replies put on the roll go."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_manager(user, invitation)
    _check_open(invitation)
    invitation.status = Invitation.Status.CANCELLED
    invitation.cancel_reason = (reason or "").strip()[:200]
    invitation._history_user = user
    invitation.save()
    for invitee in invitation.invitees.filter(added_to_roll=True).select_related("invitation"):
        _take_off_roll(invitee)
        invitee._history_user = user
        invitee.save(update_fields=["added_to_roll"])
    body = _facts(invitation)
    if invitation.cancel_reason:
        body = _("取消原因：%(r)s") % {"r": invitation.cancel_reason} + "\n" + body
    _notify_all(
        invitation,
        KIND_CANCELLED,
        f"invitation{invitation.pk}",
        _("活动邀请已取消：%(n)s（%(d)s）")
        % {"n": invitation.target_name, "d": invitation.date.isoformat()},
        body,
    )
    return invitation


@transaction.atomic
def decide_leave(user, invitee: InvitedDeputy, accept: bool, leave_reason: str = "",
                 now=None) -> InvitedDeputy:  # fmt: skip
    """Staff decide a 请假 reply to a 必须参加 invitation. Accepted: for an activity the deputy
    is on its roll as 请假 (approved leave); for a meeting it goes on as a 请假申请 on the
    deputy's behalf to the delegation head and the secretary-general (Art. 5), whose approval
    marks the roll. Refused: the deputy stays expected. The deputy is told either way."""
    invitee = (
        InvitedDeputy.objects.select_for_update(of=("self",))
        .select_related("invitation__activity__organiser", "invitation__meeting", "deputy")
        .get(pk=invitee.pk)
    )
    invitation = invitee.invitation
    _check_manager(user, invitation)
    if not selectors.may_invite_deputy(user, invitation.target, invitee.deputy):
        raise ValidationError(_("您无权审核该代表的请假。"))
    _check_open(invitation)
    if invitee.leave_decision != InvitedDeputy.LeaveDecision.PENDING:
        raise ValidationError(_("该回复没有待审核的请假。"))
    activity = invitation.activity
    if accept:
        if activity is not None:
            row = Participation.objects.filter(activity=activity, deputy=invitee.deputy).first()
            if row is None:
                activity_services.add_participant(
                    activity, invitee.deputy, ParticipationStatus.LEAVE, notify=False
                )
            else:
                activity_services.update_participation(row, ParticipationStatus.LEAVE)
        else:
            if leave_reason not in Attendance.LeaveReason.values:
                raise ValidationError(
                    _("请选择请假事由（公务出国出境、重要会议活动、因病或特殊情况）。")
                )
            invitee.leave_request = session_services.request_leave(
                user, invitee.deputy, invitation.meeting, leave_reason, invitee.reason
            )
        invitee.leave_decision = InvitedDeputy.LeaveDecision.ACCEPTED
    else:
        invitee.leave_decision = InvitedDeputy.LeaveDecision.REFUSED
    invitee.leave_decided_by = user
    invitee._history_user = user
    invitee.save()
    what = {"n": invitation.target_name, "d": invitation.date.isoformat()}
    if not accept:
        subject = _("您的请假未获同意，请按时参加：%(n)s（%(d)s）") % what
    elif activity is not None:
        subject = _("您的请假已同意：%(n)s（%(d)s）") % what
    else:
        subject = _("您的请假已转为请假申请，待代表团团长和大会秘书长审批：%(n)s（%(d)s）") % what
    now = now or timezone.now()
    period = f"invitee{invitee.pk}-{int(now.timestamp())}"  # each decision told once
    notifications.notify(
        [_outcome(invitee.pk, invitee.deputy.user_id, KIND_LEAVE, period, subject,
                  _facts(invitation))]
    )  # fmt: skip
    return invitee
