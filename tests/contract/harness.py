"""Drive the two management commands and read the evaluation workbook, nothing else."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from openpyxl import load_workbook

from .builders import TERM

RULES = [
    "出席大会",
    "大会发言",
    "常委会组织活动",
    "列席常委会会议",
    "一府一委两院活动",
    "履职学习培训",
    "代表小组活动",
    "联系选民",
    "联系代表",
    "家站点接待",
    "议案建议",
    "向选民述职",
]
HEADERS = ["代表编号", "姓名", "代表团", "代表小组", *RULES, "是否达标", "未达标项", "约谈告诫建议"]
MAIN_SHEET = "年度履职评价"
FURTHER_SHEETS = ["未达标名单", "约谈告诫建议名单", "按代表团汇总", "代表小组述职报告"]
NA = "不适用"


def _require(command):
    # Without this a missing command would make every "import must fail" test pass.
    assert command in get_commands(), f"management command {command} does not exist yet"


def run_import(path: Path, term: str = TERM) -> str:
    """Import a ledger; the import must succeed. Returns what the command printed."""
    _require("import_ledger")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_ledger", str(path), "--term", term, stdout=out, stderr=err)
    except (CommandError, SystemExit) as exc:
        pytest.fail(f"import refused: {exc}\n{err.getvalue()}", pytrace=False)
    return out.getvalue() + err.getvalue()


def import_fails(path: Path, term: str = TERM) -> str:
    """Import a ledger that must be refused; returns the error text (exception + output)."""
    _require("import_ledger")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises((CommandError, SystemExit)) as info:
        call_command("import_ledger", str(path), "--term", term, stdout=out, stderr=err)
    if isinstance(info.value, SystemExit):
        assert info.value.code not in (0, None), "the import exited with status 0"
    return f"{info.value}\n{out.getvalue()}\n{err.getvalue()}"


def export(tmp_path: Path, year: int, term: str | None = TERM, name: str | None = None):
    """Run export_evaluation and return the loaded workbook."""
    _require("export_evaluation")
    output = tmp_path / (name or f"evaluation-{year}-{term or 'default'}.xlsx")
    args = ["--year", str(year), "--output", str(output)]
    if term is not None:
        args += ["--term", term]
    call_command("export_evaluation", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert output.exists(), "export_evaluation wrote no file"
    return load_workbook(output)


def text(value) -> str:
    return "" if value is None else str(value)


def evaluation(wb) -> dict[str, dict[str, str]]:
    """{代表编号: {header: cell text}} of sheet 年度履职评价; checks the header row first."""
    ws = wb[MAIN_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    header = [text(v) for v in rows[0]]
    while header and header[-1] == "":
        header.pop()
    assert header == HEADERS
    result = {}
    for values in rows[1:]:
        cells = {h: text(v) for h, v in zip(HEADERS, values, strict=False)}
        if not cells["代表编号"]:
            continue
        assert cells["代表编号"] not in result, f"two rows for {cells['代表编号']}"
        result[cells["代表编号"]] = cells
    return result


def evaluate(tmp_path, ledger, year, term=TERM) -> dict[str, dict[str, str]]:
    """Save, import and export: the evaluation rows of `year`."""
    path = ledger.save(tmp_path / "ledger.xlsx")
    run_import(path, term)
    return evaluation(export(tmp_path, year, term))


def rule_cells(row: dict[str, str]) -> dict[str, str]:
    return {rule: row[rule] for rule in RULES}


def sheet_texts(ws) -> list[list[str]]:
    return [[text(v) for v in row] for row in ws.iter_rows(values_only=True)]


def rows_mentioning(ws, value: str) -> list[list[str]]:
    return [row for row in sheet_texts(ws) if value in row]


def main_cell(wb, code: str, header: str):
    """The openpyxl cell of sheet 年度履职评价 for (deputy code, header)."""
    ws = wb[MAIN_SHEET]
    col = HEADERS.index(header) + 1
    for r in range(2, ws.max_row + 1):
        if text(ws.cell(row=r, column=1).value) == code:
            return ws.cell(row=r, column=col)
    raise AssertionError(f"no row for {code}")


def snapshot(wb) -> dict[str, list[list[str]]]:
    """Every cell of every sheet as text: to compare two exports."""
    return {ws.title: sheet_texts(ws) for ws in wb.worksheets}
