"""The quotas of the regulation, as data (DESIGN.md, "The rules").

The rules are rows of a rule set version (supervision/rulesets: office staff edit them in the
browser); this module is their reader and keeps its public API: `RULES` and `RULES_BY_CODE`
are the rules of the version judging the current year, read from the database and cached
(supervision.rulesets.selectors). An evaluation reads the version judging its own year
(`version_for_year`), and the workbook, feedback sheets and pages name it. BUILTIN_RULES are
the 2024 measures as first declared: the data migration copied them into the first version,
and they judge when no version has been published (an empty database).

The order of a version's rules is the column order of the evaluation workbook and the order
of 未达标项. What a rule counts is one of the kinds below (`Counts`), each with its counter in
compliance.py: a new kind of counting needs code, a new rule or quota does not.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
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

BUILTIN_NAME = "《嘉定区人大代表履职管理办法（试行）》2024"
BUILTIN_SOURCE = "嘉会办发〔2024〕6号（区七届人大常委会第27次主任会议通过）"
BUILTIN_EFFECTIVE = date(2024, 4, 25)  # Art. 31: in force from adoption

BUILTIN_RULES: tuple[Rule, ...] = (
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


@dataclass(frozen=True)
class RuleVersion:
    """The rules of one version, as an evaluation reads them. `pk` None: BUILTIN_RULES."""

    name: str
    rules: tuple[Rule, ...]
    pk: int | None = None
    effective_date: date | None = None
    by_code: dict = field(default=None, compare=False, hash=False)  # type: ignore[assignment]

    def __post_init__(self):
        object.__setattr__(self, "by_code", {rule.code: rule for rule in self.rules})


BUILTIN = RuleVersion(BUILTIN_NAME, BUILTIN_RULES, None, BUILTIN_EFFECTIVE)


# Where versions are read from: supervision.rulesets registers its reader when the app starts
# (SupervisionConfig.ready), so this module imports nothing of the app and stays at the bottom
# of the import graph. Before that (or with no rule set app), the built-in rules judge.
_reader = None


def register_reader(reader) -> None:
    """`reader` has version_for_year(year) and current_version()."""
    global _reader
    _reader = reader


def version_for_year(year: int) -> RuleVersion:
    """The version judging `year` (README 规则与考核): one query, never cached, so an
    evaluation costs the same whatever was read before."""
    return _reader.version_for_year(year) if _reader else BUILTIN


def current_version() -> RuleVersion:
    """The version judging the current year (cached per process, invalidated on save)."""
    return _reader.current_version() if _reader else BUILTIN


class _CurrentRules(Sequence):
    """RULES: the rules of current_version(), read when used (not at import)."""

    def __getitem__(self, index):
        return current_version().rules[index]

    def __len__(self) -> int:
        return len(current_version().rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(current_version().rules)

    def __repr__(self) -> str:
        return f"RULES({current_version().name})"


class _CurrentRulesByCode(Mapping):
    def __getitem__(self, code: str) -> Rule:
        return current_version().by_code[code]

    def __len__(self) -> int:
        return len(current_version().by_code)

    def __iter__(self) -> Iterator[str]:
        return iter(current_version().by_code)


RULES: Sequence[Rule] = _CurrentRules()
RULES_BY_CODE: Mapping[str, Rule] = _CurrentRulesByCode()


def scaled(quota: int, active_days: int, period_days: int) -> int:
    """ceil(quota × active/period) in integers (DESIGN.md "Time in office"); 0 when inactive."""
    if active_days <= 0 or period_days <= 0:
        return 0
    return (quota * active_days + period_days - 1) // period_days
