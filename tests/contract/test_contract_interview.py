"""Interview/warning candidates (Art. 29), one reason at a time, on top of a compliant deputy.

Year 2025 is the final year of the term 2024-01-01..2025-12-31.
"""

from datetime import date

from .builders import Ledger, compliant
from .harness import evaluation, export, rows_mentioning, run_import

Y = 2025


def _evaluate(tmp_path, ledger, year=Y):
    run_import(ledger.save(tmp_path / "ledger.xlsx"))
    wb = export(tmp_path, year)
    return evaluation(wb), wb


def test_each_reason_makes_a_candidate(db, tmp_path):
    ledger = Ledger()
    for code in ["I00", "I01", "I02", "I03", "I04"]:
        ledger.deputy(code)
    compliant(ledger, "I00", Y)  # no reason
    compliant(ledger, "I01", Y)
    ledger.meeting("第二次全体会议", "全体会议", date(Y, 1, 9), "I01", "缺席")
    compliant(ledger, "I02", Y, skip={"ART11", "ART14"})
    compliant(ledger, "I03", Y, skip={"ART15"})
    for i in range(4):  # 4 of 5 constituents reached twice: 4/5
        ledger.voter_contact(date(Y, 3, 1), "I03", f"选民{i}", "", "电话")
        ledger.voter_contact(date(Y, 4, 1), "I03", f"选民{i}", "", "电话")
    compliant(ledger, "I04", Y, skip={"ART18"})
    rows, wb = _evaluate(tmp_path, ledger)

    assert rows["I00"]["约谈告诫建议"] == "否"
    assert rows["I01"]["出席大会"] == "1/2"  # 出席 1 of a roll of 2, one 缺席
    assert rows["I01"]["约谈告诫建议"] == "是"  # unexcused absence
    assert rows["I02"]["常委会组织活动"] == "0/2"
    assert rows["I02"]["代表小组活动"] == "0/2"
    assert rows["I02"]["约谈告诫建议"] == "是"  # no ART11/ART14 activity attended
    assert rows["I03"]["联系选民"] == "4/5"
    assert rows["I03"]["约谈告诫建议"] == "是"  # ART15_VOTERS not met
    assert rows["I04"]["议案建议"] == "0/2"
    assert rows["I04"]["约谈告诫建议"] == "是"  # no proposal in the term, its last year

    listed = wb["约谈告诫建议名单"]
    for code in ["I01", "I02", "I03", "I04"]:
        assert rows_mentioning(listed, code), f"{code} missing from 约谈告诫建议名单"
    assert not rows_mentioning(listed, "I00")

    # open: the list "says which reasons apply"; the wording is not fixed by DESIGN.md, so
    # we only look for the key word of each reason somewhere in the deputy's row.
    def reasons(code):
        return " ".join(" ".join(row) for row in rows_mentioning(listed, code))

    assert "缺席" in reasons("I01")
    assert "活动" in reasons("I02")
    assert "联系" in reasons("I03")  # 联系选民 or Art. 29's 联系人民群众
    assert "议案" in reasons("I04") or "建议" in reasons("I04").replace("约谈告诫建议", "")


def test_leave_is_not_an_unexcused_absence(db, tmp_path):
    ledger = Ledger().deputy("I05")
    compliant(ledger, "I05", Y)
    ledger.meeting("第二次全体会议", "全体会议", date(Y, 1, 9), "I05", "请假", "公务出国出境")
    rows, _ = _evaluate(tmp_path, ledger)
    assert rows["I05"]["出席大会"] == "2/2"  # attended 1 + approved leave 1 of a roll of 2
    assert (rows["I05"]["是否达标"], rows["I05"]["约谈告诫建议"]) == ("是", "否")


def test_activity_reason_needs_nothing_attended_under_both_rules(db, tmp_path):
    ledger = Ledger()
    for code in ["I06", "I07", "I08"]:
        ledger.deputy(code)
    compliant(ledger, "I06", Y, skip={"ART14"})  # ART11 met, no group activity
    compliant(ledger, "I07", Y, skip={"ART11", "ART14"})
    ledger.activity("小组一", "代表小组活动", date(Y, 5, 1), "I07", "出席")  # one attended
    compliant(ledger, "I08", Y, skip={"ART11", "ART14"})
    ledger.activity("调研一", "专题调研", date(Y, 5, 2), "I08", "请假")  # rolls, not attended
    ledger.activity("小组一", "代表小组活动", date(Y, 5, 1), "I08", "缺席")
    rows, _ = _evaluate(tmp_path, ledger)

    assert rows["I06"]["未达标项"] == "代表小组活动"
    assert rows["I06"]["是否达标"] == "否"
    assert rows["I06"]["约谈告诫建议"] == "否"  # 2 ART11 activities attended
    assert rows["I07"]["未达标项"] == "常委会组织活动、代表小组活动"
    assert rows["I07"]["约谈告诫建议"] == "否"  # 1 ART14 activity attended
    assert rows["I08"]["约谈告诫建议"] == "是"  # 请假/缺席 are not attendance


def test_cosigning_one_proposal_is_a_shortfall_but_no_reason(db, tmp_path):
    ledger = Ledger().deputy("I09").deputy("I10")
    compliant(ledger, "I09", Y, skip={"ART18"})
    compliant(ledger, "I10", Y)
    ledger.proposal("F-1", date(2024, 3, 1), "I10", cosigners="I09")
    rows, _ = _evaluate(tmp_path, ledger)
    assert rows["I09"]["议案建议"] == "1/2"
    assert rows["I09"]["未达标项"] == "议案建议"
    assert rows["I09"]["约谈告诫建议"] == "否"  # co-signed one in the term


def test_only_a_withdrawn_proposal_is_no_proposal(db, tmp_path):
    # open: the Art. 29 reason "未领衔提出或附议提出代表议案或建议" is read with ART18's
    # counting, so a proposal that was withdrawn (撤回) does not save the deputy.
    ledger = Ledger().deputy("I11")
    compliant(ledger, "I11", Y, skip={"ART18"})
    ledger.proposal("W-1", date(Y, 1, 9), "I11", status="撤回")
    rows, _ = _evaluate(tmp_path, ledger)
    assert rows["I11"]["议案建议"] == "0/2"
    assert rows["I11"]["约谈告诫建议"] == "是"


def test_no_proposal_is_no_reason_before_the_final_year(db, tmp_path):
    ledger = Ledger().deputy("I12")
    compliant(ledger, "I12", 2024, skip={"ART18"})
    rows, wb = _evaluate(tmp_path, ledger, 2024)
    assert rows["I12"]["议案建议"] == "0/2"
    assert (rows["I12"]["是否达标"], rows["I12"]["约谈告诫建议"]) == ("是", "否")
    assert not rows_mentioning(wb["约谈告诫建议名单"], "I12")


def test_reasons_are_about_the_evaluated_year(db, tmp_path):
    ledger = Ledger().deputy("I13")
    compliant(ledger, "I13", 2025)
    # An unexcused absence in 2024 is not a 2025 reason.
    ledger.meeting("2024年全体会议", "全体会议", date(2024, 1, 9), "I13", "缺席")
    rows, _ = _evaluate(tmp_path, ledger)
    assert rows["I13"]["约谈告诫建议"] == "否"
