"""填报→审核 and 错重漏反馈: a deputy's own reports and flags, who reviews them, and the
deputy's own file (我的履职档案).

A self-report counts only once a reviewer confirms it: confirming writes the real record
(a Communication, or an Activity with the deputy's Participation) in the same transaction and
links it on the report. Reviewers: the deputy's group leader, town staff of the deputy's
delegation, office staff — never the deputy themself. Every write checks first and raises
ValidationError with a Chinese message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import services as activity_services
from activities.models import (
    Activity,
    ActivityType,
    AttendanceStatus,
    ContactMethod,
    Participation,
)
from deputies.models import Deputy, DeputyGroup, Role
from deputies.scopes import user_scope
from jdrenda.people import display_user
from proposals.models import Proposal
from supervision.evaluation import compliance
from supervision.evaluation.compliance import evaluate_year
from supervision.evaluation.progress import rule_progress
from supervision.models import RecordFlag, SelfReport
from supervision.notifications import services as notifications
from supervision.reports.feedback import DeputyRecords, build_feedback_workbook, collect_records
from supervision.rules import RULES_BY_CODE, Counts, Period

# Activity types a deputy may report as organised outside the office. Session business and
# receptions have their own paths.
SELF_ACTIVITY_TYPES = [
    (value, label) for value, label in ActivityType.choices if value != ActivityType.RECEPTION
]
UPCOMING_LIMIT = 20

# --- the deputy's own record --------------------------------------------------------------


def own_deputy(user, year: int | None = None) -> Deputy | None:
    """The user's deputy record for the term covering `year` (else their latest)."""
    own = Deputy.objects.filter(user=user).select_related("term", "delegation", "group")
    own = list(own.order_by("-term__start_date"))
    if not own:
        return None
    if year is not None:
        for deputy in own:
            if deputy.term.start_date.year <= year <= deputy.term.end_date.year:
                return deputy
    return own[0]


@dataclass
class RuleEntry:
    result: object  # compliance.RuleResult
    items: list  # [(date, text, state)] from collect_records
    flags: list  # this rule's 错重漏 flags
    na_reason: str = ""
    progress: object | None = None  # progress.RuleProgress: 还差 N 次 and the next activities


def not_applicable_reason(result, row) -> str:
    """Why a rule does not apply to this deputy, in words the deputy understands."""
    rule = result.rule
    days = row.active_days_term if rule.period == Period.TERM else row.active_days_year
    if days <= 0:
        return _("统计期间内不在职或暂停执行代表职务")
    if rule.counts in (Counts.SESSION_ATTENDANCE, Counts.SPEECHES):
        return _("本年度没有列入区人民代表大会会议名单")
    if rule.counts == Counts.LIAISON_DEPUTIES:
        return _("仅适用于常委会组成人员")
    return _("本期间不适用")


@dataclass
class OwnFile:
    deputy: Deputy
    year: int
    years: list[int]
    evaluation: object | None  # DeputyEvaluation, None when not in office that year
    rules: list = field(default_factory=list)  # [RuleEntry]
    year_rules: list = field(default_factory=list)
    term_rules: list = field(default_factory=list)
    proposals: list = field(default_factory=list)  # [(pk, tuple from collect_records)]
    upcoming: list = field(default_factory=list)
    reports: list = field(default_factory=list)  # pending and rejected self-reports
    flags: list = field(default_factory=list)


def own_file(deputy: Deputy, year: int, today: date | None = None) -> OwnFile:
    """Everything the deputy's own page shows, in a fixed number of queries."""
    today = today or compliance.as_of_today()
    years = deputy.term.years()
    # As of today: a running year shows 进行中/预警, never 未达标 (DESIGN "Status as of a date").
    rows = evaluate_year(year, term=deputy.term, deputy_ids=[deputy.pk], as_of=today).rows
    row = rows[0] if rows else None
    records = (collect_records(rows).get(deputy.pk) if row else None) or DeputyRecords()
    flags = list(RecordFlag.objects.filter(deputy=deputy, year=year).order_by("-created_at")[:50])
    file = OwnFile(deputy, year, years, row, flags=flags)
    if row:
        progress = rule_progress(row, deputy)
        for result in row.results:
            entry = RuleEntry(
                result,
                records.by_rule.get(result.rule.code, []),
                [f for f in flags if f.rule_code == result.rule.code],
                "" if result.applies else not_applicable_reason(result, row),
                progress.get(result.rule.code),
            )
            file.rules.append(entry)
            by_period = file.term_rules if result.rule.period == Period.TERM else file.year_rules
            by_period.append(entry)
        numbers = [p[0] for p in records.proposals]
        pks = dict(
            Proposal.objects.filter(term=deputy.term, number__in=numbers).values_list(
                "number", "pk"
            )
        )
        file.proposals = [(pks.get(p[0]), p) for p in records.proposals]
    file.upcoming = list(
        Participation.objects.filter(deputy=deputy, activity__date__gte=today)
        .select_related("activity", "activity__organiser")
        .order_by("activity__date", "activity__name")[:UPCOMING_LIMIT]
    )
    file.reports = label(
        list(
            SelfReport.objects.filter(deputy=deputy)
            .filter(~Q(status=SelfReport.Status.CONFIRMED) | Q(date__year=year))
            .prefetch_related("constituents")
            .order_by("-submitted_at")[:30]
        )
    )
    return file


