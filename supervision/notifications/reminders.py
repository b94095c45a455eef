"""What the scheduled jobs tell people: the shortfall reminders (quarter ends and 1 November),
the December reminder for group annual reports (Art. 26) and the year-end feedback.

Each builds one digest per person per run (a group leader who is also a deputy gets one
message with both parts) and hands them to notifications.send, whose (recipient, kind,
period) key makes a repeated run a no-op. Reads are a fixed number of queries.

Choice: 预警 items (a term rule behind in the second-to-last year, or a rule behind the pace
of the running year) are included in the reminders, labelled 预警, but get no ShortfallFlag:
only 未达标 is a shortfall, and only an ended period has one (DESIGN "Status as of a date");
进行中 items are not reminded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy, DeputyGroup, Role, RoleAssignment
from supervision.evaluation import compliance
from supervision.evaluation.compliance import (
    DeputyEvaluation,
    Evaluation,
    RuleResult,
    Status,
    evaluate_year,
)
from supervision.models import ExportJob, GroupAnnualReport
from supervision.notifications.scan import ScanResult, scan_shortfalls
from supervision.notifications.services import Message, SendResult, office_staff_ids, send
from supervision.rules import Period

KIND_SHORTFALL = "shortfall-reminder"
KIND_GROUP_REPORT = "group-report-reminder"
KIND_FEEDBACK = "year-end-feedback"
KIND_FEEDBACK_READY = "feedback-sheets-ready"

REMINDED = (Status.SHORTFALL, Status.WARNING)


@dataclass
class RunReport:
    """What a job did, for its JobRun detail."""

    period: str
    sent: SendResult = field(default_factory=SendResult)
    recipients: int = 0
    deputies_without_account: int = 0
    groups_without_leader_account: int = 0

    def __str__(self) -> str:
        return (
            f"{self.period}: {self.recipients} recipients ({self.sent}); "
            f"{self.deputies_without_account} deputies without an account skipped; "
            f"{self.groups_without_leader_account} groups without a leader account"
        )


def quarter_period(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def november_period(day: date) -> str:
    return f"{day.year}-11-01"


def group_report_period(year: int) -> str:
    return f"{year}-12-group-report"


# --- who leads which group ---------------------------------------------------------------------


def deputy_users(deputy_ids) -> dict[int, int | None]:
    return dict(Deputy.objects.filter(pk__in=deputy_ids).values_list("pk", "user_id"))


def group_leader_users(group_ids) -> dict[int, set[int]]:
    """group id -> user ids of its leaders: the leader deputy's account and anyone holding
    the 代表小组组长 role for the group (two queries)."""
    leaders: dict[int, set[int]] = defaultdict(set)
    for group_id, user_id in DeputyGroup.objects.filter(
        pk__in=group_ids, leader__user__isnull=False
    ).values_list("pk", "leader__user_id"):
        leaders[group_id].add(user_id)
    for group_id, user_id in RoleAssignment.objects.filter(
        role=Role.GROUP_LEADER, group_id__in=group_ids, user__is_active=True
    ).values_list("group_id", "user_id"):
        leaders[group_id].add(user_id)
    return leaders


# --- shortfall reminders -----------------------------------------------------------------------


def _item(result: RuleResult, since) -> str:
    line = _("%(name)s（%(article)s）：%(text)s，%(status)s") % {
        "name": result.rule.short_name,
        "article": result.rule.article_text,
        "text": result.text,
        "status": result.status.label,
    }
    if since is not None:
        line += _("，自 %(date)s 起") % {"date": timezone.localtime(since).date().isoformat()}
    elif result.status == Status.WARNING and result.rule.period == Period.TERM:
        line += _("（届期要求，请在本届任期结束前完成）")
    elif result.status == Status.WARNING:
        line += _("（进度落后，请在本年度结束前完成）")
    return "· " + line


def _open_items(row: DeputyEvaluation, scan: ScanResult) -> list[str]:
    return [
        _item(result, scan.open_since.get((row.deputy.pk, result.rule.code)))
        for result in row.results
        if result.status in REMINDED
    ]


def shortfall_reminders(period: str, year: int | None = None, today: date | None = None):
    """Scan, then remind every deputy with open items and every leader of their groups."""
    today = today or compliance.as_of_today()
    scan = scan_shortfalls(year or today.year, as_of=today)
    rows = [row for row in scan.evaluation.rows if any(r.status in REMINDED for r in row.results)]
    users = deputy_users([row.deputy.pk for row in rows])
    leaders = group_leader_users({row.deputy.group_id for row in rows if row.deputy.group_id})
    report = RunReport(period=period)

    own: dict[int, list[str]] = defaultdict(list)
    members: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        items = _open_items(row, scan)
        user_id = users.get(row.deputy.pk)
        if user_id:
            own[user_id].extend(items)
        else:
            report.deputies_without_account += 1
        group = row.deputy.group
        if group is None:
            continue
        summary = "、".join(
            f"{r.rule.short_name}（{r.status.label}）" for r in row.results if r.status in REMINDED
        )
        for leader_id in leaders.get(group.pk, ()):
            members[leader_id][group.name].append(f"· {row.deputy.name}：{summary}")
    report.groups_without_leader_account = len(
        {row.deputy.group_id for row in rows if row.deputy.group_id}
        - {g for g, ids in leaders.items() if ids}
    )

    subject = _("%(year)s年履职提醒（%(period)s）") % {"year": scan.year, "period": period}
    messages = []
    for user_id in own.keys() | members.keys():
        parts = []
        if own.get(user_id):
            parts.append(
                _("截至 %(date)s，您在 %(year)s 年度有以下履职要求尚未完成：")
                % {"date": today.isoformat(), "year": scan.year}
            )
            parts.extend(own[user_id])
            parts.append(_("请及时参加相关履职活动；如记录有误，请联系所在代表团或人事代表工委。"))
        for group_name, lines in sorted(members.get(user_id, {}).items()):
            if parts:
                parts.append("")
            parts.append(
                _("您担任组长的%(group)s有以下代表尚有未完成的履职要求：") % {"group": group_name}
            )
            parts.extend(lines)
        messages.append(Message(user_id, subject, "\n".join(parts)))
    report.recipients = len(messages)
    report.sent = send(KIND_SHORTFALL, period, messages)
    return report


# --- group annual reports (Art. 26) -------------------------------------------------------------


def group_report_reminders(year: int) -> RunReport:
    """Remind the leaders of groups whose annual report for `year` is not in."""
    period = group_report_period(year)
    report = RunReport(period=period)
    submitted = GroupAnnualReport.objects.filter(year=year, submitted_date__isnull=False)
    groups = list(
        DeputyGroup.objects.filter(
            term__start_date__lte=date(year, 12, 31), term__end_date__gte=date(year, 1, 1)
        )
        .exclude(pk__in=submitted.values("group_id"))
        .values_list("pk", "name")
    )
    leaders = group_leader_users([pk for pk, _name in groups])
    by_user: dict[int, list[str]] = defaultdict(list)
    for pk, name in groups:
        if not leaders.get(pk):
            report.groups_without_leader_account += 1
        for user_id in leaders.get(pk, ()):
            by_user[user_id].append(name)
    subject = _("%(year)s年度代表小组年度报告尚未报送") % {"year": year}
    messages = [
        Message(
            user_id,
            subject,
            _(
                "根据《代表履职规定》第二十六条，代表小组应于 %(year)s 年 12 月 31 日前向人事代表"
                "工委报送本小组代表向选民述职情况的年度报告。以下小组尚未报送：%(groups)s。"
            )
            % {"year": year, "groups": "、".join(sorted(names))},
        )
        for user_id, names in by_user.items()
    ]
    report.recipients = len(messages)
    report.sent = send(KIND_GROUP_REPORT, period, messages)
    return report


# --- year-end feedback -------------------------------------------------------------------------


def feedback_job(year: int) -> ExportJob:
    """The one district-wide year-end feedback zip of `year`: a redelivered or repeated run
    finds and finishes the same job instead of starting another."""
    job = (
        ExportJob.objects.filter(
            kind=ExportJob.Kind.FEEDBACK_ZIP,
            year=year,
            created_by__isnull=True,
            term__isnull=True,
            delegation__isnull=True,
        )
        .exclude(state=ExportJob.State.FAILED)
        .order_by("pk")
        .first()
    )
    if job and not job.scheduled:
        ExportJob.objects.filter(pk=job.pk).update(scheduled=True)
        job.scheduled = True
    return job or ExportJob.objects.create(
        kind=ExportJob.Kind.FEEDBACK_ZIP, year=year, scheduled=True
    )


def _feedback_body(row: DeputyEvaluation) -> str:
    lines = [
        _("%(name)s代表，您 %(year)s 年度的履职情况如下（完整反馈表由人事代表工委发送）：")
        % {"name": row.deputy.name, "year": row.year}
    ]
    for result in row.results:
        if result.applies:
            lines.append(f"· {result.rule.short_name}：{result.text}，{result.status.label}")
    if row.meets_all:
        lines.append(_("本年度各项履职要求均已达标，感谢您的辛勤履职。"))
    else:
        lines.append(_("未达标项：%(names)s。") % {"names": row.shortfall_names})
    return "\n".join(lines)


def year_end_feedback(year: int, job: ExportJob, evaluation: Evaluation | None = None):
    """Tell every deputy with an account their year in one message, and the office that the
    feedback-sheet zip is ready for download."""
    evaluation = evaluation or evaluate_year(year)
    users = deputy_users([row.deputy.pk for row in evaluation.rows])
    report = RunReport(period=str(year))
    messages = []
    for row in evaluation.rows:
        user_id = users.get(row.deputy.pk)
        if not user_id:
            report.deputies_without_account += 1
            continue
        subject = _("%(year)s年度履职情况反馈") % {"year": year}
        messages.append(Message(user_id, subject, _feedback_body(row)))
    report.recipients = len(messages)
    report.sent = send(KIND_FEEDBACK, str(year), messages)
    url = reverse("evaluation:job", args=[job.pk])
    office = [
        Message(
            user_id,
            _("%(year)s年度履职情况反馈表已生成") % {"year": year},
            _("全区 %(count)s 名代表的年度履职情况反馈表已打包，可在任务页面下载。")
            % {"count": job.total},
            url,
        )
        for user_id in office_staff_ids()
    ]
    office_sent = send(KIND_FEEDBACK_READY, str(year), office)
    report.recipients += len(office)
    report.sent.created += office_sent.created
    report.sent.emailed += office_sent.emailed
    report.sent.failed += office_sent.failed
    return report
