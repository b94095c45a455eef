"""The ledger import contract: round trip, idempotence, duplicates, every error kind."""

import io
import zipfile
from datetime import date, datetime

import pytest

from activities.models import (
    Activity,
    ActivityType,
    Attendance,
    Communication,
    LiaisonCommunication,
    Meeting,
    Participation,
    Session,
    Speech,
)
from deputies.models import Constituent, Deputy, DeputyGroup, ServicePeriod, Suspension, Term
from proposals.models import Proposal
from supervision.ledger import import_ledger
from supervision.models import ConstituencyReport

from .conftest import MEETING, ROSTER_HEADER, full_sheets, snapshot, workbook_bytes

pytestmark = pytest.mark.django_db


def run(sheets, term="第七届", **kwargs):
    return import_ledger(workbook_bytes(sheets), term, **kwargs)


def roster(*rows):
    return [ROSTER_HEADER, *rows]


BASE_ROSTER = roster(
    ["D001", "张三", "嘉定镇街道", "第一小组", "男", "是", None, None],
    ["D002", "李四", "嘉定镇街道", "第一小组", "女", "否", None, None],
)


def with_roster(**sheets):
    return {"代表名册": BASE_ROSTER, **sheets}


def only_error(result):
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return result.errors[0]


# -- the full workbook -------------------------------------------------------------------


def test_full_workbook_creates_every_record():
    result = run(full_sheets())
    assert result.ok, [str(e) for e in result.errors]
    assert result.applied
    term = Term.objects.get(name="第七届")
    assert (term.start_date, term.end_date) == (date(2022, 1, 1), date(2026, 12, 31))
    d1, d2, d3 = (Deputy.objects.get(code=c) for c in ("D001", "D002", "D003"))
    assert d1.is_sc_member and not d2.is_sc_member and not d3.is_sc_member
    assert d1.group.name == "第一小组" and d1.group.delegation.name == "嘉定镇街道"
    assert d3.delegation.name == "南翔镇" and d2.gender == "女"
    assert list(d1.service_periods.values_list("start_date", "end_date")) == [
        (date(2022, 1, 1), None)
    ]
    assert list(d3.service_periods.values_list("start_date", "end_date")) == [
        (date(2023, 3, 1), date(2025, 6, 30))
    ]
    assert Suspension.objects.get(deputy=d2).end_date == date(2024, 6, 30)
    meeting = Meeting.objects.get()
    assert (meeting.name, meeting.kind, meeting.date) == (MEETING, "plenary", date(2024, 1, 10))
    statuses = dict(Attendance.objects.values_list("deputy__code", "status"))
    assert statuses == {"D001": "present", "D002": "leave", "D003": "absent"}
    assert Attendance.objects.get(deputy=d2).leave_reason == Attendance.LeaveReason.ILLNESS
    speech = Speech.objects.get()
    assert speech.meeting == meeting and speech.topic == "城市更新"
    activity = Activity.objects.get()
    assert activity.type == ActivityType.RESEARCH and activity.organiser.name == "城建环保工委"
    assert dict(Participation.objects.values_list("deputy__code", "status")) == {
        "D001": "present",
        "D003": "leave",
    }
    communication = Communication.objects.get()
    assert communication.method == "visit" and communication.content == "反映停车难"
    assert sorted(communication.constituents.values_list("name", "phone")) == [
        ("赵六", "13800000001"),
        ("钱七", ""),
    ]
    liaison = LiaisonCommunication.objects.get()
    assert (liaison.member, liaison.deputy, liaison.method) == (d1, d2, "phone")
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.status, proposal.lead) == ("suggestion", "closed", d1)
    assert set(proposal.cosigners.values_list("code", flat=True)) == {"D002", "D003"}
    assert set(proposal.handling_units.values_list("name", flat=True)) == {"区建管委", "区交通委"}
    assert proposal.evaluation.overall == "satisfied"
    assert ConstituencyReport.objects.get().form == "oral"
    assert result.sheets["大会会议"].created == 3


