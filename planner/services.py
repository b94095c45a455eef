"""Writes of the planner app: a group leader's reminder to the members behind on the rules."""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from deputies.models import Deputy, DeputyGroup
from supervision.evaluation import compliance
from supervision.groups.selectors import group_table
from supervision.notifications.services import Outcome, notify

from .models import GroupReminder
from .selectors import behind_members


@dataclass
class ReminderResult:
    reminder: GroupReminder | None
    reminded: int  # members notified
    without_account: int  # chosen and behind, but with no account to notify
    ignored: int  # chosen but not (or no longer) behind, or not in the group


def _body(leader_name: str, year: int, rules) -> str:
    lines = [
        _(
            "代表小组组长%(name)s提醒您：截至今日，您%(year)s年的以下履职要求尚未达到进度，请及时参加相关活动并填报。"
        )
        % {"name": leader_name, "year": year}
    ]
    for r in rules:
        lines.append(f"· {r.rule.short_name}（{r.rule.article_text}）：{r.text}，{r.status.label}")
    return "\n".join(lines)


def remind_behind_members(user, group: DeputyGroup, deputy_ids: list[int]) -> ReminderResult:
    """Notify the chosen members of `group` who are behind on any rule as of today, and record
    who sent it, when and to whom (one transaction). The caller has checked that the user
    leads the group (planner.selectors.groups_led_by). Members not behind are left out."""
    today = compliance.as_of_today()
    table = group_table(group, today.year, today)
    wanted = set(deputy_ids)
    behind = [(m, rules) for m, rules in behind_members(table.members) if m.deputy.pk in wanted]
    accounts = dict(
        Deputy.objects.filter(pk__in=[m.deputy.pk for m, _r in behind]).values_list("pk", "user_id")
    )
    reachable = [(m, rules) for m, rules in behind if accounts.get(m.deputy.pk)]
    ignored = len(wanted) - len(behind)
    if not reachable:
        return ReminderResult(None, 0, len(behind), ignored)
    leader = group.leader.name if group.leader else user.get_username()
    with transaction.atomic():
        reminder = GroupReminder.objects.create(group=group, year=today.year, sent_by=user)
        reminder.recipients.set([m.deputy.pk for m, _r in reachable])
        url = reverse("deputies:mine")
        notify(
            Outcome(
                recipient_id=accounts[m.deputy.pk],
                kind="group_reminder",
                period=f"reminder-{reminder.pk}",
                subject=_("代表小组组长提醒：您有%(n)s项履职要求尚未达到进度") % {"n": len(rules)},
                body=_body(leader, today.year, rules),
                url=url,
            )
            for m, rules in reachable
        )
    return ReminderResult(reminder, len(reachable), len(behind) - len(reachable), ignored)
