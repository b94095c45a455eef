"""Reads for invitations, scoped by role (deputies.scopes, deputies.permissions).

Staff (office staff, town staff, committee staff) manage the invitations of the targets they
may change: an activity they may change (permissions.may_change_activity), a session meeting
for office staff, and for town staff a meeting they see. Who may be invited: for an
activity, deputies_invitable_by narrowed to those the user may record participation for
(town staff: their delegation's deputies); for a meeting, those whose attendance the user may
record. A deputy sees only their own invitations.
"""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from activities.models import Activity, Meeting
from activities.sessions.selectors import meetings_visible_to
from deputies import permissions
from deputies.models import Role
from deputies.scopes import (
    activities_editable_by,
    deputies_editable_by,
    deputies_invitable_by,
    user_scope,
)

from .models import Invitation, InvitedDeputy

INVITERS = {Role.OFFICE_STAFF, Role.TOWN_STAFF, Role.COMMITTEE_STAFF}


def can_invite(user) -> bool:
    """Roles that send invitations at all (the list and the create page)."""
    return bool(user_scope(user).roles & INVITERS)


def is_invitee(user) -> bool:
    return bool(user_scope(user).deputy_ids)


def meetings_invitable_by(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Meeting.objects.all() if queryset is None else queryset
    scope = user_scope(user)
    if permissions.may_manage_meetings(user):
        return queryset
    if scope.town_staff_delegation_ids:
        return meetings_visible_to(user, queryset)
    return queryset.none()


def activities_invitable_by(user, queryset: QuerySet | None = None) -> QuerySet:
    return activities_editable_by(user, queryset)


def may_invite_to(user, target) -> bool:
    """May the user send (and manage) an invitation to this activity or meeting?"""
    if isinstance(target, Activity):
        return permissions.may_change_activity(user, target.organiser)
    if isinstance(target, Meeting):
        return meetings_invitable_by(user, Meeting.objects.filter(pk=target.pk)).exists()
    return False


def may_invite_deputy(user, target, deputy) -> bool:
    """deputies.permissions for one deputy (no query): participation or attendance."""
    if isinstance(target, Activity):
        return permissions.may_record_participation(user, target.organiser, deputy)
    return permissions.may_record_attendance(user, deputy)


def invitable_deputies(user, target) -> QuerySet:
    """The deputies of the target's term this user may invite to it."""
    scope = user_scope(user)
    if isinstance(target, Activity):
        qs = deputies_invitable_by(user)
        if not scope.has(Role.OFFICE_STAFF, Role.COMMITTEE_STAFF):
            qs = qs.filter(pk__in=deputies_editable_by(user).values("pk"))
    else:
        qs = deputies_editable_by(user)
    return qs.filter(term_id=target.term_id)


def managed_invitations(user, queryset: QuerySet | None = None) -> QuerySet:
    """Invitations the user may see the replies of and manage."""
    queryset = Invitation.objects.all() if queryset is None else queryset
    if not can_invite(user):
        return queryset.none()
    if user_scope(user).has(Role.OFFICE_STAFF):
        return queryset
    return queryset.filter(
        Q(activity__in=activities_invitable_by(user).values("pk"))
        | Q(meeting__in=meetings_invitable_by(user).values("pk"))
    )


def visible_invitees(user, invitation: Invitation) -> QuerySet:
    """The invitation's deputies this user may see: office staff all; others those they may
    invite (town staff: their delegation's)."""
    qs = invitation.invitees.all()
    if user_scope(user).has(Role.OFFICE_STAFF):
        return qs
    return qs.filter(deputy__in=invitable_deputies(user, invitation.target).values("pk"))


def reply_counts(invitees: QuerySet) -> dict:
    """已邀请 / 参加 / 请假 / 未回复 (and 待审核的请假, 催复次数) in one query."""
    A = InvitedDeputy.Answer
    return invitees.aggregate(
        invited=Count("pk"),
        accepted=Count("pk", filter=Q(answer=A.ACCEPT)),
        declined=Count("pk", filter=Q(answer=A.DECLINE)),
        unanswered=Count("pk", filter=Q(answer=A.NONE)),
        pending_leave=Count("pk", filter=Q(leave_decision=InvitedDeputy.LeaveDecision.PENDING)),
        chased=Count("pk", filter=Q(chase_count__gt=0)),
    )


def with_counts(queryset: QuerySet) -> QuerySet:
    """A list's invitations with their reply counts (one query for the page)."""
    A = InvitedDeputy.Answer
    return queryset.annotate(
        invited=Count("invitees"),
        accepted=Count("invitees", filter=Q(invitees__answer=A.ACCEPT)),
        declined=Count("invitees", filter=Q(invitees__answer=A.DECLINE)),
        unanswered=Count("invitees", filter=Q(invitees__answer=A.NONE)),
    ).select_related("activity", "meeting", "created_by")


def own_invitations(user) -> QuerySet:
    """The user's own invitations (as a deputy), newest first."""
    return (
        InvitedDeputy.objects.filter(deputy_id__in=user_scope(user).deputy_ids)
        .select_related("invitation__activity", "invitation__meeting", "deputy")
        .order_by("-invitation__reply_deadline", "-pk")
    )


def awaiting_reply(user, now=None) -> QuerySet:
    """Own invitations still open for a reply and not answered yet (the deputy's to-do)."""
    now = now or timezone.now()
    return InvitedDeputy.objects.filter(
        deputy_id__in=user_scope(user).deputy_ids,
        answer=InvitedDeputy.Answer.NONE,
        invitation__status=Invitation.Status.OPEN,
        invitation__reply_deadline__gte=now,
    )
