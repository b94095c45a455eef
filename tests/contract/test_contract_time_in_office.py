"""Time in office (Art. 30): required = ceil(quota × active / days), both end dates count.

Integer form: (quota × active + days − 1) // days. Year 2025 has 365 days, 2024 has 366,
the term 2024-01-01..2025-12-31 has 731.
"""

from datetime import date

from .builders import Ledger
from .harness import NA, RULES, evaluate, evaluation, export, rule_cells, run_import

Y = 2025


def test_by_election_mid_year(db, tmp_path):
    ledger = Ledger()
    # 2025-07-02..2025-12-31 = 30 + 31 + 30 + 31 + 30 + 31 = 183 active days.
    ledger.deputy("S01", start=date(Y, 7, 2))
    ledger.activity("调研一", "专题调研", date(Y, 8, 1), "S01")
    for voter in ["甲", "丙"]:  # reached 2 times each
        ledger.voter_contact(date(Y, 8, 1), "S01", voter, "", "电话")
        ledger.voter_contact(date(Y, 9, 1), "S01", voter, "", "电话")
    ledger.voter_contact(date(Y, 8, 1), "S01", "乙", "", "电话")  # once only
    rows = evaluate(tmp_path, ledger, Y)

    assert rule_cells(rows["S01"]) == {
        "出席大会": NA,
        "大会发言": NA,
        "常委会组织活动": "1/2",  # (2*183 + 364)//365 = 730//365 = 2
        "列席常委会会议": "0/1",  # term: (2*183 + 730)//731 = 1096//731 = 1
        "一府一委两院活动": "0/1",  # same as above
        "履职学习培训": "0/1",  # (183 + 364)//365 = 547//365 = 1
        "代表小组活动": "0/2",  # as 常委会组织活动
        # constituents: (5*183 + 364)//365 = 1279//365 = 3; each (2*183+364)//365 = 2 times;
        # 甲 and 丙 reached twice, 乙 once: 2.
        "联系选民": "2/3",
        "联系代表": NA,
        "家站点接待": "0/2",
        "议案建议": "0/1",  # term: (2*183 + 730)//731 = 1
        "向选民述职": "0/1",  # term: (183 + 730)//731 = 913//731 = 1
    }


def test_short_service_rounds_up_to_one(db, tmp_path):
    ledger = Ledger()
    # 2025-09-23..2025-12-31 = 8 + 31 + 30 + 31 = 100 active days.
    ledger.deputy("S02", start=date(Y, 9, 23))
    ledger.activity("调研一", "专题调研", date(Y, 10, 1), "S02")
    ledger.voter_contact(date(Y, 10, 1), "S02", "甲", "", "电话")
    ledger.voter_contact(date(Y, 10, 2), "S02", "乙", "", "走访")
    rows = evaluate(tmp_path, ledger, Y)

    s02 = rows["S02"]
    assert s02["常委会组织活动"] == "1/1"  # (2*100 + 364)//365 = 564//365 = 1
    assert s02["履职学习培训"] == "0/1"  # (100 + 364)//365 = 1
    assert s02["代表小组活动"] == "0/1"
    assert s02["家站点接待"] == "0/1"
    # constituents: (5*100 + 364)//365 = 864//365 = 2; each (200 + 364)//365 = 1 time.
    assert s02["联系选民"] == "2/2"
    assert s02["列席常委会会议"] == "0/1"  # term: (200 + 730)//731 = 930//731 = 1
    assert s02["向选民述职"] == "0/1"  # term: (100 + 730)//731 = 1
    short = s02["未达标项"].split("、")
    assert "常委会组织活动" not in short and "联系选民" not in short
    assert "履职学习培训" in short


