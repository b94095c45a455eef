"""The ledger workbook's sheets, columns and fixed vocabularies (DESIGN.md, the import contract).

The header text here is the contract: the template writes it and the importer matches it.
"""

import re
import unicodedata
from dataclasses import dataclass

from activities.models import ActivityType, Attendance, AttendanceStatus, ContactMethod, Meeting
from proposals.models import Proposal, Satisfaction
from supervision.models import ConstituencyReport


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = False
    note: str = ""  # shown in the template's header comment, never part of the header text
    vocabulary: tuple[str, ...] = ()


def _labels(choices) -> tuple[str, ...]:
    return tuple(str(label) for _value, label in choices.choices)


def _by_label(choices) -> dict[str, str]:
    return {str(label): value for value, label in choices.choices}


YES_NO = ("是", "否")
GENDERS = ("男", "女")

MEETING_KINDS = _by_label(Meeting.Kind)
ATTENDANCE = _by_label(AttendanceStatus)
LEAVE_REASONS = _by_label(Attendance.LeaveReason)
# Art. 5's own wording of the three reasons, accepted as well (the dropdown offers the labels).
LEAVE_REASON_ALIASES = {
    "公务出国、出境": Attendance.LeaveReason.ABROAD,
    "公务出国出境": Attendance.LeaveReason.ABROAD,
    "参加全国、市委、市政府召开的重要会议和活动": Attendance.LeaveReason.IMPORTANT,
    "重要会议和活动": Attendance.LeaveReason.IMPORTANT,
    "因病或其他特殊情况": Attendance.LeaveReason.ILLNESS,
}
ACTIVITY_TYPES = _by_label(ActivityType)
CONTACT_METHODS = _by_label(ContactMethod)
PROPOSAL_KINDS = _by_label(Proposal.Kind)
PROPOSAL_STATUSES = _by_label(Proposal.Status)
SATISFACTION = _by_label(Satisfaction)
REPORT_FORMS = _by_label(ConstituencyReport.Form)

TERMS = "届次"
ROSTER = "代表名册"
SUSPENSIONS = "暂停职务"
MEETINGS = "大会会议"
SPEECHES = "大会发言"
ACTIVITIES = "履职活动"
VOTERS = "联系选民"
LIAISON = "联系代表"
PROPOSALS = "议案建议"
REPORTS = "向选民述职"

SHEETS: dict[str, tuple[Column, ...]] = {
    TERMS: (
        Column("名称", True),
        Column("开始日期", True),
        Column("结束日期", True),
    ),
    ROSTER: (
        Column("代表编号", True),
        Column("姓名", True),
        Column("代表团", True),
        Column("代表小组"),
        Column("性别", vocabulary=GENDERS),
        Column("出生日期"),
        Column("民族"),
        Column("政治面貌"),
        Column("工作单位及职务"),
        Column("选区"),
        Column("手机号码"),
        Column("常委会组成人员", note="是/否，空白为否", vocabulary=YES_NO),
        Column("任职开始日期", note="空白为届次开始日期"),
        Column("任职结束日期", note="空白为仍在任"),
    ),
    SUSPENSIONS: (
        Column("代表编号", True),
        Column("开始日期", True),
        Column("结束日期", note="空白为仍在暂停"),
    ),
    MEETINGS: (
        Column("会议名称", True),
        Column("会议类型", True, vocabulary=tuple(MEETING_KINDS)),
        Column("日期", True),
        Column("代表编号", True),
        Column("出席情况", True, vocabulary=tuple(ATTENDANCE)),
        Column("请假事由", vocabulary=tuple(LEAVE_REASONS)),  # aliases: LEAVE_REASON_ALIASES
    ),
    SPEECHES: (
        Column("日期", True),
        Column("代表编号", True),
        Column("会议名称"),
        Column("发言主题"),
    ),
    ACTIVITIES: (
        Column("活动名称", True),
        Column("活动类型", True, vocabulary=tuple(ACTIVITY_TYPES)),
        Column("日期", True),
        Column("代表编号", True),
        Column("组织单位"),
        Column("参加情况", note="空白为出席", vocabulary=tuple(ATTENDANCE)),
    ),
    VOTERS: (
        Column("日期", True),
        Column("代表编号", True),
        Column("选民姓名", True),
        Column("选民电话"),
        Column("联系方式", vocabulary=tuple(CONTACT_METHODS)),
        Column("内容"),
    ),
    LIAISON: (
        Column("日期", True),
        Column("常委会组成人员编号", True),
        Column("代表编号", True),
        Column("联系方式", vocabulary=tuple(CONTACT_METHODS)),
        Column("内容"),
    ),
    PROPOSALS: (
        Column("编号", True),
        Column("类型", True, vocabulary=tuple(PROPOSAL_KINDS)),
        Column("标题", True),
        Column("提出日期", True),
        Column("领衔代表编号", True),
        Column("附议代表编号", note="多个编号用、或逗号分隔"),
        Column("承办单位", note="多个单位用、或逗号分隔"),
        Column("办理状态", note="空白为提交", vocabulary=tuple(PROPOSAL_STATUSES)),
        Column("答复日期", note="承办单位答复的日期，用于按时答复率"),
        Column(
            "满意度",
            note="仅人事代表工委导入历史评价；领衔代表在系统中的评价不被覆盖",
            vocabulary=tuple(SATISFACTION),
        ),
    ),
    REPORTS: (
        Column("日期", True),
        Column("代表编号", True),
        Column("形式", vocabulary=tuple(REPORT_FORMS)),
        Column("内容摘要"),
    ),
}

_TRAILING_NOTE = re.compile(r"(?:\([^()]*\)|（[^（）]*）|\*|＊)$")
_SPACE = re.compile(r"\s+")


def normalise_header(value) -> str:
    """`常委会组成人员 (是/否)`, `代表编号*`, `任职开始日期（默认届次开始）` → the bare name."""
    if value is None:
        return ""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", str(value)))
    while True:
        stripped = _TRAILING_NOTE.sub("", text)
        if stripped == text:
            return text
        text = stripped


_SEPARATORS = re.compile(r"[、,，;；]")


def split_multi(text: str) -> list[str]:
    """Codes or names in one cell: split on 、 , ， ; ； and trim; empty parts dropped."""
    return [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]