def test_reimport_changes_nothing():
    assert run(full_sheets()).applied
    before = snapshot()
    result = run(full_sheets())
    assert result.applied
    assert snapshot() == before
    assert all(s.created == 0 and s.updated == 0 for s in result.sheets.values())
    assert result.sheets["代表名册"].unchanged == 3


def test_reimport_updates_changed_values_in_place():
    run(full_sheets())
    sheets = full_sheets()
    sheets["代表名册"][3][7] = "2025-12-31"  # D003's end of office moves
    sheets["议案建议"][1][5] = "D002"  # D003 no longer co-signs
    result = run(sheets)
    assert result.applied
    assert ServicePeriod.objects.get(deputy__code="D003").end_date == date(2025, 12, 31)
    assert list(Proposal.objects.get().cosigners.values_list("code", flat=True)) == ["D002"]
    assert result.sheets["代表名册"].updated == 1
    assert result.sheets["议案建议"].updated == 1


def test_meeting_attached_to_session(term):
    session = Session.objects.create(
        term=term, name="七届人大四次会议", start_date=date(2024, 1, 9), end_date=date(2024, 1, 12)
    )
    assert run(full_sheets()).applied
    assert Meeting.objects.get().session == session


def test_exact_duplicate_rows_stored_once_with_warning():
    sheets = full_sheets()
    for name in ("履职活动", "联系选民", "大会发言", "议案建议", "大会会议"):
        sheets[name].append(list(sheets[name][1]))
    result = run(sheets)
    assert result.applied, [str(e) for e in result.errors]
    assert Participation.objects.count() == 2
    assert Speech.objects.count() == 1 and Proposal.objects.count() == 1
    assert Attendance.objects.count() == 3 and Constituent.objects.count() == 2
    assert result.sheets["履职活动"].duplicates == 1
    assert any("重复" in str(w) and w.sheet == "履职活动" for w in result.warnings)


def test_conflicting_activity_type_is_an_error():
    sheets = full_sheets()
    row = list(sheets["履职活动"][1])
    row[1] = "集中视察"
    sheets["履职活动"].append(row)
    error = only_error(run(sheets))
    assert (error.sheet, error.row, error.column) == ("履职活动", 4, "活动类型")
    assert Activity.objects.count() == 0


def test_conflicting_participation_and_attendance_are_errors():
    sheets = full_sheets()
    row = list(sheets["履职活动"][1])
    row[5] = "缺席"
    sheets["履职活动"].append(row)
    row = list(sheets["大会会议"][1])
    row[4] = "缺席"
    sheets["大会会议"].append(row)
    result = run(sheets)
    assert {(e.sheet, e.column) for e in result.errors} == {
        ("履职活动", "参加情况"),
        ("大会会议", "出席情况"),
    }
    assert Term.objects.count() == 0


def test_differing_free_text_keeps_first_and_warns():
    sheets = full_sheets()
    row = list(sheets["联系选民"][1])
    row[5] = "另一段内容"
    sheets["联系选民"].append(row)
    result = run(sheets)
    assert result.applied
    assert Communication.objects.get().content == "反映停车难"
    assert any(w.sheet == "联系选民" and w.column == "内容" for w in result.warnings)


def test_reason_on_present_row_ignored_with_warning(term):
    result = run(
        with_roster(
            大会会议=[
                ["会议名称", "会议类型", "日期", "代表编号", "出席情况", "请假事由"],
                [MEETING, "全体会议", "2024-01-10", "D001", "出席", "重要会议活动"],
            ]
        )
    )
    assert result.applied
    assert Attendance.objects.get().leave_reason == ""
    assert [w.column for w in result.warnings] == ["请假事由"]


def test_record_inside_suspension_accepted_with_warning(term):
    result = run(
        with_roster(
            暂停职务=[["代表编号", "开始日期", "结束日期"], ["D001", "2024-05-01", None]],
            大会发言=[["日期", "代表编号"], ["2024-06-01", "D001"]],
        )
    )
    assert result.applied
    assert Speech.objects.count() == 1
    assert any(w.sheet == "大会发言" and "暂停" in w.message for w in result.warnings)


