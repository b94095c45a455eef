"""Validating the whole workbook into a plan of records keyed by their identity keys.

Nothing is written here. Lookups are loaded once (deputies, their service periods and
suspensions, groups) so the number of queries does not grow with the number of rows.
"""

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from django.utils.translation import gettext as _

from activities.models import Activity, Meeting, Speech
from deputies import permissions
from deputies.models import (
    Constituent,
    Delegation,
    Deputy,
    DeputyGroup,
    Organiser,
    ServicePeriod,
    Suspension,
    Term,
)
from proposals.models import HandlingUnit, Proposal
from supervision.ledger import progress
from supervision.ledger import schema as S
from supervision.ledger.cells import CLEAR, CellError, is_clear, parse_date, text
from supervision.ledger.cells import code as norm_code
from supervision.ledger.issues import Issue, LedgerResult, SheetStats
from supervision.ledger.reader import Row, Sheet

PRESENT = S.ATTENDANCE["出席"]
LEAVE = S.ATTENDANCE["请假"]


# A blank cell never erases a stored value (DESIGN.md): it leaves the field as it is. The
# marker （清空） clears it, in these columns only (elsewhere it is a row error).
class _Keep:
    def __repr__(self):
        return "KEEP"


KEEP = _Keep()
CLEARABLE = {
    S.ROSTER: {
        "代表小组", "性别", "出生日期", "民族", "政治面貌", "工作单位及职务", "选区",
        "手机号码", "常委会组成人员", "任职结束日期",
    },
    S.SUSPENSIONS: {"结束日期"},
    S.PROPOSALS: {"附议代表编号", "承办单位", "答复日期"},
}  # fmt: skip
# Columns holding codes: compared after NFKC and trimming (ＪＤ７０ is JD70).
CODE_COLUMNS = {
    "代表编号",
    "常委会组成人员编号",
    "领衔代表编号",
    "附议代表编号",
    "编号",
    "选民电话",
}

# Deputy fields by roster column; the optional ones are written only when their column exists.
ROSTER_FIELDS = {
    "姓名": "name",
    "性别": "gender",
    "出生日期": "birth_date",
    "民族": "ethnicity",
    "政治面貌": "political_affiliation",
    "工作单位及职务": "workplace_title",
    "选区": "constituency",
    "手机号码": "mobile",
    "常委会组成人员": "is_sc_member",
}

# Text stored in length-limited fields: too long is a row error here, with its sheet, row and
# column, rather than a database error at save time (PostgreSQL refuses it, SQLite keeps it).
# (sheet, column) -> (model, field, one value per separated part)
STORED_TEXT = {
    (S.TERMS, "名称"): (Term, "name", False),
    (S.ROSTER, "代表编号"): (Deputy, "code", False),
    (S.ROSTER, "姓名"): (Deputy, "name", False),
    (S.ROSTER, "代表团"): (Delegation, "name", False),
    (S.ROSTER, "代表小组"): (DeputyGroup, "name", False),
    (S.ROSTER, "民族"): (Deputy, "ethnicity", False),
    (S.ROSTER, "政治面貌"): (Deputy, "political_affiliation", False),
    (S.ROSTER, "工作单位及职务"): (Deputy, "workplace_title", False),
    (S.ROSTER, "选区"): (Deputy, "constituency", False),
    (S.ROSTER, "手机号码"): (Deputy, "mobile", False),
    (S.MEETINGS, "会议名称"): (Meeting, "name", False),
    (S.SPEECHES, "会议名称"): (Speech, "meeting_name", False),
    (S.SPEECHES, "发言主题"): (Speech, "topic", False),
    (S.ACTIVITIES, "活动名称"): (Activity, "name", False),
    (S.ACTIVITIES, "组织单位"): (Organiser, "name", False),
    (S.VOTERS, "选民姓名"): (Constituent, "name", False),
    (S.VOTERS, "选民电话"): (Constituent, "phone", False),
    (S.PROPOSALS, "编号"): (Proposal, "number", False),
    (S.PROPOSALS, "标题"): (Proposal, "title", False),
    (S.PROPOSALS, "承办单位"): (HandlingUnit, "name", True),
}


@dataclass
class DeputyInfo:
    """A deputy as the workbook leaves it: the database's record overlaid with the roster."""

    code: str
    delegation: str
    is_sc_member: bool
    periods: dict = field(default_factory=dict)  # start -> end (None = in office)
    suspensions: dict = field(default_factory=dict)  # start -> end
    in_db: bool = False
    # What deputies.permissions asks: the ids of the deputy, its delegation and its group.
    pk: int | None = None
    delegation_id: int | None = None
    group_id: int | None = None


