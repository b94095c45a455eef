"""Examiner's probes of the import and export contracts: edge cases the main suite leaves out.

Black-box, like the rest of tests/contract: ledger workbooks in, evaluation workbook out.
"""

import re
from datetime import date

from deputies.models import Deputy

from .builders import Ledger, compliant
from .harness import (
    NA,
    RULES,
    evaluate,
    evaluation,
    export,
    import_fails,
    rule_cells,
    run_import,
)

Y = 2025


def _rules(row):
    return [row[rule] for rule in RULES]


def test_a_blank_service_end_stops_at_the_term_end(db, tmp_path):
    # 任职结束日期 blank means "in office", i.e. until the term ends: a deputy with a blank end
    # and one whose end is the term's last day are in office for the same days. The term
    # ends mid-year, so the year's quotas are scaled (181 of 365 days in 2026).
    ledger = Ledger(term="第六届", start=date(2021, 7, 1), end=date(2026, 6, 30))
    ledger.deputy("BE01")
    ledger.deputy("BE02", end=date(2026, 6, 30))
    run_import(ledger.save(tmp_path / "ledger.xlsx"), "第六届")
    rows = evaluation(export(tmp_path, 2026, "第六届"))

    assert _rules(rows["BE01"]) == _rules(rows["BE02"])
    assert rows["BE01"]["常委会组织活动"] == "0/1"  # (2*181 + 364)//365 = 1
    assert rows["BE01"]["联系选民"] == "0/3"  # (5*181 + 364)//365 = 3


def test_no_row_for_a_year_outside_the_named_term(db, tmp_path):
    ledger = Ledger().deputy("OT01")  # 第八届: 2024-2025, OT01 with a blank end
    run_import(ledger.save(tmp_path / "ledger.xlsx"))
    assert evaluation(export(tmp_path, 2026)) == {}  # --term 第八届, year after its end
    assert evaluation(export(tmp_path, 2023, name="before.xlsx")) == {}


def test_no_row_for_a_deputy_out_of_office_all_year_between_two_periods(db, tmp_path):
    # Left at the end of 2022, came back in 2024: not in office at any time in 2023.
    ledger = Ledger(term="第九届", start=date(2022, 1, 1), end=date(2026, 12, 31))
    ledger.deputy("GP01", end=date(2022, 12, 31))
    ledger.deputy("GP01", start=date(2024, 1, 1))
    ledger.deputy("GP02")
    run_import(ledger.save(tmp_path / "ledger.xlsx"), "第九届")

    assert set(evaluation(export(tmp_path, 2023, "第九届"))) == {"GP02"}
    rows = evaluation(export(tmp_path, 2024, "第九届", name="2024.xlsx"))
    assert set(rows) == {"GP01", "GP02"}
    assert rows["GP01"]["常委会组织活动"] == "0/2"
    assert rows["GP01"]["联系代表"] == NA


def test_a_value_too_long_to_store_is_a_row_error_and_nothing_is_saved(db, tmp_path):
    # PostgreSQL refuses an over-long value only at save time, with an English message and no
    # row; the contract wants sheet, row, column and a Chinese message (SQLite would keep it).
    ledger = Ledger().deputy("LG01")
    ledger.voter_contact(date(Y, 3, 1), "LG01", "甲", "13900000001")
    ledger.voter_contact(date(Y, 3, 2), "LG01", "李" * 51, "13900000002")  # row 3
    ledger.proposal("LG-1", date(Y, 1, 9), "LG01")
    ledger.rows["议案建议"][0]["承办单位"] = "区政府办公室、" + "局" * 101
    message = import_fails(ledger.save(tmp_path / "ledger.xlsx"))

    assert re.search(r"联系选民\D*3\D*选民姓名", message), message
    assert re.search(r"议案建议\D*2\D*承办单位", message), message
    assert not Deputy.objects.exists()


def test_every_sheet_with_every_row_twice_counts_each_record_once(db, tmp_path):
    ledger = Ledger().deputy("DU01", sc=True).deputy("DU02")
    compliant(ledger, "DU01", Y, sc=True)
    ledger.suspension("DU02", date(Y, 10, 1), date(Y, 10, 31))
    for sheet in ledger.rows:  # 届次 included
        ledger.rows[sheet] += [dict(row) for row in ledger.rows[sheet]]
    twice = evaluate(tmp_path, ledger, Y)

    assert rule_cells(twice["DU01"]) == {
        **{rule: "1/1" for rule in RULES},
        **{r: "2/2" for r in ("常委会组织活动", "列席常委会会议", "一府一委两院活动")},
        **{r: "2/2" for r in ("代表小组活动", "家站点接待", "议案建议")},
        "联系选民": "5/5",
        "联系代表": "3/3",
    }
    assert twice["DU02"]["常委会组织活动"] == "0/2"  # 334 active days, suspension once


def test_codes_and_phones_typed_as_numbers_match_the_same_text(db, tmp_path):
    ledger = Ledger().deputy(1001)
    ledger.voter_contact(date(Y, 3, 1), 1001, "甲", 13800000000)
    ledger.voter_contact(date(Y, 3, 2), 1001.0, "乙", 13900000000.0)
    run_import(ledger.save(tmp_path / "first.xlsx"))
    later = Ledger(with_term_sheet=False)
    later.voter_contact(date(Y, 9, 1), "1001", "甲", "13800000000")
    later.voter_contact(date(Y, 9, 2), " 1001 ", "乙", "13900000000")
    later.activity("调研一", "专题调研", date(Y, 9, 3), "1001")
    run_import(later.save(tmp_path / "second.xlsx"))

    row = evaluation(export(tmp_path, Y))["1001"]
    assert row["联系选民"] == "2/5"  # 甲 and 乙 reached twice each, across the two workbooks
    assert row["常委会组织活动"] == "1/2"


def test_leave_reason_in_the_regulations_own_words_is_accepted(db, tmp_path):
    # Art. 5 words the reasons as 公务出国、出境 / 因病或其他特殊情况; staff copy them from the
    # text, so they are read as the dropdown's 公务出国出境 / 因病或特殊情况.
    ledger = Ledger()
    ledger.deputy("LV01")
    ledger.meeting("全体会议", "全体会议", date(Y, 1, 10), "LV01", "请假", "公务出国、出境")
    ledger.meeting("全体会议二", "全体会议", date(Y, 1, 11), "LV01", "请假", "因病或其他特殊情况")
    printed = run_import(ledger.save(tmp_path / "ledger.xlsx"))
    assert "不是有效" not in printed
    assert evaluation(export(tmp_path, Y))["LV01"]["出席大会"] == "2/2"