# -- cell forms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05",
        "2024-3-5",
        "2024/03/05",
        "2024/3/5",
        "2024年3月5日",
        "2024年03月05日",
        " 2024-03-05 ",
        datetime(2024, 3, 5),
        date(2024, 3, 5),
        45356,  # Excel serial number of 2024-03-05
    ],
)
def test_date_forms(term, value):
    result = run(with_roster(大会发言=[["日期", "代表编号"], [value, "D001"]]))
    assert result.applied, [str(e) for e in result.errors]
    assert Speech.objects.get().date == date(2024, 3, 5)


@pytest.mark.parametrize("separator", ["、", ",", "，", ";", "；", " ， "])
def test_cosigner_and_unit_separators(term, separator):
    sheets = {
        "代表名册": roster(
            *BASE_ROSTER[1:], ["D003", "王五", "南翔镇", None, None, None, None, None]
        ),
        "议案建议": [
            ["编号", "类型", "标题", "提出日期", "领衔代表编号", "附议代表编号", "承办单位"],
            [
                "Y1",
                "议案",
                "标题",
                "2024-01-11",
                "D001",
                f"D002{separator}D003{separator}",
                f"区建管委{separator}区交通委",
            ],
        ],
    }
    assert run(sheets).applied
    proposal = Proposal.objects.get()
    assert set(proposal.cosigners.values_list("code", flat=True)) == {"D002", "D003"}
    assert proposal.handling_units.count() == 2
    assert proposal.status == "submitted"


def test_header_notes_asterisks_and_column_order(term):
    sheets = {
        "代表名册": [
            [
                "任职开始日期（默认届次开始）",
                "姓名 *",
                " 代表编号* ",
                "常委会组成人员 (是/否)",
                "代表团（必填）",
                "备注",
            ],
            [None, "张三", "D001", "是", "嘉定镇街道", "extra column ignored"],
        ]
    }
    result = run(sheets)
    assert result.applied, [str(e) for e in result.errors]
    assert Deputy.objects.get(code="D001").is_sc_member


def test_numeric_codes_and_empty_rows(term):
    sheets = {
        "代表名册": [ROSTER_HEADER, [1001, "张三", "嘉定镇街道"], [None, None], ["", " "]],
        "大会发言": [["日期", "代表编号"], ["2024-01-10", 1001.0]],
    }
    result = run(sheets)
    assert result.applied, [str(e) for e in result.errors]
    assert Speech.objects.get().deputy.code == "1001"
    assert result.sheets["代表名册"].rows == 1


def test_terms_sheet_creates_a_new_term():
    sheets = {"届次": [["名称", "开始日期", "结束日期"], ["第八届", "2027-01-01", "2031-12-31"]]}
    result = run(sheets, term="第八届")
    assert result.applied
    assert Term.objects.get(name="第八届").end_date == date(2031, 12, 31)


def test_dry_run_saves_nothing_but_counts():
    result = run(full_sheets(), dry_run=True)
    assert result.ok and not result.applied
    assert result.sheets["代表名册"].created == 3
    assert Term.objects.count() == 0


# -- errors: each leaves the database unchanged and names sheet, row and column -------------


def assert_rejected(result, sheet, row, column, text, before):
    assert not result.applied
    assert any(
        (e.sheet, e.row, e.column) == (sheet, row, column) and text in e.message
        for e in result.errors
    ), [str(e) for e in result.errors]
    assert snapshot() == before


@pytest.fixture
def seeded():
    """The full workbook imported once; errors must leave exactly this."""
    assert run(full_sheets()).applied
    return snapshot()


def test_missing_required_column(seeded):
    sheets = full_sheets()
    sheets["履职活动"] = [["活动名称", "日期", "代表编号"], ["调研", "2024-03-05", "D001"]]
    result = run(sheets)
    assert_rejected(result, "履职活动", 1, "活动类型", "缺少必填列", seeded)


def test_unknown_deputy_code(seeded):
    sheets = full_sheets()
    sheets["大会发言"].append(["2024-01-10", "D999", None, None])
    assert_rejected(run(sheets), "大会发言", 3, "代表编号", "代表编号不存在", seeded)


