"""The ledger import contract: date forms, separators, headers, absent sheets, errors, repeats."""

import re
from datetime import date, datetime

import pytest

from .builders import Ledger, compliant
from .harness import (
    MAIN_SHEET,
    NA,
    evaluate,
    evaluation,
    export,
    import_fails,
    run_import,
    snapshot,
)

Y = 2025


def test_all_date_forms_are_read_as_the_same_dates(db, tmp_path):
    ledger = Ledger(start="2024年1月1日", end="2025/12/31")
    ledger.deputy("D01")
    ledger.deputy("D02", start="2025年7月2日")  # 183 days in 2025
    ledger.deputy("D03", start="2025/09/23")  # 100 days in 2025
    ledger.deputy("D04", end="2025-07-02")  # 183 days in 2025
    ledger.deputy("D05")
    ledger.suspension("D05", "2025年4月1日", "2025/09/30")  # 182 active days in 2025
    forms = [
        date(Y, 3, 1),  # an Excel date
        datetime(Y, 3, 2, 0, 0),  # an Excel date-time at midnight
        "2025-03-03",
        "2025/03/04",
        "2025年3月5日",
        "2025年12月31日",
    ]
    for i, day in enumerate(forms):
        ledger.activity(f"调研{i}", "专题调研", day, "D01")
    ledger.activity("年末调研", "专题调研", "2024/12/31", "D01")  # 2024, not 2025
    ledger.meeting("全体会议", "全体会议", "2025/01/07", "D01", "出席")
    ledger.speech("2025-01-07", "D01")
    ledger.voter_contact("2025年3月1日", "D01", "甲", "", "电话")
    ledger.voter_contact(date(Y, 3, 2), "D01", "甲", "", "电话")
    ledger.proposal("R-1", "2024年5月6日", "D01")
    ledger.report("2025/11/01", "D01")
    run_import(ledger.save(tmp_path / "ledger.xlsx"))

    rows = evaluation(export(tmp_path, Y))
    d01 = rows["D01"]
    assert d01["常委会组织活动"] == "6/2"  # six 2025 dates in six forms
    assert (d01["出席大会"], d01["大会发言"]) == ("1/1", "1/1")
    assert d01["联系选民"] == "1/5"  # 甲 reached on two dates given in two forms
    assert (d01["议案建议"], d01["向选民述职"]) == ("1/2", "1/1")
    assert rows["D02"]["常委会组织活动"] == "0/2"  # (2*183 + 364)//365 = 2
    assert rows["D02"]["联系选民"] == "0/3"  # (5*183 + 364)//365 = 3
    assert rows["D03"]["常委会组织活动"] == "0/1"  # (2*100 + 364)//365 = 1
    assert rows["D03"]["联系选民"] == "0/2"  # (5*100 + 364)//365 = 2
    assert rows["D04"]["常委会组织活动"] == "0/2"  # (2*183 + 364)//365 = 2
    assert rows["D05"]["常委会组织活动"] == "0/1"  # (2*182 + 364)//365 = 1
    assert rows["D05"]["联系选民"] == "0/3"  # (5*182 + 364)//365 = 3

    y2024 = evaluation(export(tmp_path, 2024))
    assert y2024["D01"]["常委会组织活动"] == "1/2"  # "2024/12/31"
    assert "D02" not in y2024 and "D03" not in y2024


def test_cosigner_codes_split_on_every_separator(db, tmp_path):
    ledger = Ledger()
    codes = [f"SP{i:02d}" for i in range(1, 11)]
    for code in codes:
        ledger.deputy(code)
    ledger.proposal("Q-1", date(Y, 1, 9), "SP01", cosigners="SP02、SP03")
    ledger.proposal("Q-2", date(Y, 1, 9), "SP04", cosigners="SP05,SP06，SP07;SP08；SP09")
    rows = evaluate(tmp_path, ledger, Y)
    for code in codes:
        # each led or co-signed exactly one proposal, except SP10
        assert rows[code]["议案建议"] == ("0/2" if code == "SP10" else "1/2"), code


