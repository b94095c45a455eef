"""Build ledger workbooks (履职台账) the way staff would, sheet by sheet, by Chinese header.

Only the import contract of DESIGN.md is assumed: sheets by their Chinese names, header in
row 1, one dict per data row. Strings are always written as text cells (never formulas), so a
value such as "=SUM(A1)" reaches the importer as the text the clerk typed.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

TERM = "第八届"
TERM_START = date(2024, 1, 1)
TERM_END = date(2025, 12, 31)  # 2024 (366 days) + 2025 (365 days) = 731 days
TERM_DAYS = 731

DELEGATION = "城中代表团"
GROUP = "城中第一小组"


class Ledger:
    """A ledger workbook in the making: ledger.row(sheet, {header: value}); ledger.save(path)."""

    def __init__(self, term=TERM, start=TERM_START, end=TERM_END, with_term_sheet=True):
        self.term = term
        self.rows: dict[str, list[dict]] = {}
        self.headers: dict[str, list[str]] = {}
        if with_term_sheet:
            self.row("届次", {"名称": term, "开始日期": start, "结束日期": end})

    # -- generic ------------------------------------------------------------------------

    def row(self, sheet: str, cells: dict) -> Ledger:
        headers = self.headers.setdefault(sheet, [])
        for header in cells:
            if header not in headers:
                headers.append(header)
        self.rows.setdefault(sheet, []).append(dict(cells))
        return self

    def drop_sheet(self, sheet: str) -> Ledger:
        self.rows.pop(sheet, None)
        self.headers.pop(sheet, None)
        return self

    def save(
        self,
        path: Path,
        header_labels: dict[str, dict[str, str]] | None = None,
        column_order: dict[str, list[str]] | None = None,
        extra_columns: dict[str, dict[str, object]] | None = None,
    ) -> Path:
        """Write the workbook.

        header_labels: {sheet: {header: label written instead}} (e.g. "代表编号*");
        column_order: {sheet: [headers in the order to write]};
        extra_columns: {sheet: {header: value written in every row}} (columns to be ignored).
        """
        header_labels = header_labels or {}
        column_order = column_order or {}
        extra_columns = extra_columns or {}
        wb = Workbook()
        wb.remove(wb.active)
        for sheet, rows in self.rows.items():
            ws = wb.create_sheet(sheet)
            headers = list(column_order.get(sheet, self.headers[sheet]))
            extras = extra_columns.get(sheet, {})
            labels = header_labels.get(sheet, {})
            all_headers = headers + list(extras)
            for col, header in enumerate(all_headers, start=1):
                _write(ws, 1, col, labels.get(header, header))
            for r, cells in enumerate(rows, start=2):
                for col, header in enumerate(headers, start=1):
                    _write(ws, r, col, cells.get(header))
                for col, header in enumerate(extras, start=len(headers) + 1):
                    _write(ws, r, col, extras[header])
        path = Path(path)
        wb.save(path)
        return path

    # -- one method per sheet -------------------------------------------------------------

    def deputy(
        self,
        code,
        name=None,
        delegation=DELEGATION,
        group=GROUP,
        sc=False,
        start=None,
        end=None,
        **extra,
    ) -> Ledger:
        cells = {
            "代表编号": code,
            "姓名": name or f"代表{code}",
            "代表团": delegation,
            "代表小组": group,
            "常委会组成人员": "是" if sc else "否",
        }
        if start is not None:
            cells["任职开始日期"] = start
        if end is not None:
            cells["任职结束日期"] = end
        cells.update(extra)
        return self.row("代表名册", cells)

    def suspension(self, code, start, end=None) -> Ledger:
        return self.row("暂停职务", {"代表编号": code, "开始日期": start, "结束日期": end})

    def meeting(self, name, kind, day, code, status="出席", reason=None) -> Ledger:
        if status == "请假" and reason is None:
            reason = "因病或特殊情况"
        return self.row(
            "大会会议",
            {
                "会议名称": name,
                "会议类型": kind,
                "日期": day,
                "代表编号": code,
                "出席情况": status,
                "请假事由": reason,
            },
        )

    def speech(self, day, code, meeting="代表团会议", topic="发言") -> Ledger:
        return self.row(
            "大会发言", {"日期": day, "代表编号": code, "会议名称": meeting, "发言主题": topic}
        )

    def activity(self, name, kind, day, codes, status=None, organiser="人事代表工委") -> Ledger:
        return self.row(
            "履职活动",
            {
                "活动名称": name,
                "活动类型": kind,
                "日期": day,
                "代表编号": codes,
                "组织单位": organiser,
                "参加情况": status,
            },
        )

    def voter_contact(self, day, code, voter, phone="", method="电话", content="听取意见"):
        return self.row(
            "联系选民",
            {
                "日期": day,
                "代表编号": code,
                "选民姓名": voter,
                "选民电话": phone,
                "联系方式": method,
                "内容": content,
            },
        )

    def liaison(self, day, member, code, method="电话", content="沟通履职") -> Ledger:
        return self.row(
            "联系代表",
            {
                "日期": day,
                "常委会组成人员编号": member,
                "代表编号": code,
                "联系方式": method,
                "内容": content,
            },
        )

    def proposal(
        self, number, day, lead, cosigners=None, kind="建议", title=None, status=None
    ) -> Ledger:
        return self.row(
            "议案建议",
            {
                "编号": number,
                "类型": kind,
                "标题": title or f"关于{number}的建议",
                "提出日期": day,
                "领衔代表编号": lead,
                "附议代表编号": cosigners,
                "承办单位": "区政府办公室",
                "办理状态": status,
            },
        )

    def report(self, day, code, form="口头", summary="年度履职报告") -> Ledger:
        return self.row(
            "向选民述职", {"日期": day, "代表编号": code, "形式": form, "内容摘要": summary}
        )


def _write(ws, row, col, value):
    cell = ws.cell(row=row, column=col)
    if value is None:
        return
    if isinstance(value, datetime | date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
        return
    cell.value = value
    if isinstance(value, str):
        # A clerk's text stays text, even "=SUM(A1)" (openpyxl would otherwise make a formula).
        cell.data_type = "s"


# -- a deputy who meets every rule -------------------------------------------------------

YEAR_RULE_SKIPS = {"ART7", "ART8", "ART11", "ART13", "ART14", "ART15", "ART16", "LIAISON"}
TERM_RULE_SKIPS = {"ART12_SC", "ART12_GOV", "ART18", "ART26"}


def compliant(ledger: Ledger, code, year, skip=(), term_records=True, sc=False) -> Ledger:
    """Add the records with which `code`, in office all year, meets every rule in `year`.

    skip: rule keys (YEAR_RULE_SKIPS, TERM_RULE_SKIPS) whose records are left out.
    term_records=False leaves out all term-rule records (ART12 x2, ART18, ART26).
    Activities and the meeting are shared by every deputy made compliant in the same year
    (several ledger rows for one activity, one per participant).
    """
    skip = set(skip)
    if not term_records:
        skip |= TERM_RULE_SKIPS
    if "ART7" not in skip:
        ledger.meeting(f"{year}年大会全体会议", "全体会议", date(year, 1, 8), code, "出席")
    if "ART8" not in skip:
        ledger.speech(date(year, 1, 8), code, topic=f"{code}的发言")
    plan = {
        "ART11": [("专题调研", 2, 10), ("集中视察", 3, 10)],
        "ART13": [("履职学习培训", 4, 10)],
        "ART14": [("代表小组活动", 5, 10), ("代表小组活动", 5, 20)],
        "ART16": [("家站点接待", 6, 10), ("家站点接待", 6, 20)],
        "ART12_SC": [("列席常委会会议", 7, 10), ("代表座谈会", 7, 20)],
        "ART12_GOV": [("一府一委两院会议活动", 8, 10), ("一府一委两院会议活动", 8, 20)],
    }
    for key, items in plan.items():
        if key in skip:
            continue
        for kind, month, day in items:
            ledger.activity(f"{year}年{kind}{month}-{day}", kind, date(year, month, day), code)
    if "ART15" not in skip:
        for i in range(1, 6):
            voter = f"{code}选民{i}"
            phone = f"1390000{i:04d}"
            ledger.voter_contact(date(year, 3, i), code, voter, phone, "电话")
            ledger.voter_contact(date(year, 9, i), code, voter, phone, "走访")
    if sc and "LIAISON" not in skip:
        for i in range(1, 4):
            other = f"{code}联{i}"
            ledger.deputy(other)
            ledger.liaison(date(year, 4, i), code, other, "电话")
            ledger.liaison(date(year, 10, i), code, other, "座谈")
    if "ART18" not in skip:
        ledger.proposal(f"{year}-{code}-1", date(year, 1, 9), code)
        ledger.proposal(f"{year}-{code}-2", date(year, 1, 9), code, kind="议案")
    if "ART26" not in skip:
        ledger.report(date(year, 11, 5), code)
    return ledger