def label(reports):
    """Give each report the Chinese names of its method and activity type (the model keeps
    them as plain codes)."""
    methods, types = dict(ContactMethod.choices), dict(ActivityType.choices)
    for report in reports:
        report.method_label = methods.get(report.method, "")
        report.type_label = types.get(report.activity_type, "")
    return reports


def feedback_workbook(deputy: Deputy, year: int):
    """The deputy's own year-end feedback sheet, built on request; None when not in office."""
    rows = evaluate_year(year, term=deputy.term, deputy_ids=[deputy.pk]).rows
    if not rows:
        return None, None
    records = collect_records(rows).get(deputy.pk) or DeputyRecords()
    return rows[0], build_feedback_workbook(rows[0], records)


# --- who reviews ----------------------------------------------------------------------------


def reviewable_deputies(user):
    """Deputies whose reports this user may review (excluding the user's own records)."""
    scope = user_scope(user)
    if scope.has(Role.OFFICE_STAFF):
        qs = Deputy.objects.all()
    else:
        q = Q(pk__in=[])
        if scope.has(Role.GROUP_LEADER) and scope.group_ids:
            q |= Q(group_id__in=scope.group_ids)
        if scope.town_staff_delegation_ids:
            q |= Q(delegation_id__in=scope.town_staff_delegation_ids)
        qs = Deputy.objects.filter(q)
    return qs.exclude(user=user) if user.is_authenticated else qs.none()


def is_reviewer(user) -> bool:
    scope = user_scope(user)
    return scope.has(Role.OFFICE_STAFF, Role.TOWN_STAFF, Role.GROUP_LEADER)


def reports_reviewable_by(user):
    if not is_reviewer(user):
        return SelfReport.objects.none()
    return SelfReport.objects.filter(deputy__in=reviewable_deputies(user))


def review_queue(user, status: str, group: int | None):
    """The self-reports `user` reviews, of `status` (when valid) and `group` (when given)."""
    qs = reports_reviewable_by(user)
    if status in SelfReport.Status.values:
        qs = qs.filter(status=status)
    if group:
        qs = qs.filter(deputy__group_id=group)
    return qs.select_related(
        "deputy", "deputy__group", "deputy__delegation", "reviewed_by"
    ).prefetch_related("constituents")


def review_table(qs) -> tuple[list[str], object]:
    """The review queue's xlsx download: header and rows."""
    header = [_("填报时间"), _("代表编号"), _("姓名"), _("代表小组"), _("类型"), _("日期"),
              _("名称或主题"), _("选民"), _("内容"), _("状态"), _("退回原因")]  # fmt: skip
    rows = (
        [
            timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
            r.deputy.code,
            r.deputy.name,
            r.deputy.group.name if r.deputy.group else "",
            r.get_kind_display(),
            r.date,
            r.title,
            "、".join(c.name for c in r.constituents.all()),
            r.content,
            r.get_status_display(),
            r.reject_reason,
        ]  # fmt: skip
        for r in qs
    )
    return header, rows


def review_groups(user):
    """The groups of the deputies `user` reviews (the queue's group filter)."""
    return (
        DeputyGroup.objects.filter(members__in=reviewable_deputies(user))
        .distinct()
        .select_related("delegation")
    )


def pending_for(user):
    """The self-reports waiting for this user's review."""
    return reports_reviewable_by(user).filter(status=SelfReport.Status.PENDING)


def flag_deputies(user):
    """Deputies whose flags this user resolves: office all, town staff their delegation."""
    scope = user_scope(user)
    if scope.has(Role.OFFICE_STAFF):
        return Deputy.objects.all()
    return Deputy.objects.filter(delegation_id__in=scope.town_staff_delegation_ids)


def can_resolve_flags(user) -> bool:
    return user_scope(user).has(Role.OFFICE_STAFF, Role.TOWN_STAFF)


