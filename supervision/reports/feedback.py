"""Year-end feedback sheets (年度履职情况反馈表, Art. 27): one workbook per deputy with each
rule's requirement, achievement and the records behind it, and their proposals.

Records are read per batch of deputies with a fixed number of queries per batch, so building
every sheet of the district costs queries in proportion to the number of batches, not deputies.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from math import ceil

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.styles.cell_style import StyleArray

from activities.models import (
    Attendance,
    AttendanceStatus,
    Communication,
    LiaisonCommunication,
    Participation,
    Speech,
)
from jdrenda.xlsx import (
    FORMULA_PREFIXES,
    HEADER_FILL,
    HEADER_FONT,
    LINE_HEIGHT,
    RED_FILL,
    RED_FONT,
    WRAP,
    display_width,
    print_setup,
)
from proposals.models import Cosignature, Proposal
from proposals.visibility import OwnSheetReader, may_see_evaluation
from supervision.evaluation.compliance import DeputyEvaluation, Status
from supervision.models import ConstituencyReport
from supervision.reports.workbook import TITLE_SUFFIX
from supervision.rules import Counts, Period

BATCH = 500
TITLE_FONT = Font(bold=True, size=14)
# The columns of DeputyRecords.proposals, in the workbook and the PDF alike.
PROPOSAL_COLUMNS = ["编号", "类型", "标题", "提出日期", "身份", "承办单位", "办理状态", "办理评价",
                    "是否计入"]  # fmt: skip


@dataclass
class DeputyRecords:
    """The records behind each rule for one deputy: {rule code: [(date, text, state), …]}."""

    by_rule: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    proposals: list[tuple] = field(default_factory=list)


def collect_records(rows: list[DeputyEvaluation], viewer=None) -> dict[int, DeputyRecords]:
    """Every record behind every rule for these deputies (one evaluated year, one term).

    A proposal's evaluation (Art. 19) is in a row only where `viewer` may see it
    (proposals.visibility.may_see_evaluation); without a viewer, each deputy reads their own
    records (the feedback sheet), so only the proposals they lead carry it. A hidden
    evaluation is None, one not yet given is "".
    """
    if not rows:
        return {}
    year, term = rows[0].year, rows[0].term
    ids = [row.deputy.pk for row in rows]
    year_range = (date(year, 1, 1), date(year, 12, 31))
    term_range = (term.start_date, min(date(year, 12, 31), term.end_date))
    records: dict[int, DeputyRecords] = defaultdict(DeputyRecords)
    label = Labels()
    rules = [result.rule for result in rows[0].results]  # the version that judged the year

    for rule in rules:
        if rule.counts == Counts.SESSION_ATTENDANCE:
            for a in (
                Attendance.objects.filter(deputy_id__in=ids, meeting__date__range=year_range)
                .select_related("meeting")
                .order_by("meeting__date", "meeting__name")
            ):
                records[a.deputy_id].by_rule[rule.code].append(
                    (a.meeting.date, a.meeting.name, _attendance_text(a, label))
                )
        elif rule.counts == Counts.SPEECHES:
            for s in Speech.objects.filter(deputy_id__in=ids, date__range=year_range).order_by(
                "date"
            ):
                records[s.deputy_id].by_rule[rule.code].append(
                    (s.date, " ".join(filter(None, [s.meeting_name, s.topic])), "发言")
                )
        elif rule.counts == Counts.CONSTITUENTS:
            through = Communication.constituents.through.objects.filter(
                communication__deputy_id__in=ids, communication__date__range=year_range
            ).select_related("communication", "constituent")
            for link in through.order_by("communication__date", "constituent__name"):
                c = link.communication
                records[c.deputy_id].by_rule[rule.code].append(
                    (c.date, link.constituent.name, label(c, "method") or "联系")
                )
        elif rule.counts == Counts.LIAISON_DEPUTIES:
            for lc in (
                LiaisonCommunication.objects.filter(member_id__in=ids, date__range=year_range)
                .select_related("deputy")
                .order_by("date")
            ):
                records[lc.member_id].by_rule[rule.code].append(
                    (lc.date, lc.deputy.name, label(lc, "method") or "联系")
                )
        elif rule.counts == Counts.CONSTITUENCY_REPORTS:
            for r in ConstituencyReport.objects.filter(
                deputy_id__in=ids, date__range=term_range
            ).order_by("date"):
                records[r.deputy_id].by_rule[rule.code].append(
                    (r.date, r.summary[:60] or "向选民述职", label(r, "form") or "")
                )

    activity_rules = [r for r in rules if r.counts == Counts.ACTIVITIES]
    types = {t: rule for rule in activity_rules for t in rule.activity_types}
    participations = (
        Participation.objects.filter(
            deputy_id__in=ids,
            activity__type__in=list(types),
            activity__date__range=(term.start_date, year_range[1]),
        )
        .select_related("activity")
        .order_by("activity__date", "activity__name")
    )
    for p in participations:
        rule = types[p.activity.type]
        window = term_range if rule.period == Period.TERM else year_range
        if window[0] <= p.activity.date <= window[1]:
            records[p.deputy_id].by_rule[rule.code].append(
                (p.activity.date, p.activity.name, label(p, "status"))
            )

    # Led or co-signed, as one UNION of ids: an OR across the cosignature join (with DISTINCT)
    # made PostgreSQL scan every proposal of the district for one deputy's file (50 ms).
    led = Proposal.objects.filter(lead_id__in=ids).order_by().values("pk")
    cosigned = Cosignature.objects.filter(deputy_id__in=ids).order_by().values("proposal_id")
    proposals = (
        Proposal.objects.filter(
            pk__in=led.union(cosigned),
            term=term,
            submitted_date__range=term_range,
        )
        .select_related("evaluation")
        .prefetch_related("handling_units", "cosignatures")
        .order_by("submitted_date", "number")
    )
    proposal_rule = next((r for r in rules if r.counts == Counts.PROPOSALS), None)
    wanted = set(ids)
    for p in proposals:
        signers = [(p.lead_id, "领衔")] + [(c.deputy_id, "附议") for c in p.cosignatures.all()]
        for deputy_id, role in signers:
            if deputy_id not in wanted:
                continue
            evaluation = getattr(p, "evaluation", None)
            reader = OwnSheetReader(deputy_id) if viewer is None else viewer
            if not may_see_evaluation(reader, p):
                shown = None
            else:
                shown = label(evaluation, "overall") if evaluation else ""
            records[deputy_id].proposals.append(
                (
                    p.number,
                    label(p, "kind"),
                    p.title,
                    p.submitted_date,
                    role,
                    "、".join(u.name for u in p.handling_units.all()),
                    label(p, "status"),
                    shown,
                    "否" if p.status == Proposal.Status.WITHDRAWN else "是",
                )
            )
            if proposal_rule and p.status != Proposal.Status.WITHDRAWN:
                records[deputy_id].by_rule[proposal_rule.code].append(
                    (p.submitted_date, f"{p.number} {p.title}", role)
                )
    return records


class Labels:
    """get_FOO_display() for many records: each field's choices read (and translated) once.
    Django's own hashes the choices and translates the label on every call, which was a
    fifth of the time of a district's feedback sheets."""

    def __init__(self):
        self._choices: dict[tuple, dict] = {}

    def __call__(self, instance, name: str):
        key = (type(instance), name)
        choices = self._choices.get(key)
        if choices is None:
            field = instance._meta.get_field(name)
            choices = self._choices[key] = {v: str(text) for v, text in field.flatchoices}
        value = getattr(instance, name)
        return choices.get(value, value)