def test_activity_deputy_codes_split_on_every_separator(db, tmp_path):
    # open: DESIGN.md says "Multiple codes in one cell are separated by 、 , ， ; ；" for the
    # whole workbook; we read it as applying to every 代表编号 cell of 履职活动 as well (one
    # ledger row per activity listing its participants), not only to 附议代表编号.
    ledger = Ledger()
    codes = [f"SP{i:02d}" for i in range(1, 11)]
    for code in codes:
        ledger.deputy(code)
    ledger.activity("调研一", "专题调研", date(Y, 3, 1), "SP01、SP02")
    ledger.activity("调研二", "专题调研", date(Y, 3, 2), "SP03,SP04")
    ledger.activity("调研三", "专题调研", date(Y, 3, 3), "SP05，SP06")
    ledger.activity("调研四", "专题调研", date(Y, 3, 4), "SP07;SP08")
    ledger.activity("调研五", "专题调研", date(Y, 3, 5), "SP09；SP10")
    ledger.activity("视察一", "集中视察", date(Y, 4, 1), "SP01、SP03,SP05，SP07;SP09")
    rows = evaluate(tmp_path, ledger, Y)

    odd = {"SP01", "SP03", "SP05", "SP07", "SP09"}
    for code in codes:
        expected = "2/2" if code in odd else "1/2"  # one 调研 each, plus 视察 for the odd
        assert rows[code]["常委会组织活动"] == expected, code


def test_decorated_headers_free_order_and_extra_columns(db, tmp_path):
    # open: we read "headers with notes/asterisks" as: the column name followed by `*`,
    # `(*)` and/or a note in ASCII or full-width parentheses, with optional spaces.
    ledger = Ledger()
    ledger.deputy("H01", sc=True)
    ledger.deputy("H02", start=date(Y, 9, 23))  # 100 days: ART11 needs 1, not 2
    ledger.activity("调研一", "专题调研", date(Y, 3, 1), "H01", "请假")
    ledger.activity("视察一", "集中视察", date(Y, 3, 2), "H01", "出席")
    labels = {
        "届次": {"名称": "名称*", "开始日期": "开始日期*", "结束日期": "结束日期 *"},
        "代表名册": {
            "代表编号": "代表编号*",
            "姓名": "姓名 *",
            "代表团": "代表团(*)",
            "常委会组成人员": "常委会组成人员（是/否）",
            "任职开始日期": "任职开始日期 (默认为届次开始日期)",
        },
        "履职活动": {
            "活动名称": "活动名称*",
            "活动类型": "活动类型*（见说明）",
            "日期": "日期（YYYY-MM-DD）",
            "代表编号": "代表编号（多人用顿号分隔）",
            "参加情况": "参加情况(出席/请假/缺席)",
        },
    }
    order = {sheet: list(reversed(ledger.headers[sheet])) for sheet in ("代表名册", "履职活动")}
    extras = {
        "代表名册": {"序号": 1, "备注": "无"},
        "履职活动": {"备注": "=不是公式", "签到时间": "09:00"},
    }
    path = ledger.save(
        tmp_path / "ledger.xlsx", header_labels=labels, column_order=order, extra_columns=extras
    )
    run_import(path)
    rows = evaluation(export(tmp_path, Y))

    assert rows["H01"]["联系代表"] == "0/3"  # 常委会组成人员 read: a member
    assert rows["H01"]["常委会组织活动"] == "1/2"  # 参加情况 read: the 请假 one does not count
    assert rows["H02"]["常委会组织活动"] == "0/1"  # 任职开始日期 read: (200 + 364)//365 = 1


