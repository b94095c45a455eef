"""Each rule of DESIGN.md's table, met and not met, for deputies in office all of 2025.

The term is 2024-01-01..2025-12-31, so 2025 is its final year and term rules are shortfalls.
A full year in office: f = 1, every requirement is the quota itself.
"""

from datetime import date

from .builders import Ledger, compliant
from .harness import NA, evaluate, rule_cells

Y = 2025


def test_a_deputy_meeting_every_rule_is_compliant(db, tmp_path):
    ledger = Ledger()
    ledger.deputy("A01", name="王一", delegation="南翔代表团", group="南翔第一小组")
    ledger.deputy("A02", name="李二", sc=True)
    compliant(ledger, "A01", Y)
    compliant(ledger, "A02", Y, sc=True)
    rows = evaluate(tmp_path, ledger, Y)

    a01 = rows["A01"]
    assert (a01["姓名"], a01["代表团"], a01["代表小组"]) == ("王一", "南翔代表团", "南翔第一小组")
    assert rule_cells(a01) == {
        "出席大会": "1/1",  # one meeting on the roll, attended
        "大会发言": "1/1",
        "常委会组织活动": "2/2",  # 专题调研 + 集中视察
        "列席常委会会议": "2/2",  # 列席常委会会议 + 代表座谈会
        "一府一委两院活动": "2/2",
        "履职学习培训": "1/1",
        "代表小组活动": "2/2",
        "联系选民": "5/5",  # 5 constituents, each reached 2 times
        "联系代表": NA,  # not a standing-committee member
        "家站点接待": "2/2",
        "议案建议": "2/2",
        "向选民述职": "1/1",
    }
    assert (a01["是否达标"], a01["未达标项"], a01["约谈告诫建议"]) == ("是", "", "否")

    a02 = rows["A02"]
    assert a02["联系代表"] == "3/3"  # 3 deputies, each reached 2 times (电话, 座谈)
    assert (a02["是否达标"], a02["未达标项"], a02["约谈告诫建议"]) == ("是", "", "否")


def test_a_deputy_with_no_records_misses_every_applicable_rule(db, tmp_path):
    ledger = Ledger().deputy("B01")
    rows = evaluate(tmp_path, ledger, Y)
    b01 = rows["B01"]
    assert rule_cells(b01) == {
        "出席大会": NA,  # no meeting on the roll
        "大会发言": NA,  # applies only with a session meeting on the roll
        "常委会组织活动": "0/2",
        "列席常委会会议": "0/2",
        "一府一委两院活动": "0/2",
        "履职学习培训": "0/1",
        "代表小组活动": "0/2",
        "联系选民": "0/5",
        "联系代表": NA,
        "家站点接待": "0/2",
        "议案建议": "0/2",
        "向选民述职": "0/1",
    }
    assert b01["是否达标"] == "否"
    assert b01["未达标项"] == (
        "常委会组织活动、列席常委会会议、一府一委两院活动、履职学习培训、代表小组活动、"
        "联系选民、家站点接待、议案建议、向选民述职"
    )
    assert b01["约谈告诫建议"] == "是"


def test_session_attendance_counts_attended_and_approved_leave_out_of_the_roll(db, tmp_path):
    ledger = Ledger()
    for code in ["C01", "C02", "C03", "C04"]:
        ledger.deputy(code)
    prep, plenary, dele = (
        ("预备会议", "预备会议", date(Y, 1, 6)),
        ("第一次全体会议", "全体会议", date(Y, 1, 7)),
        ("代表团第一次会议", "代表团会议", date(Y, 1, 7)),
    )
    for name, kind, day in (prep, plenary, dele):
        ledger.meeting(name, kind, day, "C01", "出席")
    ledger.meeting(*prep, "C02", "出席")
    ledger.meeting(*plenary, "C02", "请假", "公务出国出境")
    ledger.meeting(*dele, "C02", "缺席")
    ledger.meeting(*prep, "C03", "请假", "重要会议活动")
    # C04 is on a roll in 2024 only; C01's 2024 meeting must not swell its 2025 roll.
    ledger.meeting("2024年全体会议", "全体会议", date(2024, 1, 9), "C04", "出席")
    ledger.meeting("2024年全体会议", "全体会议", date(2024, 1, 9), "C01", "缺席")
    rows = evaluate(tmp_path, ledger, Y)

    assert rows["C01"]["出席大会"] == "3/3"  # 3 attended out of a roll of 3 (2024 not counted)
    assert rows["C02"]["出席大会"] == "2/3"  # 出席 + 请假 = 2 of 3; 缺席 does not count
    assert "出席大会" in rows["C02"]["未达标项"].split("、")
    assert rows["C03"]["出席大会"] == "1/1"  # approved leave counts as attended
    assert "出席大会" not in rows["C03"]["未达标项"].split("、")
    assert rows["C04"]["出席大会"] == NA  # no 2025 meeting on the roll
    assert rows["C04"]["大会发言"] == NA