def _attendance_text(attendance: Attendance, label) -> str:
    text = label(attendance, "status")
    if attendance.status == AttendanceStatus.LEAVE and attendance.leave_reason:
        text += f"（{label(attendance, 'leave_reason')}）"
    return text


def _put(ws, row: int, column: int, value, *, bold=False, red=False, header=False):
    c = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        c.data_type = "s"
        c.quotePrefix = True
    if bold or header:
        _use(c, "fontId", "_fonts", HEADER_FONT)
    if header:
        _use(c, "fillId", "_fills", HEADER_FILL)
    if red:
        _use(c, "fillId", "_fills", RED_FILL)
        _use(c, "fontId", "_fonts", RED_FONT)
    return c


def _use(c, key: str, collection: str, style) -> None:
    """`c.font = style` (or fill) without openpyxl hashing the style object again for every
    cell: its index in the workbook's list is found once per workbook, at its first use as
    openpyxl would, so the file written is the same."""
    wb = c.parent.parent
    ids = wb.__dict__.setdefault("_jdrenda_style_ids", {})
    index = ids.get((collection, id(style)))
    if index is None:
        index = ids[(collection, id(style))] = getattr(wb, collection).add(style)
    if not c._style:
        c._style = StyleArray()
    setattr(c._style, key, index)