def test_absent_sheets_are_skipped_and_later_workbooks_add_to_the_term(db, tmp_path):
    first = Ledger().deputy("AB01").deputy("AB02")
    run_import(first.save(tmp_path / "roster.xlsx"))  # only 届次 and 代表名册

    second = Ledger(with_term_sheet=False)
    second.activity("调研一", "专题调研", date(Y, 3, 1), "AB01")
    second.activity("视察一", "集中视察", date(Y, 3, 2), "AB01")
    run_import(second.save(tmp_path / "activities.xlsx"))

    third = Ledger(with_term_sheet=False)
    third.report(date(Y, 11, 1), "AB02")
    run_import(third.save(tmp_path / "reports.xlsx"))

    rows = evaluation(export(tmp_path, Y))
    assert set(rows) == {"AB01", "AB02"}  # the roster was not touched by later workbooks
    assert rows["AB01"]["常委会组织活动"] == "2/2"
    assert rows["AB02"]["向选民述职"] == "1/1"
    assert rows["AB02"]["常委会组织活动"] == "0/2"


def _base_ledger():
    ledger = Ledger()
    ledger.deputy("ER01")
    ledger.deputy("ER02", start=date(Y, 7, 2))
    ledger.deputy("ER03", end=date(Y, 3, 31))
    ledger.activity("调研一", "专题调研", date(Y, 3, 1), "ER01")
    ledger.voter_contact(date(Y, 3, 1), "ER03", "甲", "", "电话")
    ledger.proposal("E-1", date(Y, 1, 9), "ER01")
    return ledger


def _counts():
    from activities.models import Activity, Communication, Participation
    from deputies.models import Deputy, ServicePeriod
    from proposals.models import Proposal

    models = [Deputy, ServicePeriod, Activity, Participation, Communication, Proposal]
    return {model.__name__: model.objects.count() for model in models}


def _with_new_data(ledger):
    # Valid new data that would change the evaluation if any of it were saved.
    ledger.deputy("ER04")
    ledger.activity("视察新", "集中视察", date(Y, 6, 1), "ER01")
    ledger.activity("视察新", "集中视察", date(Y, 6, 1), "ER04")
    ledger.voter_contact(date(Y, 6, 1), "ER01", "丙", "", "电话")
    ledger.proposal("E-3", date(Y, 2, 1), "ER04", cosigners="ER01")
    return ledger


def test_the_new_data_alone_imports_and_shows(db, tmp_path):
    # Control for the test below: without the bad row, the same workbook is accepted.
    run_import(_base_ledger().save(tmp_path / "base.xlsx"))
    run_import(_with_new_data(_base_ledger()).save(tmp_path / "good.xlsx"))
    rows = evaluation(export(tmp_path, Y))
    assert rows["ER01"]["常委会组织活动"] == "2/2"
    assert rows["ER01"]["议案建议"] == "2/2"  # led E-1, co-signed E-3
    assert rows["ER04"]["常委会组织活动"] == "1/2"