def test_speeches_need_one_and_a_duplicate_row_counts_once(db, tmp_path):
    ledger = Ledger()
    for code in ["S01", "S02", "S03"]:
        ledger.deputy(code)
        ledger.meeting("代表团会议", "代表团会议", date(Y, 1, 7), code, "出席")
    ledger.speech(date(Y, 1, 7), "S01", "代表团会议", "关于交通")
    ledger.speech(date(Y, 1, 7), "S01", "代表团会议", "关于交通")  # exact duplicate
    ledger.speech(date(Y, 1, 7), "S02", "代表团会议", "关于交通")
    ledger.speech(date(Y, 1, 7), "S02", "代表团会议", "关于教育")
    ledger.speech(date(2024, 1, 8), "S03", "代表团会议", "去年的发言")  # not in 2025
    rows = evaluate(tmp_path, ledger, Y)

    assert rows["S01"]["大会发言"] == "1/1"  # the duplicate row counts once
    assert rows["S02"]["大会发言"] == "2/1"  # two distinct topics
    assert rows["S03"]["大会发言"] == "0/1"  # on the roll, no 2025 speech: unscaled quota 1
    assert "大会发言" in rows["S03"]["未达标项"].split("、")
    assert "大会发言" not in rows["S01"]["未达标项"].split("、")


def test_leave_on_the_roll_still_makes_the_speech_rule_apply(db, tmp_path):
    ledger = Ledger().deputy("S04")
    ledger.meeting("全体会议", "全体会议", date(Y, 1, 7), "S04", "请假")
    rows = evaluate(tmp_path, ledger, Y)
    assert rows["S04"]["出席大会"] == "1/1"
    assert rows["S04"]["大会发言"] == "0/1"


def test_sc_activities_count_only_attended_of_the_three_types(db, tmp_path):
    ledger = Ledger()
    for code in ["E01", "E02", "E03", "E04", "E05"]:
        ledger.deputy(code)
    ledger.activity("调研一", "专题调研", date(Y, 3, 1), "E01", "出席")
    ledger.activity("视察一", "集中视察", date(Y, 3, 2), "E01", "请假")
    ledger.activity("检查一", "执法检查", date(Y, 3, 3), "E01", "缺席")
    ledger.activity("检查一", "执法检查", date(Y, 3, 3), "E02", "出席")
    ledger.activity("视察一", "集中视察", date(Y, 3, 2), "E02")  # blank 参加情况 = 出席
    ledger.activity("调研一", "专题调研", date(Y, 3, 1), "E03", "出席")
    ledger.activity("调研一", "专题调研", date(Y, 3, 1), "E03", "出席")  # exact duplicate
    ledger.activity("去年调研", "专题调研", date(2024, 5, 1), "E04", "出席")  # 2024
    ledger.activity("调研一", "专题调研", date(Y, 3, 1), "E04", "出席")
    others = [("小组活动一", "代表小组活动"), ("督办一", "议案建议督办"), ("其他一", "其他")]
    for name, kind in others:
        ledger.activity(name, kind, date(Y, 4, 1), "E05", "出席")
    ledger.activity("座谈一", "代表座谈会", date(Y, 4, 2), "E05", "出席")
    rows = evaluate(tmp_path, ledger, Y)

    assert rows["E01"]["常委会组织活动"] == "1/2"  # only the 出席 one of three
    assert rows["E02"]["常委会组织活动"] == "2/2"  # 执法检查 + 集中视察 (default 出席)
    assert rows["E03"]["常委会组织活动"] == "1/2"  # the duplicate row counts once
    assert rows["E04"]["常委会组织活动"] == "1/2"  # the 2024 one is another year
    assert rows["E05"]["常委会组织活动"] == "0/2"  # other types do not count here
    assert "常委会组织活动" not in rows["E02"]["未达标项"].split("、")
    assert "常委会组织活动" in rows["E01"]["未达标项"].split("、")


