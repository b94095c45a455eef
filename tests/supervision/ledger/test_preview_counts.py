"""Issue 13: the ledger preview's counts say what they count ("新增 3 条出席记录，更新 0 条，
不变 0 条"), and an error in one sheet does not hide the other sheets' counts. Hand-built
workbooks (tests/ledger/conftest.py full_sheets: 3 roster rows, 3 attendance rows, 2
activity rows, ...); the expected numbers are counted from those rows by hand."""

import pytest
from django.urls import reverse

from activities.models import Attendance, Speech
from supervision.ledger import import_ledger

from .conftest import MEETING, full_sheets, workbook_bytes

pytestmark = pytest.mark.django_db


def _summaries(result):
    return {name: stats.summary for name, stats in result.sheets.items()}


def test_a_new_workbook_counts_records_by_what_they_are():
    result = import_ledger(workbook_bytes(full_sheets()), "第七届", dry_run=True)
    assert result.errors == []
    assert _summaries(result) == {
        "届次": "新增 1 条届次，更新 0 条，不变 0 条",
        "代表名册": "新增 3 条代表任职记录，更新 0 条，不变 0 条",
        "暂停职务": "新增 1 条暂停职务记录，更新 0 条，不变 0 条",
        "大会会议": "新增 3 条出席记录，更新 0 条，不变 0 条",
        "大会发言": "新增 1 条发言记录，更新 0 条，不变 0 条",
        "履职活动": "新增 2 条活动参加记录，更新 0 条，不变 0 条",
        "联系选民": "新增 2 条联系选民记录，更新 0 条，不变 0 条",
        "联系代表": "新增 1 条联系代表记录，更新 0 条，不变 0 条",
        "议案建议": "新增 1 条议案建议，更新 0 条，不变 0 条",
        "向选民述职": "新增 1 条述职记录，更新 0 条，不变 0 条",
    }


def test_a_second_import_counts_new_changed_and_unchanged_rows():
    assert import_ledger(workbook_bytes(full_sheets()), "第七届").applied
    sheets = full_sheets()
    meetings = sheets["大会会议"]
    meetings[3][4] = "出席"  # D003 缺席 → 出席: changed
    meetings.append([MEETING, "全体会议", "2024-01-10", "D001", "出席", None])  # a repeat
    meetings.append(["第二次全体会议", "全体会议", "2024-01-11", "D001", "出席", None])  # new
    result = import_ledger(workbook_bytes(sheets), "第七届", dry_run=True)
    assert result.errors == []
    assert result.sheets["大会会议"].summary == (
        "新增 1 条出席记录，更新 1 条，不变 2 条；重复行 1 行（只计一次）"
    )
    assert result.sheets["履职活动"].summary == "新增 0 条活动参加记录，更新 0 条，不变 2 条"
    # The sample: the new meeting and its attendance, and the changed attendance, old → new.
    assert result.sheets["大会会议"].samples == [
        ("新增", "第二次全体会议（2024-01-11）", []),
        ("新增", "张三 · 第二次全体会议（2024-01-11） · 出席", []),
        ("更新", f"王五 · {MEETING}（2024-01-10） · 出席", [("出席情况", "缺席", "出席")]),
    ]
    assert result.sheets["履职活动"].samples == []
    assert Attendance.objects.count() == 3  # a dry run saves nothing


def test_an_error_in_one_sheet_keeps_the_other_sheets_counts(client_for, make_user):
    from deputies.models import Role

    sheets = full_sheets()
    sheets["大会发言"].append(["2024-01-10", "D999", MEETING, "不存在的代表"])
    result = import_ledger(workbook_bytes(sheets), "第七届", dry_run=True)
    assert [issue.sheet for issue in result.errors] == ["大会发言"]
    summaries = _summaries(result)
    assert summaries["大会发言"] == "本表有错误，未计数"
    assert summaries["大会会议"] == "新增 3 条出席记录，更新 0 条，不变 0 条"
    assert summaries["履职活动"] == "新增 2 条活动参加记录，更新 0 条，不变 0 条"
    assert not Speech.objects.exists() and not Attendance.objects.exists()

    # The preview page says the same.
    office = client_for(make_user("office", roles=[(Role.OFFICE_STAFF, None)]))
    upload = office.post(
        reverse("supervision:ledger_import"),
        {"file": _upload(workbook_bytes(sheets)), "term": "第七届"},
        follow=True,
    ).content.decode()
    assert '<td data-sheet-summary="大会发言">本表有错误，未计数</td>' in upload
    assert (
        '<td data-sheet-summary="履职活动">新增 2 条活动参加记录，更新 0 条，不变 0 条</td>'
        in upload
    )


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "台账.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
