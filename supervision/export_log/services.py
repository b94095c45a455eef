"""Who exported what, and when (个人信息保护法): one ExportLog row for every download or
generated file holding personal data, and the reads behind the log page.

Every list's xlsx goes through jdrenda.listing.xlsx_response, which calls log_export; the
evaluation workbook, the feedback sheets (zip, a deputy's own) and the management commands
call it themselves. A row is written only once the file is built: a failed export leaves none.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jdrenda.params import clean_text, date_param, text_param
from jdrenda.people import display_user
from supervision.models import ExportLog

# Kinds written by code other than the lists (a list's kind is its URL name, e.g.
# "deputies.list"; its description names the list).
KIND_LABELS = {
    "evaluation": gettext_lazy("年度履职评价工作簿"),
    "evaluation_job": gettext_lazy("年度履职评价工作簿（后台生成）"),
    "feedback_zip": gettext_lazy("全部年度履职情况反馈表（zip）"),
    "job_download": gettext_lazy("下载后台生成的文件"),
    "feedback_own": gettext_lazy("本人年度履职情况反馈表"),
    "performance_file": gettext_lazy("代表履职档案（PDF）"),
    "report_draft": gettext_lazy("述职报告草稿"),
    "feedback_sheets": gettext_lazy("年度履职情况反馈表（命令行）"),
    "backup": gettext_lazy("数据库备份（命令行）"),
    "supervision.export_log": gettext_lazy("导出记录"),
    "briefings.export": gettext_lazy("通报阅读情况"),
    "api": gettext_lazy("开放接口（接口客户端的请求）"),
    # The lists' xlsx: the kind is the list's URL name, the label its page title.
    "deputies.list": gettext_lazy("代表名册"),
    "deputies.constituents_xlsx": gettext_lazy("代表联系选民名单"),
    "activities.session_list": gettext_lazy("大会列表"),
    "activities.leave_list": gettext_lazy("请假申请"),
    "activities.leave_queue": gettext_lazy("待审批请假申请"),
    "activities.speech_list": gettext_lazy("大会发言"),
    "activities.activity_list": gettext_lazy("履职活动"),
    "activities.communication_list": gettext_lazy("联系选民"),
    "activities.liaison_list": gettext_lazy("联系代表"),
    "activities.opinion_list": gettext_lazy("社情民意"),
    "proposals.proposal_list": gettext_lazy("议案建议"),
    "supervision.report_list": gettext_lazy("向选民述职"),
    "supervision.group_report_list": gettext_lazy("代表小组年度报告"),
    "supervision.interview_list": gettext_lazy("约谈告诫"),
    "supervision.candidates": gettext_lazy("约谈告诫建议名单"),
    "supervision.award_list": gettext_lazy("评比表彰"),
    "supervision.award_candidates": gettext_lazy("评比表彰候选名单"),
    "supervision.points": gettext_lazy("履职积分"),
    "supervision.group_list": gettext_lazy("代表小组履职"),
    "supervision.review_list": gettext_lazy("代表填报"),
    "supervision.flags": gettext_lazy("错重漏反馈"),
}
COMMAND_LINE = "命令行"
SCHEDULED = "定时任务"


def command_username() -> str:
    """命令行（the OS user）: who ran a management command."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        who = ""
    return f"{COMMAND_LINE}（{who}）" if who else COMMAND_LINE


def client_ip(request) -> str | None:
    """REMOTE_ADDR: behind the reverse proxy this is the proxy unless it sets it (nginx's
    real_ip module); X-Forwarded-For is not trusted here, a client can write anything in it."""
    address = (request.META.get("REMOTE_ADDR") or "").strip()
    return address or None


