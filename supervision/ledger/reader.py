"""Reading the workbook: sheets by name, header row matched loosely, data rows as dicts."""

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .cells import is_blank
from .issues import Issue
from .schema import SHEETS, normalise_header

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx, are OLE files
# Python's zipfile never unpacks a member past its declared size, so the declared sizes bound it.
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
MAX_COLUMNS = 200  # the widest sheet has 14 columns; a header past this is not a ledger


@dataclass
class Row:
    number: int  # as Excel shows it
    values: dict  # normalised header -> raw cell value


@dataclass
class Sheet:
    name: str
    columns: set  # normalised headers present
    rows: list


def _read_bytes(source) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read()


def read_workbook(source) -> tuple[dict[str, Sheet], list[Issue]]:
    """The known sheets of the workbook; bad input gives one clear error, never an exception."""
    try:
        data = _read_bytes(source)
    except OSError as exc:
        return {}, [Issue("", 0, "", _("无法读取文件：%(error)s") % {"error": exc})]
    if data.startswith(_OLE_MAGIC):
        return {}, [
            Issue(
                "",
                0,
                "",
                _(
                    "文件是旧版 Excel（.xls）格式或已设置密码保护，无法读取；"
                    "请在 Excel 中取消密码并另存为 .xlsx 格式后再导入。"
                ),
            )
        ]
    if not zipfile.is_zipfile(io.BytesIO(data)):
        message = _("文件不是 Excel 工作簿（.xlsx），请另存为 .xlsx 格式后再导入。")
        return {}, [Issue("", 0, "", message)]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except Exception:  # noqa: BLE001 - a zip too broken to list
        unzipped = 0  # openpyxl below says it cannot open it
    if unzipped > MAX_UNZIPPED_BYTES:  # a zip bomb: a small upload that unpacks to gigabytes
        message = _("文件解压后超过 %(n)s MB，不像是台账工作簿，无法读取。")
        return {}, [Issue("", 0, "", message % {"n": MAX_UNZIPPED_BYTES // 1024 // 1024})]
    # Imported lazily: openpyxl is only needed here.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open is the user's file, not our bug
        return {}, [Issue("", 0, "", _("文件已损坏或不是有效的 Excel 工作簿（.xlsx），无法读取。"))]
    try:
        return _read_sheets(workbook)
    except Exception:  # noqa: BLE001 - a malformed sheet part inside a valid zip
        return {}, [Issue("", 0, "", _("工作簿内容已损坏，无法读取。"))]
    finally:
        workbook.close()


def _read_sheets(workbook) -> tuple[dict[str, Sheet], list[Issue]]:
    sheets, errors = {}, []
    by_name = {name.strip(): name for name in workbook.sheetnames}
    for sheet_name, columns in SHEETS.items():
        if sheet_name not in by_name:
            continue
        worksheet = workbook[by_name[sheet_name]]
        # The declared size (<dimension>) is the file's word: A1:XFD1048576 in a 5 KB file
        # would pad every row to 16,384 cells for a million rows. Rows are read as stored,
        # no wider than the header.
        worksheet.reset_dimensions()
        header = next(worksheet.iter_rows(max_row=1, values_only=True), None) or ()
        positions, too_wide = {}, False
        known = {column.header for column in columns}
        for index, cell in enumerate(header):
            name = normalise_header(cell)
            if not name or name in positions:
                continue
            if index >= MAX_COLUMNS:  # a note far right is ignored; a ledger column is not
                too_wide = too_wide or name in known
                continue
            positions[name] = index
        if too_wide:
            errors.append(
                Issue(
                    sheet_name, 1, "", _("表头超过 %(n)s 列，请删除多余的列") % {"n": MAX_COLUMNS}
                )
            )
            continue
        width = max(positions.values()) + 1 if positions else None  # None: as stored
        rows = []
        data = worksheet.iter_rows(min_row=2, max_col=width, values_only=True)
        for number, values in enumerate(data, start=2):
            if all(is_blank(v) for v in values):
                continue
            rows.append(
                Row(
                    number,
                    {
                        name: (values[i] if i < len(values) else None)
                        for name, i in positions.items()
                    },
                )
            )
        if not positions and not rows:
            continue  # an empty sheet is as good as an absent one
        missing = [c.header for c in columns if c.required and c.header not in positions]
        for header_name in missing:
            errors.append(Issue(sheet_name, 1, header_name, _("缺少必填列")))
        if missing:
            continue
        sheets[sheet_name] = Sheet(sheet_name, set(positions), rows)
    return sheets, errors