def test_service_ended_mid_year(db, tmp_path):
    ledger = Ledger()
    # In office 2024-01-01..2025-07-02: 2025 part = 31+28+31+30+31+30+2 = 183 days;
    # over the term 366 + 183 = 549 days.
    ledger.deputy("S03", end=date(Y, 7, 2))
    ledger.activity("小组一", "代表小组活动", date(Y, 3, 1), "S03")
    rows = evaluate(tmp_path, ledger, Y)

    s03 = rows["S03"]
    assert s03["常委会组织活动"] == "0/2"  # (2*183 + 364)//365 = 2
    assert s03["代表小组活动"] == "1/2"
    assert s03["履职学习培训"] == "0/1"
    assert s03["联系选民"] == "0/3"  # (5*183 + 364)//365 = 3
    assert s03["列席常委会会议"] == "0/2"  # term: (2*549 + 730)//731 = 1828//731 = 2
    assert s03["议案建议"] == "0/2"  # same
    assert s03["向选民述职"] == "0/1"  # (549 + 730)//731 = 1279//731 = 1


def test_suspension_reduces_active_days(db, tmp_path):
    ledger = Ledger()
    # Suspended 2025-04-01..2025-09-30 = 30+31+30+31+31+30 = 183 days, both ends counted;
    # active in 2025: 365 - 183 = 182; over the term 731 - 183 = 548.
    ledger.deputy("S04")
    ledger.suspension("S04", date(Y, 4, 1), date(Y, 9, 30))
    for voter in ["甲", "乙", "丙"]:
        ledger.voter_contact(date(Y, 2, 1), "S04", voter, "", "电话")
    rows = evaluate(tmp_path, ledger, Y)

    s04 = rows["S04"]
    assert s04["常委会组织活动"] == "0/1"  # (2*182 + 364)//365 = 728//365 = 1
    assert s04["代表小组活动"] == "0/1"
    assert s04["家站点接待"] == "0/1"
    # constituents: (5*182 + 364)//365 = 1274//365 = 3; each (364 + 364)//365 = 1 time.
    assert s04["联系选民"] == "3/3"
    assert s04["列席常委会会议"] == "0/2"  # term: (2*548 + 730)//731 = 1826//731 = 2
    assert s04["向选民述职"] == "0/1"  # (548 + 730)//731 = 1


def test_open_suspension_lasts_to_the_end(db, tmp_path):
    ledger = Ledger()
    # Suspended from 2025-03-01 with no end: active in 2025 = Jan + Feb = 31 + 28 = 59 days;
    # over the term 366 + 59 = 425.
    ledger.deputy("S05")
    ledger.suspension("S05", date(Y, 3, 1))
    rows = evaluate(tmp_path, ledger, Y)

    s05 = rows["S05"]
    assert s05["常委会组织活动"] == "0/1"  # (2*59 + 364)//365 = 482//365 = 1
    assert s05["联系选民"] == "0/1"  # (5*59 + 364)//365 = 659//365 = 1
    assert s05["列席常委会会议"] == "0/2"  # term: (2*425 + 730)//731 = 1580//731 = 2
    assert s05["向选民述职"] == "0/1"  # (425 + 730)//731 = 1


def test_liaison_rule_scales_both_numbers(db, tmp_path):
    ledger = Ledger()
    # SC member from 2025-07-02: 183 active days.
    ledger.deputy("S06", sc=True, start=date(Y, 7, 2))
    ledger.deputy("L01").deputy("L02")
    ledger.liaison(date(Y, 8, 1), "S06", "L01", "电话")
    ledger.liaison(date(Y, 9, 1), "S06", "L01", "电话")
    ledger.liaison(date(Y, 8, 1), "S06", "L02", "电话")
    rows = evaluate(tmp_path, ledger, Y)
    # deputies: (3*183 + 364)//365 = 913//365 = 2; each (2*183 + 364)//365 = 2 times;
    # L01 reached twice, L02 once: 1.
    assert rows["S06"]["联系代表"] == "1/2"


