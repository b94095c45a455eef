"""The forgiving and the loud rules on workbooks written by LibreOffice itself, not openpyxl
(tests/supervision/ledger/fixtures/build_fixtures.py describes and rebuilds them)."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from activities.models import Communication
from deputies.models import Deputy, ServicePeriod
from supervision.ledger import import_ledger

from .conftest import full_sheets, snapshot, workbook_bytes

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def run(name):
    return import_ledger(FIXTURES / name, "第七届")


def texts(issues):
    return [str(i) for i in issues]


@pytest.fixture
def seeded():
    assert import_ledger(workbook_bytes(full_sheets()), "第七届").applied
    return snapshot()


def test_near_miss_sheet_name_is_an_error_and_the_command_fails(seeded):
    result = run("lo_near_miss.xlsx")
    assert len(result.errors) == 1 and "应为「联系选民」" in result.errors[0].message
    with pytest.raises(CommandError):
        call_command(
            "import_ledger",
            str(FIXTURES / "lo_near_miss.xlsx"),
            term="第七届",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert snapshot() == seeded


def test_a_twin_sheet_differing_by_spaces_is_an_error(seeded):
    result = run("lo_spaces_twin.xlsx")
    errors = texts(result.errors)
    assert any("「 向选民述职 」" in e and "名称相近" in e for e in errors), errors
    assert any("向选民述职 第 2 行" in e and "D999" in e for e in errors), errors
    assert snapshot() == seeded


def test_a_hidden_sheet_is_imported_and_reported(seeded):
    result = run("lo_hidden_sheet.xlsx")
    assert result.applied, texts(result.errors)
    assert any("「联系选民」是隐藏的" in w for w in texts(result.warnings))
    assert Communication.objects.filter(deputy__code="D001", date=date(2024, 6, 1)).exists()


def test_blank_roster_cells_keep_and_the_marker_clears(seeded):
    Deputy.objects.filter(code="D003").update(mobile="13900000003", workplace_title="南翔镇政府")
    result = run("lo_roster_blank.xlsx")
    assert result.applied, texts(result.errors)
    d3 = Deputy.objects.get(code="D003")
    assert (d3.gender, d3.group.name, d3.workplace_title, d3.mobile) == (
        "男",
        "南翔小组",
        "南翔镇政府",
        "",
    )
    assert ServicePeriod.objects.get(deputy=d3).end_date == date(2025, 6, 30)


def test_full_width_codes_padded_values_and_date_forms(seeded):
    deputies = Deputy.objects.count()
    result = run("lo_fullwidth_dates.xlsx")
    assert result.applied, texts(result.errors)
    assert Deputy.objects.count() == deputies  # Ｄ００１ is D001, never a new deputy
    got = set(
        Communication.objects.filter(date__gte=date(2024, 6, 1)).values_list(
            "deputy__code", "date", "method"
        )
    )
    assert got == {
        ("D001", date(2024, 6, 1), "visit"),
        ("D001", date(2024, 6, 2), "phone"),
        ("D002", date(2024, 6, 7), "visit"),  # "45450" typed as text: 45292 is 2024-01-01
        ("D002", date(2024, 6, 9), "visit"),
    }


def test_a_hidden_stale_column_is_an_error_naming_both(seeded):
    result = run("lo_hidden_column.xlsx")
    assert len(result.errors) == 1, texts(result.errors)
    assert "A 列（隐藏）" in result.errors[0].message and "B 列" in result.errors[0].message
    assert snapshot() == seeded


def test_a_header_twice_is_an_error_naming_both(seeded):
    result = run("lo_duplicate_header.xlsx")
    assert len(result.errors) == 1, texts(result.errors)
    assert "B 列" in result.errors[0].message and "G 列" in result.errors[0].message


def test_a_title_row_and_merged_cells(seeded):
    result = run("lo_merged_title.xlsx")
    assert result.applied, texts(result.errors)
    assert any("表头在第 3 行" in w for w in texts(result.warnings))
    communication = Communication.objects.get(deputy__code="D001", date=date(2024, 6, 1))
    assert sorted(communication.constituents.values_list("name", flat=True)) == [
        "周十",
        "孙八",
        "李九",
    ]


def test_an_ods_file_is_refused_with_save_as_xlsx(seeded):
    result = run("lo_ledger.ods")
    assert len(result.errors) == 1
    assert "请另存为 .xlsx" in result.errors[0].message and "损坏" not in result.errors[0].message