@dataclass
class Plan:
    """Every record of the workbook by identity key, with the row that first gave it."""

    term_name: str = ""
    terms: dict = field(default_factory=dict)  # name -> (start, end)
    term_start: date | None = None
    term_end: date | None = None
    term_in_db: bool = False
    groups: dict = field(default_factory=dict)  # name -> delegation name
    deputies: dict = field(default_factory=dict)  # code -> {"fields", "delegation", "group"}
    periods: dict = field(default_factory=dict)  # (code, start) -> end
    suspensions: dict = field(default_factory=dict)  # (code, start) -> end
    meetings: dict = field(default_factory=dict)  # (name, date) -> kind
    attendances: dict = field(default_factory=dict)  # (name, date, code) -> (status, reason)
    speeches: set = field(default_factory=set)  # (code, date, meeting name, topic)
    activities: dict = field(default_factory=dict)  # (name, date) -> {"type", "organiser"}
    participations: dict = field(default_factory=dict)  # (name, date, code) -> status
    communications: dict = field(default_factory=dict)  # (code, date, method) -> content
    contacts: set = field(default_factory=set)  # (code, voter, phone, date, method)
    liaisons: dict = field(default_factory=dict)  # (member, code, date, method) -> content
    proposals: dict = field(default_factory=dict)  # number -> dict
    reports: dict = field(default_factory=dict)  # (code, date, form) -> summary
    roster_columns: set = field(default_factory=set)
    # Per sheet, the records' keys in row order, each once: the counts come from these.
    keys: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)  # (sheet, key) -> the row that first gave it


