"""What the hunt for bad input found in the ledger reader, kept as plain examples.

- A sheet whose size reaches the last cell (A1:XFD1048576; one stray cell in a 5 KB file does
  it) made the reader pad a million rows to 16,384 cells each: an upload that ties up a
  worker for half an hour. Rows are now read as stored and no wider than the header.
- A zip that unpacks to gigabytes (a zip bomb) went straight to openpyxl.
"""

import io
import time

import pytest
from openpyxl import Workbook

from supervision.ledger import import_ledger

from .strategies import TERM, baseline_sheets, workbook_bytes
from .test_ledger_hypothesis import table_counts

pytestmark = pytest.mark.django_db

SPEECHES = ["日期", "代表编号", "会议名称", "发言主题"]


@pytest.fixture
def baseline(db):
    assert import_ledger(workbook_bytes(baseline_sheets()), TERM).applied


def speeches_workbook(*cells, header=SPEECHES) -> bytes:
    """The 大会发言 sheet with one valid row, plus (row, column, value) cells anywhere."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "大会发言"
    sheet.append(header)
    sheet.append(["2024-01-10", "D001", "七届人大四次会议", "城市更新"])
    for row, column, value in cells:
        sheet.cell(row=row, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_stray_cell_in_the_last_row_and_column_is_read_in_a_moment(baseline):
    data = speeches_workbook((1_048_576, 16_384, "备注"))
    assert len(data) < 10_000
    started = time.monotonic()
    result = import_ledger(data, TERM)
    assert time.monotonic() - started < 5  # was half an hour and more
    assert result.ok, [str(e) for e in result.errors]
    assert result.sheets["大会发言"].rows == 1 and result.sheets["大会发言"].created == 1


def test_a_ledger_column_past_column_200_is_one_error_at_row_1(baseline):
    before = table_counts()
    data = speeches_workbook((1, 300, "发言主题"), header=SPEECHES[:3])
    result = import_ledger(data, TERM)
    assert [str(e) for e in result.errors] == [
        "工作表 大会发言 第 1 行：表头超过 200 列，请删除多余的列"
    ]
    assert not result.applied and table_counts() == before
    # A note far right is no ledger column: ignored.
    assert import_ledger(speeches_workbook((1, 300, "备注"), (2, 300, "已核对")), TERM).ok


def test_a_zip_that_unpacks_too_large_is_refused_before_reading(baseline, settings):
    data = speeches_workbook()
    settings.LEDGER_MAX_UNZIPPED_BYTES = 10_000  # the workbook is larger
    before = table_counts()
    result = import_ledger(data, TERM)
    assert [(e.sheet, e.row) for e in result.errors] == [("", 0)]
    assert "解压后超过" in result.errors[0].message
    assert table_counts() == before