def test_exact_fraction_is_not_rounded_up(db, tmp_path):
    ledger = Ledger()
    # 2024-07-02..2024-12-31 = 183 days of leap year 2024 (366): 2 × 183/366 = 1 exactly.
    ledger.deputy("S07", start=date(2024, 7, 2))
    ledger.activity("调研一", "专题调研", date(2024, 8, 1), "S07")
    rows = evaluate(tmp_path, ledger, 2024)

    s07 = rows["S07"]
    assert s07["常委会组织活动"] == "1/1"  # (2*183 + 365)//366 = 731//366 = 1
    assert s07["联系选民"] == "0/3"  # (5*183 + 365)//366 = 1280//366 = 3
    assert "常委会组织活动" not in s07["未达标项"].split("、")


def test_rows_are_the_deputies_in_office_in_the_year(db, tmp_path):
    ledger = Ledger()
    ledger.deputy("N01")  # the whole term
    ledger.deputy("N02", end=date(2024, 6, 30))  # left in 2024
    ledger.deputy("N03", start=date(Y, 7, 2))  # by-election in 2025
    ledger.deputy("N04", end=date(Y, 1, 1))  # one day in 2025
    ledger.deputy("N05", start=date(2024, 12, 31))  # one day in 2024
    run_import(ledger.save(tmp_path / "ledger.xlsx"))

    assert set(evaluation(export(tmp_path, 2024))) == {"N01", "N02", "N04", "N05"}
    assert set(evaluation(export(tmp_path, Y))) == {"N01", "N03", "N04", "N05"}


def test_one_day_in_office_still_requires_one(db, tmp_path):
    ledger = Ledger().deputy("N04", end=date(Y, 1, 1))
    rows = evaluate(tmp_path, ledger, Y)
    # 1 active day: (2*1 + 364)//365 = 1; (5*1 + 364)//365 = 1.
    assert rows["N04"]["常委会组织活动"] == "0/1"
    assert rows["N04"]["联系选民"] == "0/1"


def test_a_year_fully_suspended_makes_year_rules_not_apply(db, tmp_path):
    ledger = Ledger()
    # In office, but suspended all of 2024 (a non-final year of the term): 0 active days.
    ledger.deputy("Z01", sc=True)
    ledger.suspension("Z01", date(2024, 1, 1), date(2024, 12, 31))
    rows = evaluate(tmp_path, ledger, 2024)

    z01 = rows["Z01"]  # still one row: in office in 2024
    year_rules = ["出席大会", "大会发言", "常委会组织活动", "履职学习培训", "代表小组活动"]
    year_rules += ["联系选民", "联系代表", "家站点接待"]
    assert {rule: z01[rule] for rule in year_rules} == dict.fromkeys(year_rules, NA)
    # Every Art. 29 reason rests on a rule that does not apply (or on the final year).
    assert z01["约谈告诫建议"] == "否"
    assert z01["未达标项"] == ""
    # open: with no applicable shortfall the deputy is 达标 (是); DESIGN.md defines 是否达标
    # only through shortfalls.
    assert z01["是否达标"] == "是"


def test_a_term_fully_suspended_makes_every_rule_not_apply(db, tmp_path):
    ledger = Ledger().deputy("Z02")
    ledger.suspension("Z02", date(2024, 1, 1), date(2025, 12, 31))
    rows = evaluate(tmp_path, ledger, Y)

    z02 = rows["Z02"]
    assert rule_cells(z02) == dict.fromkeys(RULES, NA)
    # The no-proposal reason rests on ART18, which does not apply: not a candidate.
    assert z02["约谈告诫建议"] == "否"
    assert z02["未达标项"] == ""
    assert z02["是否达标"] == "是"  # open: as above


def test_term_rule_required_is_scaled_over_the_whole_term_in_an_earlier_year(db, tmp_path):
    # open: DESIGN.md says a term rule's requirement is scaled "over the whole term"; we read
    # that as active days from office start to the term's end (future days included, as the
    # deputy is in office with no end date), so the 2024 cell shows the whole-term target.
    ledger = Ledger()
    # 2024-07-02..2025-12-31 = 183 + 365 = 548 active days of the term's 731.
    ledger.deputy("S08", start=date(2024, 7, 2))
    rows = evaluate(tmp_path, ledger, 2024)
    assert rows["S08"]["列席常委会会议"] == "0/2"  # (2*548 + 730)//731 = 1826//731 = 2
    assert rows["S08"]["向选民述职"] == "0/1"  # (548 + 730)//731 = 1