def test_impossible_date(seeded):
    sheets = full_sheets()
    sheets["大会发言"].append(["2025-02-30", "D001", None, "x"])
    assert_rejected(run(sheets), "大会发言", 3, "日期", "不存在", seeded)


def test_unreadable_date(seeded):
    sheets = full_sheets()
    sheets["向选民述职"].append(["去年三月", "D001", None, None])
    assert_rejected(run(sheets), "向选民述职", 3, "日期", "无法识别的日期", seeded)


def test_unknown_activity_type_names_allowed_values(seeded):
    sheets = full_sheets()
    sheets["履职活动"].append(["新活动", "随便看看", "2024-03-06", "D001", None, None])
    result = run(sheets)
    assert_rejected(result, "履职活动", 4, "活动类型", "专题调研", seeded)
    assert "随便看看" in result.errors[0].message


@pytest.mark.parametrize(
    ("sheet", "row", "column"),
    [
        ("大会会议", [MEETING, "小组会议", "2024-01-10", "D001", "出席", None], "会议类型"),
        ("大会会议", ["其他会议", "全体会议", "2024-01-11", "D001", "迟到", None], "出席情况"),
        ("大会会议", ["其他会议", "全体会议", "2024-01-11", "D002", "请假", "私事"], "请假事由"),
        ("履职活动", ["新活动", "专题调研", "2024-03-06", "D001", None, "到了"], "参加情况"),
        ("联系选民", ["2024-04-03", "D001", "孙八", None, "微信", None], "联系方式"),
        ("议案建议", ["X1", "提案", "标题", "2024-01-11", "D001"], "类型"),
        ("议案建议", ["X1", "建议", "标题", "2024-01-11", "D001", None, None, "已读"], "办理状态"),
        (
            "议案建议",
            ["X1", "建议", "标题", "2024-01-11", "D001", None, None, None, "很好"],
            "满意度",
        ),
        ("向选民述职", ["2024-11-21", "D001", "视频", None], "形式"),
        ("代表名册", ["D004", "赵九", "嘉定镇街道", None, "未知", None, None, None], "性别"),
        (
            "代表名册",
            ["D004", "赵九", "嘉定镇街道", None, None, "也许", None, None],
            "常委会组成人员",
        ),
    ],
)
def test_unknown_vocabulary_values(seeded, sheet, row, column):
    sheets = full_sheets()
    sheets[sheet].append(row)
    number = len(sheets[sheet])
    assert_rejected(run(sheets), sheet, number, column, "不是有效的", seeded)


def test_record_outside_service(seeded):
    sheets = full_sheets()
    # D003 is in office 2023-03-01 to 2025-06-30.
    sheets["大会发言"].append(["2025-07-01", "D003", None, None])
    assert_rejected(run(sheets), "大会发言", 3, "日期", "该日期代表不在任职期间", seeded)


def test_cosigner_outside_service(seeded):
    sheets = full_sheets()
    sheets["议案建议"].append(["J2", "建议", "标题", "2022-05-01", "D001", "D003"])
    assert_rejected(run(sheets), "议案建议", 3, "附议代表编号", "该日期代表不在任职期间", seeded)


def test_service_dates_outside_term(seeded):
    sheets = full_sheets()
    sheets["代表名册"].append(["D004", "赵九", "嘉定镇街道", None, None, None, "2021-12-01", None])
    assert_rejected(run(sheets), "代表名册", 5, "任职开始日期", "届次", seeded)


def test_cosigner_equal_to_lead(seeded):
    sheets = full_sheets()
    sheets["议案建议"].append(["J2", "建议", "标题", "2024-01-11", "D001", "D002、D001"])
    assert_rejected(run(sheets), "议案建议", 3, "附议代表编号", "领衔代表", seeded)


def test_liaison_member_must_be_standing_committee(seeded):
    sheets = full_sheets()
    sheets["联系代表"].append(["2024-04-03", "D002", "D001", "电话", None])
    assert_rejected(run(sheets), "联系代表", 3, "常委会组成人员编号", "不是常委会组成人员", seeded)