class Validator:
    def __init__(self, sheets: dict[str, Sheet], term_name: str, importer=None):
        self.sheets = sheets
        self.plan = Plan(term_name=term_name.strip())
        self.result = LedgerResult(term_name=self.plan.term_name)
        # Whose permissions apply, row by row (deputies.permissions): the uploader in the
        # browser; the command line imports as office staff.
        self.scope = permissions.COMMAND_LINE if importer is None else importer
        self.delegation_ids = dict(Delegation.objects.values_list("name", "pk"))
        self.deputies: dict[str, DeputyInfo] = {}
        self._row_failed = False
        self.failed_codes: set = set()  # roster rows in error, by code
        self._seen: dict = {}  # (sheet, key) -> row number that first gave it
        self.marked: set = set()  # (sheet, row number) with （清空） where it cannot be
        self.plan.rows = self._seen  # the closed-year check names the row

    # -- reporting ------------------------------------------------------------------------

    def error(self, sheet, row, column, message):
        self.result.errors.append(Issue(sheet, row, column, message))
        self._row_failed = True

    def warn(self, sheet, row, column, message):
        self.result.warnings.append(Issue(sheet, row, column, message))
        self.stats(sheet).warnings += 1

    def stats(self, sheet) -> SheetStats:
        if sheet not in self.result.sheets:
            self.result.sheets[sheet] = SheetStats(sheet)
        return self.result.sheets[sheet]

    def first_time(self, sheet, row: Row, key) -> bool:
        """Record the key for the sheet's counts; False (and a warning) for a repeated row."""
        seen = self._seen.get((sheet, key))
        if seen is None:
            self._seen[(sheet, key)] = row.number
            self.plan.keys.setdefault(sheet, []).append(key)
            return True
        return False

    def duplicate(self, sheet, row: Row, key):
        self.stats(sheet).duplicates += 1
        self.warn(
            sheet,
            row.number,
            "",
            _("与第 %(row)s 行重复，只保存一次") % {"row": self._seen[(sheet, key)]},
        )

    # -- cells ----------------------------------------------------------------------------

    def req_text(self, sheet, row: Row, column) -> str:
        value = self.opt_text(row, column)
        if not value:
            self.error(sheet, row.number, column, _("必填项不能为空"))
        return value

    def opt_text(self, row: Row, column) -> str:
        read = norm_code if column in CODE_COLUMNS else text
        return read(row.values.get(column))

    def optional(self, row: Row, column, cleared, read, *args):
        """An optional cell that may update a stored value: KEEP when blank, `cleared` for
        the marker （清空）, else `read(*args)`."""
        value = row.values.get(column)
        if is_clear(value):
            return cleared
        if text(value) == "":
            return KEEP
        return read(*args)

    def listed(self, row: Row, column) -> list[str]:
        """Several codes or names in one cell, each once, in order."""
        return list(dict.fromkeys(S.split_multi(self.opt_text(row, column))))

    def date(self, sheet, row: Row, column, required=False) -> date | None:
        try:
            value = parse_date(row.values.get(column))
        except CellError as exc:
            self.error(sheet, row.number, column, str(exc))
            return None
        if value is None and required:
            self.error(sheet, row.number, column, _("必填项不能为空"))
        return value

    def choice(self, sheet, row: Row, column, mapping: dict, default=None, required=False):
        value = norm_code(row.values.get(column))
        if not value:
            if required:
                self.error(sheet, row.number, column, _("必填项不能为空"))
            return default
        mapping = {norm_code(label): stored for label, stored in mapping.items()} | mapping
        if value not in mapping:
            self.error(
                sheet,
                row.number,
                column,
                _("「%(value)s」不是有效的%(column)s，可选值：%(allowed)s")
                % {"value": value, "column": column, "allowed": "、".join(dict.fromkeys(mapping))},
            )
            return default
        return mapping[value]

    # -- deputies -------------------------------------------------------------------------

    def check_deputy(
        self, sheet, row: Row, column, code, on_date, date_column, who="", may=None, refusal=""
    ) -> bool:
        """The code exists for the term, `may(scope, deputy)` (deputies.permissions) lets the
        importer write this record for it, and it is in office on the date. `refusal` says why
        not; by default, that the deputy is of another delegation."""
        info = self.deputies.get(code)
        prefix = f"{who}「{code}」：" if who else ""
        if info is None and code in self.failed_codes:
            # Its roster row is already reported; repeating it on every record adds nothing.
            self._row_failed = True
            return False
        if info is None:
            self.error(
                sheet, row.number, column, prefix + _("代表编号不存在：%(code)s") % {"code": code}
            )
            return False
        if may is not None and not may(self.scope, info):
            refusal = refusal or _(
                "代表 %(code)s 属于代表团「%(delegation)s」，您无权导入其他代表团代表的记录"
            ) % {"code": code, "delegation": info.delegation}
            self.error(sheet, row.number, column, prefix + refusal)
            return False
        if on_date is None:
            return True
        if not _within(on_date, info.periods):
            self.error(
                sheet,
                row.number,
                date_column,
                prefix
                + _("该日期代表不在任职期间（代表 %(code)s，%(date)s）")
                % {"code": code, "date": on_date.isoformat()},
            )
            return False
        if _within(on_date, info.suspensions):
            self.warn(
                sheet,
                row.number,
                date_column,
                prefix
                + _("该日期代表 %(code)s 处于暂停执行代表职务期间，记录照常保存") % {"code": code},
            )
        return True

    def codes(self, sheet, row: Row, cell: str, on_date, may) -> list[str]:
        """A roll's 代表编号 cell may list several deputies (、 , ， ; ；): each is checked."""
        codes = list(dict.fromkeys(norm_code(part) for part in S.split_multi(cell)))
        several = len(codes) > 1
        for code in codes:
            self.check_deputy(
                sheet, row, "代表编号", code, on_date, "日期", who=_("代表") if several else "",
                may=may,
            )  # fmt: skip
        return codes

    # -- the workbook ---------------------------------------------------------------------

    def run(self) -> tuple[Plan, LedgerResult]:
        for name, sheet in self.sheets.items():
            self.stats(name).rows = len(sheet.rows)
        self.check_lengths()
        self.check_markers()
        self.validate_terms()
        if self.plan.term_start is None:
            return self.plan, self.result
        total = sum(len(sheet.rows) for sheet in self.sheets.values())
        progress.report(progress.VALIDATING, 0, total)
        self.load_deputies()
        self.validate_roster()
        self.validate_suspensions()
        checked = sum(len(self.rows(name)) for name in (S.TERMS, S.ROSTER, S.SUSPENSIONS))
        progress.report(progress.VALIDATING, checked, total)
        for name, method in (
            (S.MEETINGS, self.validate_meetings),
            (S.SPEECHES, self.validate_speeches),
            (S.ACTIVITIES, self.validate_activities),
            (S.VOTERS, self.validate_voters),
            (S.LIAISON, self.validate_liaison),
            (S.PROPOSALS, self.validate_proposals),
            (S.REPORTS, self.validate_reports),
        ):
            for row in self.rows(name):
                self._row_failed = False
                method(name, row)
                checked += 1
                if checked % progress.EVERY == 0:
                    progress.report(progress.VALIDATING, checked, total)
        progress.report(progress.VALIDATING, total, total)
        return self.plan, self.result

    def check_lengths(self):
        for (sheet, column), (model, field_name, multi) in STORED_TEXT.items():
            limit = model._meta.get_field(field_name).max_length
            for row in self.rows(sheet):
                value = text(row.values.get(column))
                if any(len(part) > limit for part in (S.split_multi(value) if multi else [value])):
                    self.error(
                        sheet,
                        row.number,
                        column,
                        _("内容过长，最多 %(limit)s 个字符") % {"limit": limit},
                    )

    def check_markers(self):
        """（清空） only where a stored value may be cleared; elsewhere it is no value."""
        for sheet_name, sheet in self.sheets.items():
            allowed = CLEARABLE.get(sheet_name, set())
            for row in sheet.rows:
                for column, value in row.values.items():
                    if column not in allowed and is_clear(value):
                        self.marked.add((sheet_name, row.number))  # not checked further
                        self.error(
                            sheet_name,
                            row.number,
                            column,
                            _("此列不能填写「%(marker)s」；可清空的列：%(columns)s")
                            % {
                                "marker": CLEAR,
                                "columns": "、".join(sorted(allowed)) or _("（本表没有）"),
                            },
                        )

    def rows(self, name):
        sheet = self.sheets.get(name)
        if not sheet:
            return []
        if not self.marked:
            return sheet.rows
        return [row for row in sheet.rows if (name, row.number) not in self.marked]

    def validate_terms(self):
        sheet = S.TERMS
        for row in self.rows(sheet):
            self._row_failed = False
            name = self.req_text(sheet, row, "名称")
            start = self.date(sheet, row, "开始日期", required=True)
            end = self.date(sheet, row, "结束日期", required=True)
            if self._row_failed:
                continue
            if end <= start:
                self.error(sheet, row.number, "结束日期", _("结束日期须晚于开始日期"))
                continue
            if name in self.plan.terms:
                if self.plan.terms[name] != (start, end):
                    self.error(sheet, row.number, "名称", _("同一届次的起止日期不一致"))
                elif not self.first_time(sheet, row, name):
                    self.duplicate(sheet, row, name)
                continue
            self.first_time(sheet, row, name)
            self.plan.terms[name] = (start, end)
        if not permissions.may_change_term(self.scope) and self.plan.terms:
            existing = dict(
                (name, (start, end))
                for name, start, end in Term.objects.filter(name__in=self.plan.terms).values_list(
                    "name", "start_date", "end_date"
                )
            )
            for name, dates in self.plan.terms.items():
                if existing.get(name) != dates:
                    self.error(
                        sheet,
                        self._seen[(sheet, name)],
                        "名称",
                        _("只有人事代表工委工作人员可以新建或修改届次"),
                    )
        term = Term.objects.filter(name=self.plan.term_name).first()
        self.plan.term_in_db = term is not None
        if self.plan.term_name in self.plan.terms:
            self.plan.term_start, self.plan.term_end = self.plan.terms[self.plan.term_name]
        elif term is not None:
            self.plan.term_start, self.plan.term_end = term.start_date, term.end_date
        else:
            self.result.errors.append(
                Issue(
                    "",
                    0,
                    "",
                    _("届次「%(name)s」不存在：数据库中没有，工作簿的「届次」表中也没有")
                    % {"name": self.plan.term_name},
                )
            )
        self.term = term

    def load_deputies(self):
        self.db_deputy_groups = {}  # code -> its group's name ("" for none)
        # Organisers by name, and the term's meetings and activities as stored: whether the
        # importer may create or change them (deputies.permissions) depends on what exists.
        self.organisers = {
            name: SimpleNamespace(pk=pk, delegation_id=delegation_id)
            for name, pk, delegation_id in Organiser.objects.values_list(
                "name", "pk", "delegation_id"
            )
        }
        self.organisers_by_pk = {o.pk: o for o in self.organisers.values()}
        self.db_meetings, self.db_activities, self.db_groups = {}, {}, {}
        if self.term is None:
            return
        self.db_meetings = dict(
            ((name, day), kind)
            for name, day, kind in Meeting.objects.filter(term=self.term).values_list(
                "name", "date", "kind"
            )
        )
        self.db_activities = {
            (name, day): organiser_id
            for name, day, organiser_id in Activity.objects.filter(term=self.term).values_list(
                "name", "date", "organiser_id"
            )
        }
        self.db_groups = dict(
            DeputyGroup.objects.filter(term=self.term).values_list("name", "delegation__name")
        )
        # Stored codes are compared as the workbook's are: NFKC, trimmed.
        stored = Deputy.objects.filter(term=self.term).values_list(
            "pk", "code", "delegation__name", "delegation_id", "group_id", "is_sc_member",
            "group__name",
        )  # fmt: skip
        for pk, raw, delegation, delegation_id, group_id, is_sc, group in stored:
            code = norm_code(raw)
            self.deputies[code] = DeputyInfo(
                code, delegation, is_sc, in_db=True, pk=pk, delegation_id=delegation_id,
                group_id=group_id,
            )  # fmt: skip
            self.db_deputy_groups[code] = group or ""
        for raw, start, end in ServicePeriod.objects.filter(deputy__term=self.term).values_list(
            "deputy__code", "start_date", "end_date"
        ):
            self.deputies[norm_code(raw)].periods[start] = end
        for raw, start, end in Suspension.objects.filter(deputy__term=self.term).values_list(
            "deputy__code", "start_date", "end_date"
        ):
            self.deputies[norm_code(raw)].suspensions[start] = end

    def validate_roster(self):
        sheet = S.ROSTER
        plan = self.plan
        if sheet in self.sheets:
            plan.roster_columns = self.sheets[sheet].columns
        period_rows = {}
        for row in self.rows(sheet):
            self._row_failed = False
            code = self.req_text(sheet, row, "代表编号")
            fields = {"name": self.req_text(sheet, row, "姓名")}
            delegation = self.req_text(sheet, row, "代表团")
            # Optional cells: blank keeps what is stored (KEEP is left out of `fields`).
            group = self.optional(row, "代表小组", "", self.opt_text, row, "代表小组")
            genders = {g: g for g in S.GENDERS}
            yes_no = {"是": True, "否": False}
            optional = {
                "gender": self.optional(row, "性别", "", self.choice, sheet, row, "性别", genders),
                "birth_date": self.optional(
                    row, "出生日期", None, self.date, sheet, row, "出生日期"
                ),
                "is_sc_member": self.optional(
                    row, "常委会组成人员", False, self.choice, sheet, row, "常委会组成人员", yes_no
                ),
            }
            for column in ("民族", "政治面貌", "工作单位及职务", "选区", "手机号码"):
                optional[ROSTER_FIELDS[column]] = self.optional(
                    row, column, "", self.opt_text, row, column
                )
            fields.update((name, value) for name, value in optional.items() if value is not KEEP)
            start = self.date(sheet, row, "任职开始日期") or plan.term_start
            known = self.deputies.get(code)
            if is_clear(row.values.get("任职结束日期")):
                end = None  # （清空）: back in office
            else:
                end = self.date(sheet, row, "任职结束日期")
                if end is None and known is not None and start in known.periods:
                    end = known.periods[start]  # blank keeps the stored end
            if self._row_failed:
                continue
            is_sc = fields.get("is_sc_member", known.is_sc_member if known else False)
            if group is KEEP:
                earlier = plan.deputies.get(code)
                group = earlier["group"] if earlier else self.db_deputy_groups.get(code, "")
            for column, value in (("任职开始日期", start), ("任职结束日期", end)):
                if value and not plan.term_start <= value <= plan.term_end:
                    self.error(
                        sheet,
                        row.number,
                        column,
                        _("任职日期须在届次起止日期（%(start)s 至 %(end)s）之内")
                        % {"start": plan.term_start, "end": plan.term_end},
                    )
            if end and end < start:
                self.error(sheet, row.number, "任职结束日期", _("任职结束日期早于任职开始日期"))
            known = self.deputies.get(code)
            target = self.delegation_ids.get(delegation)  # None: a delegation not yet stored
            subject = known or SimpleNamespace(delegation_id=target)
            if not permissions.may_change_deputy(self.scope, subject, target):
                refused = delegation
                if known is not None and not permissions.may_change_deputy(self.scope, known):
                    refused = known.delegation
                self.error(
                    sheet,
                    row.number,
                    "代表团",
                    _("您无权导入代表团「%(name)s」的代表") % {"name": refused},
                )
            if group:
                owner = plan.groups.get(group) or self.db_groups.get(group)
                if owner and owner != delegation:
                    self.error(
                        sheet,
                        row.number,
                        "代表小组",
                        _("代表小组「%(group)s」属于代表团「%(owner)s」，不属于「%(delegation)s」")
                        % {"group": group, "owner": owner, "delegation": delegation},
                    )
            if self._row_failed:
                self.failed_codes.add(code)
                continue
            if group:
                plan.groups.setdefault(group, delegation)
            record = {"fields": fields, "delegation": delegation, "group": group, "is_sc": is_sc}
            previous = plan.deputies.get(code)
            if previous is not None:
                defining = (previous["delegation"], previous["group"])
                if defining + (previous["is_sc"],) != (delegation, group, is_sc):
                    self.error(
                        sheet,
                        row.number,
                        "代表编号",
                        _("同一代表编号的代表团、代表小组或常委会组成人员与前面的行不一致"),
                    )
                    continue
                if previous["fields"] != fields:
                    self.warn(
                        sheet,
                        row.number,
                        "代表编号",
                        _("同一代表编号的其他信息与前面的行不同，保留前面的行"),
                    )
            else:
                plan.deputies[code] = record
            key = (code, start)
            if key in plan.periods:
                if plan.periods[key] != end:
                    self.error(
                        sheet, row.number, "任职结束日期", _("同一任职期间的任职结束日期不一致")
                    )
                else:
                    self.duplicate(sheet, row, key)
                continue
            self.first_time(sheet, row, key)
            plan.periods[key] = end
            period_rows[key] = row.number
            info = self.deputies.get(code)
            if info is None:
                info = self.deputies[code] = DeputyInfo(code, delegation, is_sc)
            info.delegation, info.delegation_id = delegation, target
            info.group_id = self._group_id(group) if group else None
            info.is_sc_member = plan.deputies[code]["is_sc"]
            info.periods[start] = end
        # Overlapping periods of one deputy would make its time in office ambiguous.
        for code in plan.deputies:
            info = self.deputies[code]
            ordered = sorted(info.periods.items())
            for (_s1, e1), (s2, _e2) in zip(ordered, ordered[1:], strict=False):
                if e1 is None or e1 >= s2:
                    number = period_rows.get((code, s2)) or period_rows.get((code, _s1), 1)
                    self.error(sheet, number, "任职开始日期", _("该代表的任职期间相互重叠"))

    def _group_id(self, name):
        if not hasattr(self, "_group_ids"):
            self._group_ids = dict(
                DeputyGroup.objects.filter(term=self.term).values_list("name", "pk")
                if self.term
                else ()
            )
        return self._group_ids.get(name)

    def validate_suspensions(self):
        sheet = S.SUSPENSIONS
        for row in self.rows(sheet):
            self._row_failed = False
            code = self.req_text(sheet, row, "代表编号")
            start = self.date(sheet, row, "开始日期", required=True)
            if is_clear(row.values.get("结束日期")):
                end = None  # （清空）: still suspended
            else:
                end = self.date(sheet, row, "结束日期")
                known = self.deputies.get(code)
                if end is None and known is not None and start in known.suspensions:
                    end = known.suspensions[start]  # blank keeps the stored end
            may = permissions.may_change_suspension
            if self._row_failed or not self.check_deputy(
                sheet, row, "代表编号", code, None, "开始日期", may=may
            ):
                continue
            if end and end < start:
                self.error(sheet, row.number, "结束日期", _("结束日期早于开始日期"))
                continue
            key = (code, start)
            if key in self.plan.suspensions:
                if self.plan.suspensions[key] != end:
                    self.error(sheet, row.number, "结束日期", _("同一暂停职务的结束日期不一致"))
                else:
                    self.duplicate(sheet, row, key)
                continue
            self.first_time(sheet, row, key)
            self.plan.suspensions[key] = end
            self.deputies[code].suspensions[start] = end

    def validate_meetings(self, sheet, row):
        name = self.req_text(sheet, row, "会议名称")
        kind = self.choice(sheet, row, "会议类型", S.MEETING_KINDS, required=True)
        day = self.date(sheet, row, "日期", required=True)
        code = self.req_text(sheet, row, "代表编号")
        status = self.choice(sheet, row, "出席情况", S.ATTENDANCE, required=True)
        reason = self.choice(
            sheet, row, "请假事由", {**S.LEAVE_REASONS, **S.LEAVE_REASON_ALIASES}, ""
        )
        codes = self.codes(sheet, row, code, day, permissions.may_record_attendance)
        if self._row_failed:
            return
        if not permissions.may_manage_meetings(self.scope):
            stored = self.db_meetings.get((name, day))
            if stored is None:
                self.error(sheet, row.number, "会议名称", _(
                    "系统中没有该会议（会议名称、日期）；会议由人事代表工委新建，"
                    "您只能登记已有会议的出席情况"
                ))  # fmt: skip
                return
            if stored != kind:
                self.error(sheet, row.number, "会议类型", _(
                    "与系统中该会议的会议类型不同；会议由人事代表工委修改，您不能修改"
                ))  # fmt: skip
                return
        if reason and status != LEAVE:
            self.warn(sheet, row.number, "请假事由", _("不是请假，请假事由不予保存"))
            reason = ""
        elif status == LEAVE and not reason:
            self.warn(sheet, row.number, "请假事由", _("请假未填写事由（第五条列明三类事由）"))
            reason = KEEP  # a reason already stored stays
        meeting = (name, day)
        if self.plan.meetings.setdefault(meeting, kind) != kind:
            self.error(sheet, row.number, "会议类型", _("同一会议（名称、日期）的会议类型不一致"))
            return
        for code in codes:
            key = (name, day, code)
            previous = self.plan.attendances.get(key)
            if previous is None:
                self.first_time(sheet, row, key)
                self.plan.attendances[key] = (status, reason)
            elif previous[0] != status:
                self.error(sheet, row.number, "出席情况", _("同一代表在同一会议的出席情况不一致"))
            elif previous[1] != reason:
                self.error(sheet, row.number, "请假事由", _("同一代表在同一会议的请假事由不一致"))
            else:
                self.duplicate(sheet, row, key)

    def validate_speeches(self, sheet, row):
        day = self.date(sheet, row, "日期", required=True)
        code = self.req_text(sheet, row, "代表编号")
        meeting_name = self.opt_text(row, "会议名称")
        topic = self.opt_text(row, "发言主题")
        if self._row_failed or not self.check_deputy(
            sheet, row, "代表编号", code, day, "日期", may=permissions.may_record_speech
        ):
            return
        key = (code, day, meeting_name, topic)
        if key in self.plan.speeches:
            self.duplicate(sheet, row, key)
            return
        self.first_time(sheet, row, key)
        self.plan.speeches.add(key)

    def validate_activities(self, sheet, row):
        name = self.req_text(sheet, row, "活动名称")
        kind = self.choice(sheet, row, "活动类型", S.ACTIVITY_TYPES, required=True)
        day = self.date(sheet, row, "日期", required=True)
        code = self.req_text(sheet, row, "代表编号")
        organiser = self.opt_text(row, "组织单位")
        status = self.choice(sheet, row, "参加情况", S.ATTENDANCE, KEEP)  # KEEP: 出席 if new
        if self._row_failed:
            return
        owner = self.activity_owner(sheet, row, name, day, organiser)
        if self._row_failed:
            return
        codes = self.codes(
            sheet, row, code, day,
            lambda scope, deputy: permissions.may_record_participation(scope, owner, deputy),
        )  # fmt: skip
        if self._row_failed:
            return
        activity = self.plan.activities.get((name, day))
        if activity is None:
            self.plan.activities[(name, day)] = {"type": kind, "organiser": organiser}
        elif activity["type"] != kind:
            self.error(sheet, row.number, "活动类型", _("同一活动（名称、日期）的活动类型不一致"))
            return
        elif organiser and activity["organiser"] != organiser:
            if activity["organiser"]:
                self.warn(
                    sheet,
                    row.number,
                    "组织单位",
                    _("同一活动的组织单位与前面的行不同，保留「%(kept)s」")
                    % {"kept": activity["organiser"]},
                )
            else:
                activity["organiser"] = organiser
        for code in codes:
            key = (name, day, code)
            previous = self.plan.participations.get(key)
            if previous is None:
                self.first_time(sheet, row, key)
                self.plan.participations[key] = status
            elif (PRESENT if previous is KEEP else previous) != (
                PRESENT if status is KEEP else status
            ):  # within the workbook a blank is 出席, as for a new record
                self.error(sheet, row.number, "参加情况", _("同一代表在同一活动的参加情况不一致"))
            else:
                if previous is KEEP:
                    self.plan.participations[key] = status  # the blank row said nothing
                self.duplicate(sheet, row, key)

    def activity_owner(self, sheet, row, name, day, organiser_name):
        """The organiser deciding who may change the activity and its roll; a row error when
        the importer may not create it, change its type or organiser, or add to its roll."""
        planned = self.plan.activities.get((name, day))
        if planned and not organiser_name:
            organiser_name = planned["organiser"]  # given on an earlier row of the workbook
        named = None
        if organiser_name:
            named = self.organisers.get(organiser_name) or SimpleNamespace(
                pk=None,
                delegation_id=None,  # a new organiser: no town's, nobody's own
            )
        if (name, day) not in self.db_activities:
            if not permissions.may_change_activity(self.scope, named):
                self.error(sheet, row.number, "组织单位", _(
                    "您无权新建该活动：组织单位须为您所在单位（系统中已有的组织单位）"
                ))  # fmt: skip
            return named
        organiser_id = self.db_activities[(name, day)]
        owner = self.organisers_by_pk.get(organiser_id)
        if not permissions.may_change_activity(self.scope, owner):
            self.error(sheet, row.number, "活动名称", _(
                "系统中已有该活动（活动名称、日期），不是您所在单位组织的，"
                "您无权修改或登记其参加情况"
            ))  # fmt: skip
        elif (
            named is not None
            and named.pk != organiser_id
            and not permissions.may_change_activity(self.scope, named)
        ):
            self.error(sheet, row.number, "组织单位", _("您无权把活动改由该组织单位组织"))
        return owner

    def _content(self, sheet, row, column, store: dict, key, content):
        """Free text of a record given on several rows: the first non-empty is kept."""
        kept = store.get(key)
        if kept is None or (not kept and content):
            store[key] = content
        elif content and content != kept:
            self.warn(sheet, row.number, column, _("内容与前面的行不同，保留前面的内容"))

    def validate_voters(self, sheet, row):
        day = self.date(sheet, row, "日期", required=True)
        code = self.req_text(sheet, row, "代表编号")
        voter = self.req_text(sheet, row, "选民姓名")
        phone = self.opt_text(row, "选民电话")
        method = self.choice(sheet, row, "联系方式", S.CONTACT_METHODS, "")
        content = self.opt_text(row, "内容")
        if self._row_failed or not self.check_deputy(
            sheet, row, "代表编号", code, day, "日期", may=permissions.may_record_communication
        ):
            return
        self._content(sheet, row, "内容", self.plan.communications, (code, day, method), content)
        key = (code, voter, phone, day, method)
        if key in self.plan.contacts:
            self.duplicate(sheet, row, key)
            return
        self.first_time(sheet, row, key)
        self.plan.contacts.add(key)

    def validate_liaison(self, sheet, row):
        day = self.date(sheet, row, "日期", required=True)
        member = self.req_text(sheet, row, "常委会组成人员编号")
        code = self.req_text(sheet, row, "代表编号")
        method = self.choice(sheet, row, "联系方式", S.CONTACT_METHODS, "")
        content = self.opt_text(row, "内容")
        if self._row_failed:
            return
        if member == code:
            self.error(sheet, row.number, "代表编号", _("常委会组成人员不能联系自己"))
            return
        ok = self.check_deputy(
            sheet, row, "常委会组成人员编号", member, day, "日期",
            # A member who is not an SC member is reported below, as such.
            may=lambda scope, m: not m.is_sc_member or permissions.may_record_liaison(scope, m),
            refusal=_("只有人事代表工委工作人员或该常委会组成人员本人可以登记联系代表记录"),
        )  # fmt: skip
        # The deputy contacted may be any deputy of the term, as on the page.
        ok = self.check_deputy(sheet, row, "代表编号", code, day, "日期") and ok
        if not ok:
            return
        if not self.deputies[member].is_sc_member:
            self.error(
                sheet,
                row.number,
                "常委会组成人员编号",
                _("代表 %(code)s 不是常委会组成人员") % {"code": member},
            )
            return
        key = (member, code, day, method)
        if key in self.plan.liaisons:
            if not content or content == self.plan.liaisons[key]:
                self.first_time(sheet, row, key)
                self.duplicate(sheet, row, key)
                return
        else:
            self.first_time(sheet, row, key)
        self._content(sheet, row, "内容", self.plan.liaisons, key, content)

    def validate_proposals(self, sheet, row):
        # Refused before any cell is read or compared with what is stored: the preview must
        # not tell town staff whether a guessed title or 满意度 is the stored one.
        if not permissions.may_change_proposal(self.scope):
            self.error(sheet, row.number, "编号", _(
                "议案建议由人事代表工委登记和修改，您无权导入议案建议"
            ))  # fmt: skip
            return
        if text(row.values.get("满意度")) and not permissions.may_import_evaluation(self.scope):
            self.error(sheet, row.number, "满意度", _(
                "满意度由领衔代表本人评价，只有人事代表工委可以导入历史评价"
            ))  # fmt: skip
            return
        number = self.req_text(sheet, row, "编号")
        kind = self.choice(sheet, row, "类型", S.PROPOSAL_KINDS, required=True)
        title = self.req_text(sheet, row, "标题")
        day = self.date(sheet, row, "提出日期", required=True)
        lead = self.req_text(sheet, row, "领衔代表编号")
        # Blank keeps the stored lists (KEEP); （清空） empties them.
        cosigners = self.optional(row, "附议代表编号", [], self.listed, row, "附议代表编号")
        units = self.optional(row, "承办单位", [], self.listed, row, "承办单位")
        # Blank keeps the stored status; a new proposal is 提交 (the model's default).
        status = self.choice(sheet, row, "办理状态", S.PROPOSAL_STATUSES, KEEP)
        satisfaction = self.choice(sheet, row, "满意度", S.SATISFACTION, "")
        # Blank keeps the stored reply date (the proposal page's or an earlier import's).
        replied = self.optional(row, "答复日期", None, self.date, sheet, row, "答复日期")
        if self._row_failed:
            return
        if replied not in (KEEP, None) and replied < day:
            self.error(sheet, row.number, "答复日期", _("答复日期不能早于提出日期"))
            return
        self.check_deputy(sheet, row, "领衔代表编号", lead, day, "提出日期")
        for code in [] if cosigners is KEEP else cosigners:
            if code == lead:
                self.error(
                    sheet,
                    row.number,
                    "附议代表编号",
                    _("附议代表 %(code)s 是领衔代表，不能同时附议") % {"code": code},
                )
            else:
                self.check_deputy(
                    sheet, row, "附议代表编号", code, day, "附议代表编号", who=_("附议代表")
                )
        if self._row_failed:
            return
        values = {
            "kind": kind,
            "title": title,
            "submitted_date": day,
            "lead": lead,
            "cosigners": cosigners,
            "units": units,
            "status": status,
            "satisfaction": satisfaction,
            "reply_date": replied,
        }
        previous = self.plan.proposals.get(number)
        if previous is None:
            self.first_time(sheet, row, number)
            self.plan.proposals[number] = values
        elif previous != values:
            self.error(sheet, row.number, "编号", _("同一编号的议案建议与前面的行内容不一致"))
        else:
            self.duplicate(sheet, row, number)

    def validate_reports(self, sheet, row):
        day = self.date(sheet, row, "日期", required=True)
        code = self.req_text(sheet, row, "代表编号")
        form = self.choice(sheet, row, "形式", S.REPORT_FORMS, "")
        summary = self.opt_text(row, "内容摘要")
        if self._row_failed or not self.check_deputy(
            sheet, row, "代表编号", code, day, "日期", may=permissions.may_record_report
        ):
            return
        key = (code, day, form)
        if key in self.plan.reports and (not summary or summary == self.plan.reports[key]):
            self.duplicate(sheet, row, key)
            return
        self.first_time(sheet, row, key)
        self._content(sheet, row, "内容摘要", self.plan.reports, key, summary)


def _within(day: date, periods: dict) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in periods.items())
