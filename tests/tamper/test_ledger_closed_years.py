"""The ledger import and closed years: rows that would add or change a record of a closed
year are row errors naming the year (nothing saved), unless office staff give a reason (the
command's --closed-year-reason); re-importing unchanged rows is fine."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from activities.models import Attendance, Communication, Participation
from deputies.models import Role
from supervision.closing.services import close_year, closed_year_change
from supervision.ledger import import_ledger
from tests.supervision.ledger.conftest import MEETING, full_sheets, workbook_bytes

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def office(make_user):
    return make_user("office", roles=[(Role.OFFICE_STAFF, None)])


@pytest.fixture
def imported_then_closed(office):
    """The full workbook (records in 2024) imported, then 2024 closed."""
    assert import_ledger(workbook_bytes(full_sheets()), "第七届", user=office).applied
    close_year(office, 2024, "2024年度反馈表已发出")


def with_changes():
    sheets = full_sheets()
    sheets["大会会议"][3][4] = "出席"  # D003 was 缺席 at the 2024 meeting: a change
    sheets["履职活动"].append(["年末视察", "集中视察", "2024-12-01", "D001", None, None])
    sheets["履职活动"].append(["新年调研", "专题调研", "2026-01-15", "D001", None, None])
    return sheets


def test_reimporting_unchanged_rows_of_a_closed_year_is_fine(imported_then_closed, office):
    result = import_ledger(workbook_bytes(full_sheets()), "第七届", user=office)
    assert result.ok and result.applied


def test_rows_changing_a_closed_year_are_errors_naming_year_and_row(imported_then_closed):
    result = import_ledger(workbook_bytes(with_changes()), "第七届")
    assert not result.applied
    messages = [str(e) for e in result.errors]
    assert any(m.startswith("工作表 大会会议 第 4 行 「日期」") and "2024" in m for m in messages)
    assert any(m.startswith("工作表 履职活动 第 4 行") and "已结账" in m for m in messages)
    assert not any("第 5 行" in m for m in messages)  # the 2026 activity is not refused
    assert len(result.errors) == 2
    # Nothing saved, not even the 2026 row.
    assert Attendance.objects.get(meeting__name=MEETING, deputy__code="D003").status == "absent"
    assert not Participation.objects.filter(activity__name__in=["年末视察", "新年调研"]).exists()


def test_office_override_saves_with_the_reason_in_history(imported_then_closed, office):
    with closed_year_change(office, "补录年末视察"):
        result = import_ledger(workbook_bytes(with_changes()), "第七届", user=office)
    assert result.applied, [str(e) for e in result.errors]
    row = Participation.history.get(activity__name="年末视察")
    assert row.history_user == office
    assert "补录年末视察" in row.history_change_reason


def test_command_needs_reason_and_office_user(imported_then_closed, office, make_user, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(workbook_bytes(with_changes()))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--term", "第七届", stderr=err)
    assert "该年度（2024）的记录已结账" in err.getvalue()
    make_user("town", roles=[(Role.TOWN_STAFF, Attendance.objects.first().deputy.delegation)])
    with pytest.raises(CommandError, match="人事代表工委"):
        call_command(
            "import_ledger", str(path), "--term", "第七届",
            "--closed-year-reason", "更正", "--user", "town",
        )  # fmt: skip
    out = io.StringIO()
    call_command(
        "import_ledger", str(path), "--term", "第七届",
        "--closed-year-reason", "更正缺席记录", "--user", "office", stdout=out,
    )  # fmt: skip
    assert "导入完成" in out.getvalue()
    changed = Attendance.history.filter(deputy__code="D003", history_type="~").get()
    assert changed.history_user == office and "更正缺席记录" in changed.history_change_reason


def test_browser_preview_says_the_year_is_closed(imported_then_closed, office, client_for):
    client = client_for(office)
    data = SimpleUploadedFile("台账.xlsx", workbook_bytes(with_changes()), content_type=XLSX)
    location = client.post(reverse("supervision:ledger_import"), {"file": data, "term": "第七届"})[
        "Location"
    ]
    html = client.get(location).content.decode()
    assert "该年度（2024）的记录已结账" in html and "确认导入" not in html


def test_new_constituent_links_are_in_the_history(office):
    assert import_ledger(workbook_bytes(full_sheets()), "第七届", user=office).applied
    sheets = full_sheets()
    sheets["联系选民"].append(["2024-04-01", "D001", "孙八", None, "走访", None])
    assert import_ledger(workbook_bytes(sheets), "第七届", user=office).applied
    comm = Communication.objects.get(deputy__code="D001")
    latest = comm.history.first()
    assert latest.history_user == office
    assert {c.constituent.name for c in latest.constituents.all()} == {"赵六", "钱七", "孙八"}