def build_feedback_workbook(row: DeputyEvaluation, records: DeputyRecords) -> Workbook:
    deputy = row.deputy
    wb = Workbook()
    ws = wb.active
    ws.title = "履职情况反馈表"
    # The year-end evaluation: the full year judged, whenever it is generated (TITLE_SUFFIX).
    title = f"{row.year}年度代表履职情况反馈表{TITLE_SUFFIX}"
    _use(_put(ws, 1, 1, title, bold=True), "fontId", "_fonts", TITLE_FONT)
    wb.properties.title = title
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    info = [
        ("代表编号", deputy.code),
        ("姓名", deputy.name),
        ("代表团", deputy.delegation.name),
        ("代表小组", deputy.group.name if deputy.group else ""),
        ("届次", row.term.name),
        ("本年度在职天数", row.active_days_year),
        ("考核依据", row.version.name if row.version else ""),
    ]
    for i, (label, value) in enumerate(info):
        _put(ws, 2 + i // 3, 1 + (i % 3) * 2, label, bold=True)
        _put(ws, 2 + i // 3, 2 + (i % 3) * 2, value)

    r = 5
    for c, title in enumerate(["条款", "履职要求", "统计周期", "要求", "完成", "状态", "说明"], 1):
        _put(ws, r, c, title, header=True)
    for result in row.results:
        r += 1
        rule = result.rule
        period = "本年度" if rule.period == Period.YEAR else f"本届（截至{row.year}年底）"
        note = rule.description
        if result.times_required:
            note += f"；每人至少 {result.times_required} 次"
        values = [
            rule.article_text,
            rule.short_name,
            period,
            result.required if result.applies else "不适用",
            result.achieved if result.applies else "不适用",
            result.status.label,
            note,
        ]
        for c, value in enumerate(values, 1):
            _put(ws, r, c, value, red=result.status == Status.SHORTFALL and c in (5, 6))
    r += 2
    _put(ws, r, 1, "是否达标", bold=True)
    _put(ws, r, 2, "是" if row.meets_all else "否", red=not row.meets_all)
    _put(ws, r + 1, 1, "未达标项", bold=True)
    _put(ws, r + 1, 2, row.shortfall_names or "无")
    _put(ws, r + 2, 1, "约谈告诫建议", bold=True)
    _put(ws, r + 2, 2, "；".join(row.interview_reasons) or "否")
    r += 4

    _put(ws, r, 1, "履职记录明细", bold=True)
    for result in row.results:
        items = records.by_rule.get(result.rule.code, [])
        r += 1
        _put(ws, r, 1, f"【{result.rule.short_name}】{len(items)} 条记录", bold=True)
        for when, text, state in items:
            r += 1
            _put(ws, r, 2, when)
            ws.cell(row=r, column=2).number_format = "yyyy-mm-dd"
            _put(ws, r, 3, text)
            _put(ws, r, 4, state)
    widths = {"A": 16, "B": 22, "C": 30, "D": 12, "E": 10, "F": 10, "G": 48}
    for column, width in widths.items():
        ws.column_dimensions[column].width = width
    for line in ws.iter_rows(min_row=6, max_row=5 + len(row.results), min_col=7, max_col=7):
        for c in line:
            _use(c, "alignmentId", "_alignments", WRAP)
            # Row heights are not computed by every reader: size them for the wrapped 说明.
            lines = ceil(display_width(c.value) / (widths["G"] - 2))
            ws.row_dimensions[c.row].height = max(1, lines) * LINE_HEIGHT
    who = f"{deputy.name}（{deputy.code}）"
    print_setup(ws, list(widths.values()), title=f"{row.year}年度履职情况反馈表　{who}",
                header_rows=0, landscape=False)  # fmt: skip

    ps = wb.create_sheet("议案建议")
    header = PROPOSAL_COLUMNS
    for c, title in enumerate(header, 1):
        _put(ps, 1, c, title, header=True)
    for i, proposal in enumerate(records.proposals, 2):
        for c, value in enumerate(proposal, 1):
            _put(ps, i, c, value)
            if isinstance(value, date):
                ps.cell(row=i, column=c).number_format = "yyyy-mm-dd"
    for c, title in enumerate(header, 1):
        longest = max([display_width(title)] + [display_width(p[c - 1]) for p in records.proposals])
        ps.column_dimensions[ps.cell(row=1, column=c).column_letter].width = min(60, longest + 2)
    ps.freeze_panes = "A2"
    print_setup(
        ps,
        [ps.column_dimensions[ps.cell(row=1, column=c).column_letter].width for c in range(1, 10)],
        title=f"{row.year}年度履职情况反馈表　议案建议　{who}",
    )
    return wb


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def feedback_filename(row: DeputyEvaluation) -> str:
    name = _UNSAFE.sub("_", f"{row.deputy.code}_{row.deputy.name}")
    return f"{row.year}年度履职情况反馈表_{name}.xlsx"
