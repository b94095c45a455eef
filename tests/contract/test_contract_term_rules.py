"""Term rules (ART12 x2, ART18, ART26): counted over the term up to the end of the evaluated
year, required over the whole term, shortfalls only in the year the term ends.

Term 2024-01-01..2025-12-31: 2024 is an earlier year, 2025 the final one.
"""

from datetime import date

from .builders import Ledger, compliant
from .harness import evaluation, export, run_import

TERM_RULES = ["列席常委会会议", "一府一委两院活动", "议案建议", "向选民述职"]


def _import(tmp_path, ledger):
    run_import(ledger.save(tmp_path / "ledger.xlsx"))


def test_missing_term_rules_are_shortfalls_only_in_the_final_year(db, tmp_path):
    ledger = Ledger().deputy("T01")
    compliant(ledger, "T01", 2024, term_records=False)
    compliant(ledger, "T01", 2025, term_records=False)
    _import(tmp_path, ledger)

    y2024 = evaluation(export(tmp_path, 2024))["T01"]
    # Progress shown (whole-term requirement, f = 1), but no shortfall in an earlier year.
    assert [y2024[r] for r in TERM_RULES] == ["0/2", "0/2", "0/2", "0/1"]
    assert y2024["未达标项"] == ""
    assert y2024["是否达标"] == "是"
    assert y2024["约谈告诫建议"] == "否"  # the no-proposal reason is for the last year only

    y2025 = evaluation(export(tmp_path, 2025))["T01"]
    assert [y2025[r] for r in TERM_RULES] == ["0/2", "0/2", "0/2", "0/1"]
    assert y2025["未达标项"] == "列席常委会会议、一府一委两院活动、议案建议、向选民述职"
    assert y2025["是否达标"] == "否"
    assert y2025["约谈告诫建议"] == "是"  # no proposal in the term, in its last year


def test_term_rules_accumulate_over_the_term_up_to_the_evaluated_year(db, tmp_path):
    ledger = Ledger().deputy("T02")
    compliant(ledger, "T02", 2024, term_records=False)
    compliant(ledger, "T02", 2025, term_records=False)
    ledger.activity("常委会第20次会议", "列席常委会会议", date(2024, 6, 1), "T02")
    ledger.activity("代表座谈会", "代表座谈会", date(2025, 6, 1), "T02")
    ledger.activity("区政府会议", "一府一委两院会议活动", date(2024, 6, 2), "T02")
    ledger.activity("区法院活动", "一府一委两院会议活动", date(2024, 6, 3), "T02")
    ledger.proposal("X-1", date(2024, 1, 10), "T02")
    ledger.proposal("X-2", date(2025, 1, 10), "T02")
    ledger.report(date(2025, 11, 1), "T02")
    _import(tmp_path, ledger)

    y2024 = evaluation(export(tmp_path, 2024))["T02"]
    # Records dated 2025 are after the evaluated year and do not count in 2024.
    assert [y2024[r] for r in TERM_RULES] == ["1/2", "2/2", "1/2", "0/1"]
    assert (y2024["是否达标"], y2024["未达标项"], y2024["约谈告诫建议"]) == ("是", "", "否")

    y2025 = evaluation(export(tmp_path, 2025))["T02"]
    assert [y2025[r] for r in TERM_RULES] == ["2/2", "2/2", "2/2", "1/1"]
    assert (y2025["是否达标"], y2025["未达标项"], y2025["约谈告诫建议"]) == ("是", "", "否")


def test_term_rules_met_early_stay_met_in_the_final_year(db, tmp_path):
    ledger = Ledger().deputy("T03")
    compliant(ledger, "T03", 2024)  # all term records dated 2024
    compliant(ledger, "T03", 2025, term_records=False)
    _import(tmp_path, ledger)

    y2025 = evaluation(export(tmp_path, 2025))["T03"]
    assert [y2025[r] for r in TERM_RULES] == ["2/2", "2/2", "2/2", "1/1"]
    assert (y2025["是否达标"], y2025["未达标项"]) == ("是", "")


def test_term_rules_in_a_longer_term_second_to_last_year_are_not_shortfalls(db, tmp_path):
    # The demo term 第七届 2022..2026: 2025 is its second-to-last year (a warning, which the
    # export contract does not show), 2026 its last.
    ledger = Ledger(term="第七届", start=date(2022, 1, 1), end=date(2026, 12, 31))
    ledger.deputy("T04")
    compliant(ledger, "T04", 2025, term_records=False)
    run_import(ledger.save(tmp_path / "ledger.xlsx"), "第七届")

    y2025 = evaluation(export(tmp_path, 2025, "第七届"))["T04"]
    assert [y2025[r] for r in TERM_RULES] == ["0/2", "0/2", "0/2", "0/1"]
    assert (y2025["是否达标"], y2025["未达标项"], y2025["约谈告诫建议"]) == ("是", "", "否")