def flags_resolvable_by(user):
    if not can_resolve_flags(user):
        return RecordFlag.objects.none()
    return RecordFlag.objects.filter(deputy__in=flag_deputies(user))


# --- the deputy's writes --------------------------------------------------------------------


def _check_report(report: SelfReport, constituents) -> None:
    deputy = report.deputy
    activity_services.check_record_date(deputy, report.date, field="date")
    if report.kind == SelfReport.Kind.COMMUNICATION:
        if not report.method:
            raise ValidationError({"method": _("请选择联系方式。")})
        if not constituents:
            raise ValidationError({"constituents": _("请至少选择一名选民。")})
        if any(c.deputy_id != deputy.pk for c in constituents):
            raise ValidationError({"constituents": _("所选选民不在您的联系选民名单中。")})
    elif report.kind == SelfReport.Kind.RECEPTION:
        if not report.title.strip():
            raise ValidationError({"title": _("请填写接待地点（家站点名称）。")})
        if not report.content.strip() and not report.no_visitors:
            raise ValidationError({"content": _("请填写接待情况，或勾选“无来访”。")})
        if report.content.strip() and report.no_visitors:
            raise ValidationError({"no_visitors": _("已填写接待情况时不能同时勾选“无来访”。")})
    elif report.kind == SelfReport.Kind.ACTIVITY:
        if report.activity_type not in dict(SELF_ACTIVITY_TYPES):
            raise ValidationError({"activity_type": _("请选择活动类型。")})
        if not report.title.strip():
            raise ValidationError({"title": _("请填写活动名称。")})
    else:
        raise ValidationError(_("未知的填报类型。"))


def submit(user, report: SelfReport, constituents=()) -> SelfReport:
    """A deputy submits (or, after a rejection, resubmits) a report of their own."""
    constituents = list(constituents)
    if report.deputy.user_id != user.pk:
        raise ValidationError(_("只能填报本人的履职情况。"))
    if report.pk and report.status == SelfReport.Status.CONFIRMED:
        raise ValidationError(_("已确认的填报不能修改。"))
    if report.kind != SelfReport.Kind.COMMUNICATION:
        report.method, constituents = "", []
    if report.kind != SelfReport.Kind.RECEPTION:
        report.no_visitors = False
    if report.kind != SelfReport.Kind.ACTIVITY:
        report.activity_type = ""
    _check_report(report, constituents)
    report.status = SelfReport.Status.PENDING
    report.submitted_by = user
    report.reviewed_by, report.reviewed_at = None, None
    with transaction.atomic():
        report.save()
        report.constituents.set(constituents)
    return report


def flag(user, deputy: Deputy, *, year: int, kind: str, comment: str, rule_code="", record=""):
    """错重漏反馈 on the deputy's own file."""
    if deputy.user_id != user.pk:
        raise ValidationError(_("只能对本人的履职记录提出反馈。"))
    if kind not in RecordFlag.Kind.values:
        raise ValidationError({"kind": _("请选择反馈类型。")})
    if rule_code and rule_code not in RULES_BY_CODE:
        raise ValidationError({"rule_code": _("未知的考核项目。")})
    if not comment.strip():
        raise ValidationError({"comment": _("请说明具体情况。")})
    with transaction.atomic():
        return RecordFlag.objects.create(
            deputy=deputy,
            year=year,
            rule_code=rule_code,
            kind=kind,
            record=record[:300],
            comment=comment.strip(),
            created_by=user,
        )


# --- the reviewer's writes ------------------------------------------------------------------


def _reviewable(user, report: SelfReport) -> SelfReport:
    """The report, locked, if this user may review it now."""
    if report.deputy.user_id and report.deputy.user_id == user.pk:
        raise ValidationError(_("不能审核本人的填报。"))
    locked = reports_reviewable_by(user).select_for_update().filter(pk=report.pk).first()
    if locked is None:
        raise ValidationError(_("您无权审核该填报。"))
    if locked.status != SelfReport.Status.PENDING:
        raise ValidationError(_("该填报已审核，请刷新页面。"))
    return locked


def _activity_name(report: SelfReport) -> str:
    title = report.title.strip()
    if report.kind == SelfReport.Kind.RECEPTION and "接待" not in title:
        return f"{title} 家站点接待"
    return title