def test_training_group_and_reception_rules(db, tmp_path):
    ledger = Ledger()
    for code in ["T01", "T02"]:
        ledger.deputy(code)
    ledger.activity("培训一", "履职学习培训", date(Y, 5, 1), "T01", "出席")
    ledger.activity("培训一", "履职学习培训", date(Y, 5, 1), "T02", "请假")
    ledger.activity("小组一", "代表小组活动", date(Y, 5, 2), "T01", "出席")
    ledger.activity("小组二", "代表小组活动", date(Y, 5, 3), "T01", "出席")
    ledger.activity("小组一", "代表小组活动", date(Y, 5, 2), "T02", "出席")
    ledger.activity("小组二", "代表小组活动", date(Y, 5, 3), "T02", "缺席")
    ledger.activity("接待一", "家站点接待", date(Y, 6, 1), "T01", "出席")
    ledger.activity("接待二", "家站点接待", date(Y, 6, 2), "T01", "出席")
    ledger.activity("接待一", "家站点接待", date(Y, 6, 1), "T02", "出席")
    rows = evaluate(tmp_path, ledger, Y)

    assert rows["T01"]["履职学习培训"] == "1/1"
    assert rows["T02"]["履职学习培训"] == "0/1"  # 请假 does not count
    assert rows["T01"]["代表小组活动"] == "2/2"
    assert rows["T02"]["代表小组活动"] == "1/2"  # 缺席 does not count
    assert rows["T01"]["家站点接待"] == "2/2"
    assert rows["T02"]["家站点接待"] == "1/2"
    t02_short = rows["T02"]["未达标项"].split("、")
    assert {"履职学习培训", "代表小组活动", "家站点接待"} <= set(t02_short)
    t01_short = rows["T01"]["未达标项"].split("、")
    assert not {"履职学习培训", "代表小组活动", "家站点接待"} & set(t01_short)


def test_sc_meeting_and_government_activity_types(db, tmp_path):
    ledger = Ledger()
    for code in ["G01", "G02"]:
        ledger.deputy(code)
    ledger.activity("常委会第30次会议", "列席常委会会议", date(Y, 2, 1), "G01", "出席")
    ledger.activity("代表座谈会一", "代表座谈会", date(Y, 2, 2), "G01", "出席")
    ledger.activity("区政府全体会议", "一府一委两院会议活动", date(Y, 2, 3), "G01", "出席")
    ledger.activity("常委会第30次会议", "列席常委会会议", date(Y, 2, 1), "G02", "请假")
    ledger.activity("区法院开放日", "一府一委两院会议活动", date(Y, 2, 4), "G02", "出席")
    ledger.activity("区检察院座谈", "一府一委两院会议活动", date(Y, 2, 5), "G02", "出席")
    rows = evaluate(tmp_path, ledger, Y)

    assert rows["G01"]["列席常委会会议"] == "2/2"  # 列席 + 座谈会 both count
    assert rows["G01"]["一府一委两院活动"] == "1/2"
    assert rows["G02"]["列席常委会会议"] == "0/2"  # 请假 does not count
    assert rows["G02"]["一府一委两院活动"] == "2/2"


