"""What waits for a person, for their home page (issue 11, item 10): per role, a short list of
items, each a count and a link to the page where the work is done.

One small selector per role; each item is one COUNT query over the role's scoped QuerySet (the
same scope functions the linked pages use, so the count and the page agree), so a home page
costs a fixed number of queries whatever the size of the data. A person holding several roles
gets each item once.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from deputies.models import Role
from deputies.scopes import activities_visible_to, proposals_visible_to, user_scope

UPCOMING_DAYS = 30  # meetings and activities in the next 30 days
REPLY_MONTHS = (
    3  # supervision.dashboard.services.ON_TIME_MONTHS: a reply is due within three months
)


@dataclass(frozen=True)
class Todo:
    key: str
    label: str
    count: int
    url: str


def _pending_reviews(user, today):
    from supervision.self_reports import services as self_reports

    return Todo("reviews", _("待审核的代表填报"), self_reports.pending_for(user).count(),
                reverse("supervision:review_list"))  # fmt: skip


def _open_flags(user, today):
    from supervision.models import RecordFlag
    from supervision.self_reports import services as self_reports

    n = self_reports.flags_resolvable_by(user).filter(status=RecordFlag.Status.OPEN).count()
    return Todo("flags", _("待处理的错重漏反馈"), n, reverse("supervision:flags"))


def overdue_proposals(user, today):
    """Proposals visible to the user, not withdrawn, with no reply three months after they
    were submitted (the dashboard's 超期未答复)."""
    from supervision.dashboard.services import add_months

    return (
        proposals_visible_to(user)
        .counting()
        .filter(reply_date__isnull=True, submitted_date__lt=add_months(today, -REPLY_MONTHS))
    )


def _overdue_replies(user, today):
    return Todo("overdue", _("超期未答复的议案建议"), overdue_proposals(user, today).count(),
                reverse("proposals:proposal_list") + "?overdue=on")  # fmt: skip


def awaiting_my_evaluation(user):
    """Replied proposals the user leads and has not evaluated yet (Art. 19)."""
    from proposals.models import Proposal
    from proposals.services import EVALUABLE

    return Proposal.objects.filter(
        lead_id__in=user_scope(user).deputy_ids, status__in=EVALUABLE, evaluation__isnull=True
    )


def _to_evaluate(user, today):
    return Todo("evaluate", _("待我评价办理情况的议案建议"), awaiting_my_evaluation(user).count(),
                reverse("proposals:proposal_list") + "?to_evaluate=on")  # fmt: skip


def _invitations_to_answer(user, today):
    from invitations.selectors import awaiting_reply

    return Todo("invitations", _("待回复的活动邀请"), awaiting_reply(user).count(),
                reverse("invitations:mine"))  # fmt: skip


def _leave_queue(user, today):
    from activities.sessions.selectors import queue_for

    return Todo("leave", _("待我审批的请假申请"), queue_for(user).count(),
                reverse("activities:leave_queue"))  # fmt: skip


def _upcoming_meetings(user, today):
    from activities.sessions.selectors import meetings_visible_to

    n = (
        meetings_visible_to(user)
        .filter(date__range=(today, today + timedelta(days=UPCOMING_DAYS)))
        .count()
    )
    return Todo("meetings", _("近 30 天的大会会议"), n, reverse("activities:session_list"))


def _upcoming_activities(user, today):
    end = today + timedelta(days=UPCOMING_DAYS)
    n = activities_visible_to(user).filter(date__range=(today, end)).count()
    query = urlencode({"date_from": today.isoformat(), "date_to": end.isoformat()})
    return Todo("activities", _("近 30 天的履职活动"), n,
                reverse("activities:activity_list") + "?" + query)  # fmt: skip


def _unanswered_messages(user, today):
    """群众留言 (代表码) with no reply and no referral after CITIZEN_UNANSWERED_DAYS days: the
    deputy's own; the town staff's delegation's; all for office staff."""
    from citizens import selectors

    n = selectors.unanswered(selectors.messages_visible_to(user), today).count()
    return Todo("citizen_messages", _("超期未答复的群众留言"), n,
                reverse("citizens:inbox") + "?status=overdue")  # fmt: skip


# Each role's items, in the order shown.
BY_ROLE = {
    Role.OFFICE_STAFF: [_pending_reviews, _open_flags, _overdue_replies, _upcoming_meetings,
                        _upcoming_activities],
    Role.TOWN_STAFF: [_pending_reviews, _open_flags, _overdue_replies, _unanswered_messages,
                      _upcoming_meetings, _upcoming_activities],
    Role.GROUP_LEADER: [_pending_reviews],
    Role.DEPUTY: [_to_evaluate, _invitations_to_answer, _unanswered_messages],
    Role.DELEGATION_HEAD: [_leave_queue, _upcoming_meetings],
    Role.SECRETARY_GENERAL: [_leave_queue, _upcoming_meetings],
    Role.LEADERSHIP: [_overdue_replies, _upcoming_meetings, _upcoming_activities],
    Role.QUALIFICATION: [_upcoming_meetings],
    Role.COMMITTEE_STAFF: [_upcoming_activities],
}  # fmt: skip


def todo_items(user, today=None) -> list[Todo]:
    """What waits for `user`: each item of each of their roles, once."""
    today = today or timezone.localdate()
    roles = user_scope(user).roles
    seen, items = set(), []
    for role, selectors in BY_ROLE.items():
        if role not in roles:
            continue
        for selector in selectors:
            if selector not in seen:
                seen.add(selector)
                items.append(selector(user, today))
    return items