def test_overlapping_suspensions_are_not_subtracted_twice(db, tmp_path):
    ledger = Ledger().deputy("S09")
    # 2025-04-01..09-30 and 2025-06-01..12-31 overlap; together 2025-04-01..12-31 = 275 days,
    # so active in 2025 = Jan..Mar = 31 + 28 + 31 = 90 days.
    ledger.suspension("S09", date(Y, 4, 1), date(Y, 9, 30))
    ledger.suspension("S09", date(Y, 6, 1), date(Y, 12, 31))
    rows = evaluate(tmp_path, ledger, Y)
    assert rows["S09"]["常委会组织活动"] == "0/1"  # (2*90 + 364)//365 = 544//365 = 1
    assert rows["S09"]["联系选民"] == "0/2"  # (5*90 + 364)//365 = 814//365 = 2


def test_a_deputy_meeting_every_scaled_requirement_is_compliant(db, tmp_path):
    ledger = Ledger()
    # From 2025-09-23: 100 days in 2025 and in the term; every requirement is 1 except
    # 联系选民: ceil(5*100/365) = 2 constituents, each ceil(2*100/365) = 1 time.
    ledger.deputy("S10", start=date(Y, 9, 23))
    for name, kind in [
        ("调研", "专题调研"),
        ("列席", "列席常委会会议"),
        ("政府会议", "一府一委两院会议活动"),
        ("培训", "履职学习培训"),
        ("小组", "代表小组活动"),
        ("接待", "家站点接待"),
    ]:
        ledger.activity(f"{name}一", kind, date(Y, 10, 10), "S10")
    ledger.voter_contact(date(Y, 10, 1), "S10", "甲", "", "电话")
    ledger.voter_contact(date(Y, 10, 2), "S10", "乙", "", "电话")
    ledger.proposal("S10-1", date(Y, 10, 1), "S10")
    ledger.report(date(Y, 11, 1), "S10")
    rows = evaluate(tmp_path, ledger, Y)

    s10 = rows["S10"]
    assert rule_cells(s10) == {
        "出席大会": NA,
        "大会发言": NA,
        "常委会组织活动": "1/1",
        "列席常委会会议": "1/1",  # term: (2*100 + 730)//731 = 1
        "一府一委两院活动": "1/1",
        "履职学习培训": "1/1",
        "代表小组活动": "1/1",
        "联系选民": "2/2",
        "联系代表": NA,
        "家站点接待": "1/1",
        "议案建议": "1/1",  # term: (2*100 + 730)//731 = 1
        "向选民述职": "1/1",
    }
    assert (s10["是否达标"], s10["未达标项"], s10["约谈告诫建议"]) == ("是", "", "否")


def test_service_ending_on_the_last_day_of_a_year(db, tmp_path):
    ledger = Ledger().deputy("N06", end=date(2024, 12, 31)).deputy("N07")
    run_import(ledger.save(tmp_path / "ledger.xlsx"))
    assert "N06" in evaluation(export(tmp_path, 2024))
    assert set(evaluation(export(tmp_path, Y))) == {"N07"}


def test_service_defaults_to_the_term_start(db, tmp_path):
    # A term beginning 2025-09-23: a deputy with no 任职开始日期 is in office from then,
    # 100 days of 2025.
    ledger = Ledger(term="第九届", start=date(Y, 9, 23), end=date(2027, 12, 31))
    ledger.deputy("S11")
    run_import(ledger.save(tmp_path / "ledger.xlsx"), "第九届")
    s11 = evaluation(export(tmp_path, Y, "第九届"))["S11"]
    assert s11["常委会组织活动"] == "0/1"  # (2*100 + 364)//365 = 1 (a full year would be 2)
    assert s11["联系选民"] == "0/2"  # (5*100 + 364)//365 = 2