def test_voters_rule_counts_constituents_reached_twice(db, tmp_path):
    ledger = Ledger()
    for code in ["V01", "V02", "V03", "V04", "V05"]:
        ledger.deputy(code)

    def reach(code, voter, phone, *contacts):
        for day, method in contacts:
            ledger.voter_contact(day, code, voter, phone, method)

    twice = [(date(Y, 3, 1), "电话"), (date(Y, 6, 1), "走访")]
    for i in range(5):
        reach("V01", f"甲{i}", f"1380000000{i}", *twice)
    # V02: the fifth constituent's second row is an exact duplicate of the first.
    for i in range(4):
        reach("V02", f"乙{i}", f"1380000001{i}", *twice)
    reach("V02", "乙4", "13800000014", twice[0], twice[0])
    for i in range(6):
        reach("V03", f"丙{i}", f"1380000002{i}", *twice)
    # V04: 张三 with two phone numbers is two constituents, each reached once.
    for i in range(4):
        reach("V04", f"丁{i}", f"1380000003{i}", *twice)
    reach("V04", "张三", "13900000001", twice[0])
    reach("V04", "张三", "13900000002", twice[1])
    # V05: the same day by two methods is two communications.
    for i in range(5):
        reach("V05", f"戊{i}", "", (date(Y, 3, 1), "电话"), (date(Y, 3, 1), "走访"))
    ledger.voter_contact(date(2024, 12, 31), "V02", "乙4", "13800000014", "网络")  # 2024
    rows = evaluate(tmp_path, ledger, Y)

    assert rows["V01"]["联系选民"] == "5/5"
    assert rows["V02"]["联系选民"] == "4/5"  # 乙4 reached once in 2025 (duplicate, 2024)
    assert rows["V03"]["联系选民"] == "6/5"
    assert rows["V04"]["联系选民"] == "4/5"  # (张三, phone) identities differ
    assert rows["V05"]["联系选民"] == "5/5"
    assert "联系选民" in rows["V02"]["未达标项"].split("、")
    assert "联系选民" not in rows["V03"]["未达标项"].split("、")


def test_liaison_rule_only_for_standing_committee_members(db, tmp_path):
    ledger = Ledger()
    ledger.deputy("M01", sc=True).deputy("M02", sc=True).deputy("M03", sc=True)
    for code in ["L01", "L02", "L03", "L04"]:
        ledger.deputy(code)
    # M01: L01 twice the same day by two methods, L02 and L03 on two days: 3 deputies.
    ledger.liaison(date(Y, 4, 1), "M01", "L01", "电话")
    ledger.liaison(date(Y, 4, 1), "M01", "L01", "走访")
    for code in ["L02", "L03"]:
        ledger.liaison(date(Y, 4, 2), "M01", code, "电话")
        ledger.liaison(date(Y, 10, 2), "M01", code, "座谈")
    # M02: L01, L02 twice; L03 once: 2 deputies.
    for code in ["L01", "L02"]:
        ledger.liaison(date(Y, 4, 3), "M02", code, "电话")
        ledger.liaison(date(Y, 10, 3), "M02", code, "电话")
    ledger.liaison(date(Y, 4, 3), "M02", "L03", "电话")
    # M03: L04's second row is an exact duplicate: 2 deputies.
    for code in ["L01", "L02"]:
        ledger.liaison(date(Y, 4, 4), "M03", code, "网络")
        ledger.liaison(date(Y, 10, 4), "M03", code, "网络")
    ledger.liaison(date(Y, 4, 4), "M03", "L04", "网络")
    ledger.liaison(date(Y, 4, 4), "M03", "L04", "网络")
    rows = evaluate(tmp_path, ledger, Y)

    assert rows["M01"]["联系代表"] == "3/3"
    assert rows["M02"]["联系代表"] == "2/3"
    assert rows["M03"]["联系代表"] == "2/3"  # the duplicate row counts once
    assert "联系代表" in rows["M02"]["未达标项"].split("、")
    assert "联系代表" not in rows["M01"]["未达标项"].split("、")
    for code in ["L01", "L02", "L03", "L04"]:
        assert rows[code]["联系代表"] == NA  # not standing-committee members