def log_export(
    request, kind: str, description: str, rows: int | None, masked: bool = True
) -> ExportLog:
    """Record one export by the signed-in user of `request`. `masked` says whether personal
    fields in the file are masked (or absent); False when full phones/addresses went out."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return ExportLog.objects.create(
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "",
        kind=kind[:60],
        description=description[:500],
        rows=rows,
        masked=masked,
        ip_address=client_ip(request),
    )


def log_unattended_export(
    kind: str, description: str, rows: int | None, masked: bool = True, user=None, username=""
) -> ExportLog:
    """An export with no request: a management command (username 命令行（OS user）), a job
    run by a worker for the user who started it, or a scheduled job (定时任务)."""
    return ExportLog.objects.create(
        user=user,
        username=(user.get_username() if user else username or command_username())[:150],
        kind=kind[:60],
        description=description[:500],
        rows=rows,
        masked=masked,
    )


def evaluation_description(year: int, term=None, delegation=None) -> str:
    text = _("%(y)s年度") % {"y": year}
    if term is not None:
        text += _("，届次：%(t)s") % {"t": term}
    if delegation is not None:
        text += _("，代表团：%(d)s") % {"d": delegation}
    return text


def job_description(job) -> str:
    """What a background job's file holds: its kind, year, term and delegation, file name."""
    from pathlib import Path

    text = f"{job.get_kind_display()}，{evaluation_description(job.year, job.term, job.delegation)}"
    if job.file:
        text += f"，{Path(job.file).name}"
    return text


def log_job_export(job, kind: str, rows: int | None, scheduled: bool = False) -> ExportLog:
    """A file a background job generated, for the user who started it (定时任务 when the
    schedule did)."""
    return log_unattended_export(
        kind,
        job_description(job),
        rows,
        user=job.created_by,
        username=SCHEDULED if scheduled or job.created_by is None else "",
    )


def kind_label(kind: str) -> str:
    """The Chinese name of what was exported; a kind with no label yet (a list added later)
    reads 其他导出 rather than its URL name."""
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else _("其他导出")


def describe_query(title: str, request, labels: dict[str, str] | None = None) -> str:
    """A list's description: its title and the filters in the query string, in Chinese where
    the key is a common one (年度=2025，代表团=3)."""
    names = {**FILTER_LABELS, **(labels or {})}
    parts = []
    for key in request.GET:
        if key in ("format", "page"):
            continue
        value = ",".join(clean_text(v) for v in request.GET.getlist(key) if clean_text(v))
        if value:
            parts.append(f"{names.get(key, key)}={value}")
    return f"{title}（{'，'.join(parts)}）" if parts else title


FILTER_LABELS = {
    "q": "搜索",
    "year": "年度",
    "term": "届次",
    "delegation": "代表团",
    "group": "代表小组",
    "status": "状态",
    "compliance": "达标",
    "kind": "类型",
    "method": "联系方式",
    "date_from": "起始日期",
    "date_to": "截止日期",
    "sort": "排序",
    "user": "导出人",
}


# --- the log page -----------------------------------------------------------------------------


@dataclass
class LogFilters:
    user: str = ""
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_request(cls, request) -> LogFilters:
        return cls(
            user=text_param(request, "user"),
            kind=text_param(request, "kind"),
            date_from=date_param(request, "date_from"),
            date_to=date_param(request, "date_to"),
        )


def export_logs(filters: LogFilters) -> QuerySet:
    """The log, newest first, narrowed by user name, kind and day (dates inclusive)."""
    qs = ExportLog.objects.select_related("user")
    if filters.user:
        qs = qs.filter(username__icontains=filters.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.date_from:
        qs = qs.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(at__date__lte=filters.date_to)
    return qs.order_by("-at", "-pk")


def logged_kinds() -> list[tuple[str, str]]:
    """(kind, label) of every kind in the log, for the filter."""
    kinds = ExportLog.objects.order_by("kind").values_list("kind", flat=True).distinct()
    return [(kind, kind_label(kind)) for kind in kinds]


def masked_text(masked: bool) -> str:
    return _("是") if masked else _("否（含完整联系方式）")


def export_log_table(logs) -> tuple[list[str], object]:
    """The export log's xlsx download: header and rows, each person looked up once."""
    header = [_("导出时间"), _("导出人"), _("导出内容"), _("说明"), _("行数"), _("已脱敏"),
              _("IP 地址")]  # fmt: skip
    names = {}

    def who(log):
        if log.user is None:
            return log.username
        if log.user_id not in names:
            names[log.user_id] = display_user(log.user)
        return names[log.user_id]

    rows = (
        [
            timezone.localtime(log.at).strftime("%Y-%m-%d %H:%M:%S"),
            who(log),
            kind_label(log.kind),
            log.description,
            log.rows,
            masked_text(log.masked),
            log.ip_address or "",
        ]
        for log in logs
    )
    return header, rows