BAD_ROWS = {
    # case: (sheet the bad row is on, how to add it)
    "unknown deputy code": (
        "履职活动",
        lambda lg: lg.activity("调研二", "专题调研", date(Y, 4, 1), "XX99"),
    ),
    "unknown co-signer code": (
        "议案建议",
        lambda lg: lg.proposal("E-2", date(Y, 2, 1), "ER01", cosigners="ER04、XX99"),
    ),
    "impossible date": (
        "履职活动",
        lambda lg: lg.activity("调研二", "专题调研", "2025-02-30", "ER01"),
    ),
    "impossible Chinese date": (
        "联系选民",
        lambda lg: lg.voter_contact("2025年2月30日", "ER01", "乙", "", "电话"),
    ),
    "unknown activity type": (
        "履职活动",
        lambda lg: lg.activity("茶话会一", "茶话会", date(Y, 4, 1), "ER01"),
    ),
    "record before the service starts": (
        "履职活动",
        lambda lg: lg.activity("调研二", "专题调研", date(Y, 3, 1), "ER02"),
    ),
    "record after the service ends": (
        "联系选民",
        lambda lg: lg.voter_contact(date(Y, 5, 1), "ER03", "甲", "", "走访"),
    ),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_one_bad_row_fails_the_import_and_saves_nothing(db, tmp_path, case):
    run_import(_base_ledger().save(tmp_path / "base.xlsx"))
    before = snapshot(export(tmp_path, Y, name="before.xlsx"))[MAIN_SHEET]
    counts = _counts()

    bad = _with_new_data(_base_ledger())
    sheet, add_bad_row = BAD_ROWS[case]
    add_bad_row(bad)
    bad_row = len(bad.rows[sheet]) + 1  # appended last; row 1 is the header
    message = import_fails(bad.save(tmp_path / "bad.xlsx"))

    # Errors name sheet, row and column; we check the sheet and the row number.
    assert sheet in message, f"the error does not name the sheet {sheet}: {message}"
    assert re.search(rf"(?<!\d){bad_row}(?!\d)", message), f"row {bad_row} not named: {message}"
    assert _counts() == counts
    after = snapshot(export(tmp_path, Y, name="after.xlsx"))[MAIN_SHEET]
    assert after == before


def test_a_bad_first_import_leaves_an_empty_database(db, tmp_path):
    bad = _base_ledger()
    bad.activity("茶话会一", "茶话会", date(Y, 4, 1), "ER01")
    import_fails(bad.save(tmp_path / "bad.xlsx"))
    assert set(_counts().values()) == {0}


def test_importing_the_same_workbook_twice_changes_nothing(db, tmp_path):
    ledger = Ledger()
    ledger.deputy("RE01", sc=True).deputy("RE02").deputy("RE03", start=date(Y, 7, 2))
    compliant(ledger, "RE01", Y, sc=True)
    compliant(ledger, "RE02", Y, skip={"ART13"})
    ledger.suspension("RE02", date(Y, 10, 1), date(Y, 10, 31))
    ledger.speech(date(Y, 1, 8), "RE02", topic="RE02的发言")  # duplicate of compliant's
    ledger.proposal("Z-1", date(Y, 8, 1), "RE03", cosigners="RE01、RE02")
    path = ledger.save(tmp_path / "ledger.xlsx")

    run_import(path)
    first = snapshot(export(tmp_path, Y, name="first.xlsx"))[MAIN_SHEET]
    counts = _counts()
    run_import(path)
    second = snapshot(export(tmp_path, Y, name="second.xlsx"))[MAIN_SHEET]
    assert _counts() == counts
    assert second == first
    rows = evaluation(export(tmp_path, Y, name="third.xlsx"))
    assert rows["RE01"]["议案建议"] == "3/2"  # 2 led + Z-1 co-signed, not 6/2
    assert rows["RE02"]["大会发言"] == "1/1"


def test_an_unknown_term_without_a_term_sheet_is_refused(db, tmp_path):
    ledger = Ledger(with_term_sheet=False).deputy("UT01")
    import_fails(ledger.save(tmp_path / "ledger.xlsx"), term="第十届")
    assert set(_counts().values()) == {0}


def test_optional_columns_may_be_absent(db, tmp_path):
    ledger = Ledger()
    # 代表名册 with the required columns only; 履职活动 with no 参加情况 column (default 出席).
    ledger.row("代表名册", {"代表编号": "OP01", "姓名": "钱一", "代表团": "外冈代表团"})
    for name, day in [("调研一", date(Y, 3, 1)), ("视察一", date(Y, 3, 2))]:
        cells = {"活动名称": name, "活动类型": "专题调研", "日期": day, "代表编号": "OP01"}
        ledger.row("履职活动", cells)
    ledger.row("联系选民", {"日期": date(Y, 3, 1), "代表编号": "OP01", "选民姓名": "甲"})
    ledger.row("联系选民", {"日期": date(Y, 3, 2), "代表编号": "OP01", "选民姓名": "甲"})
    rows = evaluate(tmp_path, ledger, Y)

    op01 = rows["OP01"]
    assert (op01["姓名"], op01["代表团"], op01["代表小组"]) == ("钱一", "外冈代表团", "")
    assert op01["常委会组织活动"] == "2/2"  # both attended by default
    assert op01["联系选民"] == "1/5"  # 甲 on two dates
    assert op01["联系代表"] == NA  # no 常委会组成人员 column: not a member