def test_liaison_member_equal_to_deputy(seeded):
    sheets = full_sheets()
    sheets["联系代表"].append(["2024-04-03", "D001", "D001", "电话", None])
    assert_rejected(run(sheets), "联系代表", 3, "代表编号", "自己", seeded)


def test_group_in_another_delegation(seeded):
    sheets = full_sheets()
    sheets["代表名册"].append(["D004", "赵九", "南翔镇", "第一小组", None, None, None, None])
    assert_rejected(run(sheets), "代表名册", 5, "代表小组", "属于代表团", seeded)
    assert DeputyGroup.objects.count() == 2


def test_required_cell_blank(seeded):
    sheets = full_sheets()
    sheets["联系选民"].append(["2024-04-03", "D001", None, None, None, None])
    assert_rejected(run(sheets), "联系选民", 4, "选民姓名", "必填", seeded)


def test_unknown_term_is_an_error(seeded):
    sheets = full_sheets()
    del sheets["届次"]
    result = run(sheets, term="第九届")
    assert not result.applied
    assert len(result.errors) == 1 and "第九届" in result.errors[0].message
    assert snapshot() == seeded


def test_errors_are_all_collected():
    sheets = full_sheets()
    sheets["大会发言"].append(["2025-02-30", "D999", None, None])
    sheets["履职活动"].append(["新活动", "随便看看", "2024-03-06", "D001", None, None])
    result = run(sheets)
    assert {(e.sheet, e.column) for e in result.errors} == {
        ("大会发言", "日期"),
        ("履职活动", "活动类型"),
    }
    assert Term.objects.count() == 0


# -- bad files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"just some text, not a workbook",
        b"PK\x03\x04 a broken zip archive",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,  # .xls or a password-protected xlsx
        b"",
    ],
)
def test_bad_files_give_one_chinese_error(seeded, content):
    result = import_ledger(content, "第七届")
    assert not result.applied and len(result.errors) == 1
    message = str(result.errors[0])
    assert "xlsx" in message or "Excel" in message or "工作簿" in message
    assert snapshot() == seeded


def test_zip_that_is_not_a_workbook(seeded):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not excel")
    result = import_ledger(buffer.getvalue(), "第七届")
    assert not result.applied and len(result.errors) == 1
    assert snapshot() == seeded


def test_query_count_does_not_grow_with_rows(term):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n):
        sheets = with_roster(
            履职活动=[["活动名称", "活动类型", "日期", "代表编号"]]
            + [[f"活动{i}", "专题调研", "2024-03-05", "D001"] for i in range(n)],
            大会发言=[["日期", "代表编号", "发言主题"]]
            + [["2024-01-10", "D002", f"主题{i}"] for i in range(n)],
        )
        with CaptureQueriesContext(connection) as captured:
            assert run(sheets, dry_run=True).ok
        return len(captured)

    assert queries(5) == queries(60)


def test_bare_year_is_not_a_date(term):
    result = run(with_roster(大会发言=[["日期", "代表编号"], [2024, "D001"]]))
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("大会发言", 2, "日期")]


def test_roll_rows_may_list_several_deputies(term):
    sheets = with_roster(
        履职活动=[
            ["活动名称", "活动类型", "日期", "代表编号"],
            ["小组活动", "代表小组活动", "2024-03-05", "D001、D002"],
        ],
        大会会议=[
            ["会议名称", "会议类型", "日期", "代表编号", "出席情况"],
            [MEETING, "全体会议", "2024-01-10", "D001；D002"],
        ],
    )
    sheets["大会会议"][1].append("出席")
    result = run(sheets)
    assert result.applied, [str(e) for e in result.errors]
    assert Participation.objects.count() == 2 and Attendance.objects.count() == 2
    assert result.sheets["履职活动"].created == 2


def test_one_unknown_code_in_a_list_rejects_the_row(term):
    sheets = with_roster(
        履职活动=[
            ["活动名称", "活动类型", "日期", "代表编号"],
            ["小组活动", "代表小组活动", "2024-03-05", "D001,D404"],
        ]
    )
    error = only_error(run(sheets))
    assert (error.sheet, error.row, error.column) == ("履职活动", 2, "代表编号")
    assert "D404" in error.message and Participation.objects.count() == 0
