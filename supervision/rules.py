"""The quotas of the regulation, as data (DESIGN.md, "The rules").

One declaration per rule, in the table order of DESIGN.md: that order is the column order of
the evaluation workbook and the order of 未达标项. Every page, export and job reads the rules
from here; nothing else hard-codes a quota. To add a rule that counts attended activities of
some types, add one line; a new kind of counting needs a counter in compliance.py.
"""

from dataclasses import dataclass
from enum import StrEnum

from activities.models import ActivityType


class Period(StrEnum):
    YEAR = "year"
    TERM = "term"


class Counts(StrEnum):
    """What a rule counts; compliance.py has one counter per kind."""

    SESSION_ATTENDANCE = "session_attendance"  # 出席 or approved 请假, out of the roll
    SPEECHES = "speeches"
    ACTIVITIES = "activities"  # 出席 participation in activities of the rule's types
    CONSTITUENTS = "constituents"  # distinct constituents reached `times` times
    LIAISON_DEPUTIES = "liaison_deputies"  # SC members: distinct deputies reached `times` times
    PROPOSALS = "proposals"  # led or co-signed, not withdrawn
    CONSTITUENCY_REPORTS = "constituency_reports"


class Art29(StrEnum):
    """Grounds for proposing 约谈/告诫 (Art. 29, DESIGN.md "Interview/warning candidates")."""

    ABSENCE = "absence"  # an unexcused absence (缺席) from a session meeting in the year
    COLLECTIVE = "collective"  # no attended activity under all COLLECTIVE rules together
    CONTACT = "contact"  # the rule not met
    PROPOSAL = "proposal"  # in the term's last year, none counted in the term


@dataclass(frozen=True)
class Rule:
    code: str
    articles: tuple[int, ...]
    short_name: str  # used verbatim as the export column header
    period: Period
    counts: Counts
    quota: int | None  # None: all (the deputy's whole session roll)
    activity_types: tuple[str, ...] = ()
    times: int | None = None  # for CONSTITUENTS / LIAISON_DEPUTIES: contacts each
    description: str = ""
    art29: "Art29 | None" = None  # the Art. 29 interview/warning reason this rule grounds

    @property
    def article_text(self) -> str:
        return "、".join(f"第{n}条" for n in self.articles)


A = ActivityType

RULES: tuple[Rule, ...] = (
    Rule("ART7_SESSION", (5, 7), "出席大会", Period.YEAR, Counts.SESSION_ATTENDANCE, None,
         description="出席或经批准请假的大会会议数 / 名单内的大会会议数", art29=Art29.ABSENCE),
    Rule("ART8_SPEECH", (8,), "大会发言", Period.YEAR, Counts.SPEECHES, 1,
         description="在代表团组会议上发言次数（仅适用于当年有大会会议名单的代表，不按任职时间折算）"),
    Rule("ART11_SC_ACTIVITY", (11,), "常委会组织活动", Period.YEAR, Counts.ACTIVITIES, 2,
         (A.RESEARCH, A.INSPECTION, A.LAW_ENFORCEMENT),
         description="参加专题调研、集中视察、执法检查", art29=Art29.COLLECTIVE),
    Rule("ART12_SC_MEETING", (12,), "列席常委会会议", Period.TERM, Counts.ACTIVITIES, 2,
         (A.SC_MEETING, A.FORUM), description="列席常委会会议或参加代表座谈会"),
    Rule("ART12_GOV_ACTIVITY", (12,), "一府一委两院活动", Period.TERM, Counts.ACTIVITIES, 2,
         (A.GOVERNMENT,), description="列席或参加一府一委两院会议活动"),
    Rule("ART13_TRAINING", (13,), "履职学习培训", Period.YEAR, Counts.ACTIVITIES, 1,
         (A.TRAINING,), description="参加履职学习培训"),
    Rule("ART14_GROUP_ACTIVITY", (14,), "代表小组活动", Period.YEAR, Counts.ACTIVITIES, 2,
         (A.GROUP,), description="参加代表小组活动", art29=Art29.COLLECTIVE),
    Rule("ART15_VOTERS", (15,), "联系选民", Period.YEAR, Counts.CONSTITUENTS, 5, times=2,
         description="联系的选区选民人数（每人沟通联系次数达到要求）", art29=Art29.CONTACT),
    Rule("ART15_SC_LIAISON", (15,), "联系代表", Period.YEAR, Counts.LIAISON_DEPUTIES, 3, times=2,
         description="常委会组成人员联系的代表人数（每人沟通联系次数达到要求）"),
    Rule("ART16_RECEPTION", (16,), "家站点接待", Period.YEAR, Counts.ACTIVITIES, 2,
         (A.RECEPTION,), description="参加家站点接待人民群众活动"),
    Rule("ART18_PROPOSAL", (18,), "议案建议", Period.TERM, Counts.PROPOSALS, 2,
         description="领衔或附议提出的议案建议（撤回的不计）", art29=Art29.PROPOSAL),
    Rule("ART26_REPORT", (26,), "向选民述职", Period.TERM, Counts.CONSTITUENCY_REPORTS, 1,
         description="向原选区选民报告履职情况"),
)  # fmt: skip

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def scaled(quota: int, active_days: int, period_days: int) -> int:
    """ceil(quota × active/period) in integers (DESIGN.md "Time in office"); 0 when inactive."""
    if active_days <= 0 or period_days <= 0:
        return 0
    return (quota * active_days + period_days - 1) // period_days
