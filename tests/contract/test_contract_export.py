"""The evaluation workbook: sheets, rows, text safety, fills, the optional --term."""

from datetime import date

from .builders import Ledger, compliant
from .harness import (
    FURTHER_SHEETS,
    MAIN_SHEET,
    RULES,
    evaluation,
    export,
    main_cell,
    rows_mentioning,
    run_import,
    sheet_texts,
    snapshot,
)

Y = 2025


def _import(tmp_path, ledger):
    run_import(ledger.save(tmp_path / "ledger.xlsx"))


def test_all_sheets_exist_with_their_essentials(db, tmp_path):
    ledger = Ledger()
    ledger.deputy("W01", delegation="南翔代表团", group="南翔第一小组")
    ledger.deputy("W02", delegation="安亭代表团", group="安亭第二小组")
    ledger.deputy("W03", delegation="安亭代表团", group="安亭第二小组")
    compliant(ledger, "W01", Y)
    compliant(ledger, "W03", Y, skip={"ART13"})
    _import(tmp_path, ledger)
    wb = export(tmp_path, Y)

    assert MAIN_SHEET in wb.sheetnames
    for name in FURTHER_SHEETS:
        assert name in wb.sheetnames, f"sheet {name} missing"
    rows = evaluation(wb)
    assert set(rows) == {"W01", "W02", "W03"}

    short = wb["未达标名单"]
    assert rows_mentioning(short, "W02") and rows_mentioning(short, "W03")
    assert not rows_mentioning(short, "W01")

    listed = wb["约谈告诫建议名单"]
    assert rows_mentioning(listed, "W02")  # nothing recorded: no proposal, no activity...
    assert not rows_mentioning(listed, "W01")
    assert not rows_mentioning(listed, "W03")  # only 履职学习培训 is missing

    # open: "rates per delegation and rule" -- we expect each delegation named in a row and
    # each rule's short name somewhere (as a column header, most likely).
    summary = sheet_texts(wb["按代表团汇总"])
    cells = {value for row in summary for value in row}
    assert {"南翔代表团", "安亭代表团"} <= cells
    assert any(rule in value for value in cells for rule in RULES)

    # open: the group annual-report sheet lists every deputy group of the term.
    groups = {value for row in sheet_texts(wb["代表小组述职报告"]) for value in row}
    assert {"南翔第一小组", "安亭第二小组"} <= groups


def test_identity_columns_and_a_deputy_without_group(db, tmp_path):
    ledger = Ledger()
    ledger.deputy("W04", name="赵四", delegation="江桥代表团", group=None)
    _import(tmp_path, ledger)
    row = evaluation(export(tmp_path, Y))["W04"]
    assert (row["姓名"], row["代表团"], row["代表小组"]) == ("赵四", "江桥代表团", "")


def test_text_that_looks_like_a_formula_stays_text(db, tmp_path):
    ledger = Ledger()
    ledger.deputy("W05", name="=SUM(A1)", delegation="@代表团", group="+小组")
    ledger.deputy("W06", name="-1+2", delegation="@代表团", group="+小组")
    _import(tmp_path, ledger)
    wb = export(tmp_path, Y)

    for code, header, value in [
        ("W05", "姓名", "=SUM(A1)"),
        ("W05", "代表团", "@代表团"),
        ("W05", "代表小组", "+小组"),
        ("W06", "姓名", "-1+2"),
    ]:
        cell = main_cell(wb, code, header)
        assert cell.value == value
        assert cell.data_type == "s", f"{code} {header} written as {cell.data_type}"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {ws.title}!{cell.coordinate}"


def _rgb(cell):
    fill = cell.fill
    if fill is None or fill.fill_type != "solid":
        return None
    color = fill.fgColor
    if color is None or color.type != "rgb" or not isinstance(color.rgb, str):
        return None
    return color.rgb[-6:].upper()


def _is_red(cell):
    # open: "filled red" -- any solid fill whose red channel clearly dominates (pure red or
    # Excel's light red FFC7CE both qualify).
    rgb = _rgb(cell)
    if rgb is None:
        return False
    r, g, b = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
    return r >= 0xC0 and r - max(g, b) >= 0x20


def test_shortfall_cells_are_filled_red(db, tmp_path):
    ledger = Ledger().deputy("W07")
    compliant(ledger, "W07", 2024, skip={"ART13"}, term_records=False)
    compliant(ledger, "W07", Y, skip={"ART13"}, term_records=False)
    _import(tmp_path, ledger)

    wb = export(tmp_path, Y)
    assert _is_red(main_cell(wb, "W07", "履职学习培训"))  # 0/1
    assert _is_red(main_cell(wb, "W07", "议案建议"))  # 0/2 in the final year
    assert not _is_red(main_cell(wb, "W07", "常委会组织活动"))  # 2/2
    assert not _is_red(main_cell(wb, "W07", "联系代表"))  # 不适用

    wb2024 = export(tmp_path, 2024)
    assert _is_red(main_cell(wb2024, "W07", "履职学习培训"))
    # A term rule before the final year is progress, not a shortfall.
    assert not _is_red(main_cell(wb2024, "W07", "议案建议"))


def test_term_defaults_to_the_term_of_the_year(db, tmp_path):
    ledger = Ledger().deputy("W08")
    compliant(ledger, "W08", Y)
    _import(tmp_path, ledger)
    # The main sheet only: other sheets may carry a generation time.
    with_term = snapshot(export(tmp_path, Y, name="with.xlsx"))[MAIN_SHEET]
    without = snapshot(export(tmp_path, Y, term=None, name="without.xlsx"))[MAIN_SHEET]
    assert with_term == without
    assert evaluation(export(tmp_path, Y, term=None, name="again.xlsx"))["W08"]["是否达标"] == "是"


def test_deputies_of_another_term_are_not_in_the_export(db, tmp_path):
    ledger = Ledger().deputy("W09")
    _import(tmp_path, ledger)
    # The next term starts 2026; its deputy is not in office in 2025.
    nxt = Ledger(term="第九届", start=date(2026, 1, 1), end=date(2030, 12, 31))
    nxt.deputy("W10")
    run_import(nxt.save(tmp_path / "next.xlsx"), "第九届")
    assert set(evaluation(export(tmp_path, Y))) == {"W09"}


def test_export_cost_does_not_grow_with_the_number_of_deputies(db, tmp_path):
    # open: DESIGN.md promises a fixed number of SQL queries for evaluating all deputies; we
    # hold the whole export to it while delegations and groups stay the same.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = Ledger()
    for code in ["Q01", "Q02"]:
        small.deputy(code, sc=code == "Q01")
        compliant(small, code, Y, sc=code == "Q01")
    run_import(small.save(tmp_path / "small.xlsx"))
    with CaptureQueriesContext(connection) as few:
        export(tmp_path, Y, name="small-export.xlsx")

    more = Ledger()
    for i in range(3, 15):
        code = f"Q{i:02d}"
        more.deputy(code, sc=i % 4 == 0)
        compliant(more, code, Y, sc=i % 4 == 0, skip={"ART13"} if i % 2 else ())
    run_import(more.save(tmp_path / "more.xlsx"))
    with CaptureQueriesContext(connection) as many:
        export(tmp_path, Y, name="more-export.xlsx")

    assert len(many) == len(few), f"{len(few)} queries before, {len(many)} after"