def test_proposals_lead_or_cosign_count_withdrawn_do_not(db, tmp_path):
    ledger = Ledger()
    for code in ["P01", "P02", "P03", "P04", "P05", "P06"]:
        ledger.deputy(code)
    ledger.proposal("J-1", date(Y, 1, 9), "P01", cosigners="P05")
    ledger.proposal("J-2", date(Y, 1, 9), "P06", cosigners="P01、P05")
    ledger.proposal("J-3", date(Y, 1, 9), "P02", status="撤回", cosigners="P06")
    ledger.proposal("J-4", date(Y, 1, 9), "P03", cosigners="P02")
    ledger.proposal("J-5", date(Y, 1, 9), "P03")
    ledger.proposal("J-5", date(Y, 1, 9), "P03")  # exact duplicate row
    ledger.proposal("J-6", date(2024, 1, 10), "P04", kind="议案")  # earlier in the term
    ledger.proposal("J-7", date(Y, 1, 9), "P04")
    rows = evaluate(tmp_path, ledger, Y)

    assert rows["P01"]["议案建议"] == "2/2"  # led J-1, co-signed J-2
    assert rows["P02"]["议案建议"] == "1/2"  # J-3 withdrawn; co-signed J-4
    assert rows["P03"]["议案建议"] == "2/2"  # J-4, J-5 (the duplicate row counts once)
    assert rows["P04"]["议案建议"] == "2/2"  # the term's 2024 proposal counts in 2025
    assert rows["P05"]["议案建议"] == "2/2"  # co-signing only
    assert rows["P06"]["议案建议"] == "1/2"  # led J-2; co-signed the withdrawn J-3
    assert "议案建议" in rows["P02"]["未达标项"].split("、")


def test_proposal_duplicate_row_counts_once(db, tmp_path):
    ledger = Ledger().deputy("P07")
    ledger.proposal("K-1", date(Y, 2, 1), "P07")
    ledger.proposal("K-1", date(Y, 2, 1), "P07")  # exact duplicate row
    rows = evaluate(tmp_path, ledger, Y)
    assert rows["P07"]["议案建议"] == "1/2"


def test_reports_to_constituents(db, tmp_path):
    ledger = Ledger()
    for code in ["R01", "R02", "R03", "R04"]:
        ledger.deputy(code)
    ledger.report(date(Y, 11, 1), "R01", "口头")
    ledger.report(date(Y, 11, 1), "R01", "口头")  # exact duplicate
    ledger.report(date(2024, 11, 1), "R02", "书面")  # earlier in the term
    ledger.report(date(Y, 11, 2), "R04", "口头")
    ledger.report(date(Y, 11, 2), "R04", "书面")
    rows = evaluate(tmp_path, ledger, Y)

    assert rows["R01"]["向选民述职"] == "1/1"  # the duplicate counts once
    assert rows["R02"]["向选民述职"] == "1/1"
    assert rows["R03"]["向选民述职"] == "0/1"
    assert rows["R04"]["向选民述职"] == "2/1"  # (deputy, 日期, 形式) differ
    assert "向选民述职" in rows["R03"]["未达标项"].split("、")


def test_shortfalls_are_listed_in_table_order(db, tmp_path):
    ledger = Ledger().deputy("O01")
    compliant(ledger, "O01", Y, skip={"ART16", "ART13"})
    ledger.meeting("第二次全体会议", "全体会议", date(Y, 1, 9), "O01", "缺席")
    rows = evaluate(tmp_path, ledger, Y)

    o01 = rows["O01"]
    assert o01["出席大会"] == "1/2"  # 1 attended of a roll of 2
    assert o01["履职学习培训"] == "0/1"
    assert o01["家站点接待"] == "0/2"
    assert o01["未达标项"] == "出席大会、履职学习培训、家站点接待"
    assert o01["是否达标"] == "否"


def test_a_speech_without_a_session_meeting_on_the_roll(db, tmp_path):
    ledger = Ledger().deputy("S05")
    ledger.speech(date(Y, 1, 7), "S05", "代表团会议", "书面发言")
    rows = evaluate(tmp_path, ledger, Y)
    assert rows["S05"]["大会发言"] == NA  # applies only with a session meeting on the roll
    assert rows["S05"]["出席大会"] == NA


def test_a_duplicate_roll_row_counts_once(db, tmp_path):
    ledger = Ledger().deputy("C05").deputy("C06")
    ledger.meeting("全体会议", "全体会议", date(Y, 1, 7), "C05", "出席")
    ledger.meeting("全体会议", "全体会议", date(Y, 1, 7), "C05", "出席")  # exact duplicate
    ledger.meeting("全体会议", "全体会议", date(Y, 1, 7), "C06", "缺席")
    ledger.meeting("全体会议", "全体会议", date(Y, 1, 7), "C06", "缺席")  # exact duplicate
    rows = evaluate(tmp_path, ledger, Y)
    assert rows["C05"]["出席大会"] == "1/1"
    assert rows["C06"]["出席大会"] == "0/1"