def _record_participation(report: SelfReport) -> Participation:
    deputy = report.deputy
    kind = (
        ActivityType.RECEPTION if report.kind == SelfReport.Kind.RECEPTION else report.activity_type
    )
    # The same (name, date) is the same activity (DESIGN.md identity): several deputies at
    # one 家站点 on one day share it.
    activity, _created = Activity.objects.get_or_create(
        term=deputy.term,
        name=_activity_name(report)[:200],
        date=report.date,
        defaults={"type": kind, "topic": report.content[:200] if kind != "reception" else ""},
    )
    if activity.type != kind:
        raise ValidationError(
            _("已有同名同日的“%(t)s”活动，类型不一致，请退回代表修改活动名称。")
            % {"t": activity.get_type_display()}
        )
    notes = report.content.strip() if report.kind == SelfReport.Kind.RECEPTION else ""
    existing = Participation.objects.filter(activity=activity, deputy=deputy).first()
    if existing is None:
        return activity_services.add_participant(
            activity, deputy, AttendanceStatus.PRESENT, notes, report.no_visitors, notify=False
        )
    if existing.status == AttendanceStatus.PRESENT:
        raise ValidationError(_("该代表已登记出席此活动，无需重复确认。"))
    return activity_services.update_participation(
        existing, AttendanceStatus.PRESENT, notes, report.no_visitors
    )


def confirm(user, report: SelfReport) -> SelfReport:
    """Confirm: write the real record and link it, all or nothing; the deputy is notified
    (the 填报 → 审核 → 通知 loop: a confirmation is news as much as a rejection)."""
    with transaction.atomic():
        report = _reviewable(user, report)
        if report.kind == SelfReport.Kind.COMMUNICATION:
            comm, _created = activity_services.record_communication(
                report.deputy,
                report.date,
                report.method,
                report.content,
                report.constituents.all(),
            )
            report.communication = comm
        else:
            report.participation = _record_participation(report)
        report.status = SelfReport.Status.CONFIRMED
        report.reviewed_by, report.reviewed_at = user, timezone.now()
        report.save()
        subject = _("您的填报已确认：%(k)s %(d)s") % {
            "k": report.get_kind_display(),
            "d": report.date.isoformat(),
        }
        body = _("审核人：%(by)s\n该记录已计入您的履职档案。") % {"by": display_user(user)}
        _notify_reviewed(report, "self_report_confirmed", subject, body)
    return report


def reject(user, report: SelfReport, reason: str) -> SelfReport:
    """Send the report back with a reason; the deputy is notified and may resubmit."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时请填写原因。")})
    with transaction.atomic():
        report = _reviewable(user, report)
        report.status = SelfReport.Status.REJECTED
        report.reject_reason = reason
        report.reviewed_by, report.reviewed_at = user, timezone.now()
        report.save()
    subject = _("您的填报被退回：%(k)s %(d)s") % {
        "k": report.get_kind_display(),
        "d": report.date.isoformat(),
    }
    body = _("退回原因：%(r)s\n审核人：%(by)s\n请在“我的履职档案”中修改后重新提交。") % {
        "r": reason,
        "by": display_user(user),
    }
    _notify_reviewed(report, "self_report_rejected", subject, body)
    return report


def _notify_reviewed(report: SelfReport, kind: str, subject: str, body: str) -> None:
    # A report may be rejected, resubmitted and reviewed again: each review is its own outcome.
    notifications.notify(
        [
            notifications.Outcome(
                report.deputy.user_id or report.submitted_by_id,
                kind,
                f"sr{report.pk}-{int(report.reviewed_at.timestamp())}",
                subject,
                body,
                reverse("deputies:mine"),
            )
        ]
    )


def resolve(user, record_flag: RecordFlag, resolution: str) -> RecordFlag:
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("请填写处理结果。")})
    with transaction.atomic():
        locked = flags_resolvable_by(user).select_for_update().filter(pk=record_flag.pk).first()
        if locked is None:
            raise ValidationError(_("您无权处理该反馈。"))
        if locked.status == RecordFlag.Status.RESOLVED:
            raise ValidationError(_("该反馈已处理。"))
        locked.status = RecordFlag.Status.RESOLVED
        locked.resolution = resolution
        locked.resolved_by, locked.resolved_at = user, timezone.now()
        locked.save()
        subject = _("您的错重漏反馈已处理：%(k)s") % {"k": locked.get_kind_display()}
        body = _("反馈内容：%(c)s\n处理结果：%(r)s\n处理人：%(by)s") % {
            "c": locked.comment,
            "r": resolution,
            "by": display_user(user),
        }
        notifications.notify(
            [
                notifications.Outcome(
                    locked.deputy.user_id or locked.created_by_id,
                    "flag_resolved",
                    f"flag{locked.pk}",
                    subject,
                    body,
                    reverse("deputies:mine"),
                )
            ]
        )
    return locked
