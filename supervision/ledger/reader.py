"""Reading the workbook: sheets by name, header row matched loosely, data rows as dicts.

Forgiving where Excel users are (a title row above the header, vertically merged cells,
stray spaces and full-width characters), loud where the file cannot be trusted (a sheet
name close to a known one, a header given twice, a hidden column repeating a visible one,
a file too large to be a ledger).
"""

import io
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from supervision.ledger import progress
from supervision.ledger.cells import is_blank
from supervision.ledger.issues import Issue
from supervision.ledger.schema import SHEETS, normalise_header

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx, are OLE files
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument"
# Python's zipfile never unpacks a member past its declared size, so the declared sizes bound
# it. The defaults are the settings' (LEDGER_MAX_*); these module values are the fallbacks.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000  # data rows per sheet
MAX_READ_SECONDS = 20  # a gunicorn worker is killed at 30 s
MAX_COLUMNS = 200  # the widest sheet has 14 columns; a header past this is not a ledger
HEADER_SEARCH_ROWS = 10  # a title and blank rows above the header: looked for this far down


class _Refused(Exception):
    """The file is past a limit; the message is the Chinese text shown to the user."""


@dataclass
class Row:
    number: int  # as Excel shows it
    values: dict  # normalised header -> raw cell value


@dataclass
class Sheet:
    name: str
    columns: set  # normalised headers present
    rows: list
    header_row: int = 1


def _limit(name: str, default):
    return getattr(settings, name, None) or default


def _read_bytes(source) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read()


def _file_error(message) -> tuple[dict, list[Issue]]:
    return {}, [Issue("", 0, "", message)]


def read_workbook_with_warnings(source) -> tuple[dict[str, Sheet], list[Issue], list[Issue]]:
    """The known sheets of the workbook, its errors and its warnings (hidden sheets and
    columns, a header found below row 1); bad input gives one clear error, never an exception."""
    try:
        data = _read_bytes(source)
    except OSError as exc:
        return {}, [Issue("", 0, "", _("无法读取文件：%(error)s") % {"error": exc})], []
    sheets, errors = _check_container(data)
    if errors:
        return sheets, errors, []
    # Imported lazily: openpyxl is only needed here.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open is the user's file, not our bug
        return (
            {},
            [Issue("", 0, "", _("文件已损坏或不是有效的 Excel 工作簿（.xlsx），无法读取。"))],
            [],
        )
    deadline = time.monotonic() + _limit("LEDGER_MAX_READ_SECONDS", MAX_READ_SECONDS)
    try:
        return _read_sheets(workbook, deadline)
    except _Refused as exc:
        return {}, [Issue("", 0, "", str(exc))], []
    except Exception:  # noqa: BLE001 - a malformed sheet part inside a valid zip
        return {}, [Issue("", 0, "", _("工作簿内容已损坏，无法读取。"))], []
    finally:
        workbook.close()


def _check_container(data: bytes):
    """The file's kind and declared size, before anything is unpacked."""
    if data.startswith(_OLE_MAGIC):
        return _file_error(
            _(
                "文件是旧版 Excel（.xls）格式或已设置密码保护，无法读取；"
                "请在 Excel 中取消密码并另存为 .xlsx 格式后再导入。"
            )
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return _file_error(_("文件不是 Excel 工作簿（.xlsx），请另存为 .xlsx 格式后再导入。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            unzipped = sum(info.file_size for info in infos)
            names = {info.filename for info in infos}
            mimetype = b""
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                mimetype = archive.read("mimetype")
    except Exception:  # noqa: BLE001 - a zip too broken to list
        return {}, []  # openpyxl says it cannot open it
    if (
        mimetype.startswith(_ODS_MIMETYPE)
        or "content.xml" in names
        and "xl/workbook.xml" not in names
    ):
        return _file_error(
            _(
                "文件是 OpenDocument 表格（.ods，WPS 或 LibreOffice 的格式），无法直接读取；"
                "请另存为 .xlsx 格式后再导入。"
            )
        )
    limit = _limit("LEDGER_MAX_UNZIPPED_BYTES", MAX_UNZIPPED_BYTES)
    if unzipped > limit:  # a zip bomb: a small upload that unpacks to hundreds of megabytes
        message = _(
            "文件解压后超过 %(n)s MB（声明大小 %(size)s MB），不像是台账工作簿，无法读取；"
            "请删除无关的工作表、图片和格式，或拆分为多个工作簿分批导入。"
        )
        return _file_error(message % {"n": limit // 1024 // 1024, "size": unzipped // 1024 // 1024})
    return {}, []


def sheet_key(name: str) -> str:
    """A sheet name as compared: NFKC, every space removed."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def _intended(name: str) -> str | None:
    """The known sheet a name not exactly known was likely meant to be (it contains it)."""
    key = sheet_key(name)
    matches = [known for known in SHEETS if known in key]
    return max(matches, key=len) if matches else None


def _read_sheets(workbook, deadline) -> tuple[dict[str, Sheet], list[Issue], list[Issue]]:
    sheets, errors, warnings = {}, [], []
    read = 0  # rows read in the sheets before, for the progress bar
    chosen = {}  # known name -> the worksheet's own title
    for title in workbook.sheetnames:
        worksheet = workbook[title]
        hidden = getattr(worksheet, "sheet_state", "visible") != "visible"
        if title in SHEETS:
            chosen[title] = title
            if hidden:
                warnings.append(
                    Issue(
                        "",
                        0,
                        "",
                        _("工作表「%(name)s」是隐藏的，其内容也会导入。") % {"name": title},
                    )
                )
            continue
        intended = _intended(title)
        if intended is None:
            if hidden:
                warnings.append(
                    Issue(
                        "",
                        0,
                        "",
                        _("隐藏的工作表「%(name)s」不是台账工作表，未导入。") % {"name": title},
                    )
                )
            continue
        if intended in workbook.sheetnames:
            message = _(
                "工作表「%(name)s」与工作表「%(intended)s」名称相近（仅空格、全角字符或附加文字不同），"
                "无法确定导入哪一个；请删除或改名其中一个。"
            )
        else:
            message = _(
                "工作表名称「%(name)s」不是规定的名称，应为「%(intended)s」吗？"
                "请将工作表改名为「%(intended)s」后再导入（名称须完全一致）。"
            )
        errors.append(Issue("", 0, "", message % {"name": title, "intended": intended}))
    for sheet_name, columns in SHEETS.items():
        if sheet_name not in chosen:
            continue
        sheet = _read_sheet(
            workbook, workbook[chosen[sheet_name]], sheet_name, columns, deadline, errors, warnings,
            read,
        )  # fmt: skip
        if sheet is not None:
            sheets[sheet_name] = sheet
            read += len(sheet.rows)
            progress.report(progress.READING, read)
    if not sheets and not errors:
        if chosen:
            message = _("工作簿中的台账工作表（%(names)s）都是空的，没有可导入的记录。")
            message %= {"names": "、".join(chosen)}
        else:
            message = _(
                "工作簿中没有可识别的台账工作表，未导入任何记录；工作表名称须为：%(names)s。"
            ) % {"names": "、".join(SHEETS)}
        errors.append(Issue("", 0, "", message))
    return sheets, errors, warnings


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _parse(workbook, worksheet, sheet_name, deadline, read_before=0):
    """The sheet's rows as {row number: {column (1-based): value}}, its merged ranges and
    hidden columns, read in one pass and stopped at the row and time limits."""
    # openpyxl's own sheet parser, driven here rather than through iter_rows: rows come as
    # stored (no padding to a declared size), and the merged cells and hidden columns, which
    # a read-only worksheet does not expose, come from the same pass.
    from openpyxl.worksheet._reader import WorkSheetParser

    max_rows = _limit("LEDGER_MAX_ROWS", MAX_ROWS)
    rows, filled = {}, 0
    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for count, (number, cells) in enumerate(parser.parse()):
            if count % 500 == 0:
                if time.monotonic() > deadline:
                    raise _Refused(
                        _("工作表「%(sheet)s」内容过多，读取超时；请拆分为多个工作簿分批导入。")
                        % {"sheet": sheet_name}
                    )
                progress.report(progress.READING, read_before + count)
            values = {
                cell["column"]: cell["value"]
                for cell in cells
                if not is_blank(cell["value"])
                and (cell["column"] <= MAX_COLUMNS or filled < HEADER_SEARCH_ROWS)
            }
            if not values:
                continue
            filled += 1
            if filled > max_rows + HEADER_SEARCH_ROWS:
                raise _Refused(_too_many_rows(sheet_name, max_rows))
            rows.setdefault(number, {}).update(values)
        merged = [m.ref for m in (parser.merged_cells.mergeCell if parser.merged_cells else [])]
        hidden = set()
        for attrs in parser.column_dimensions.values():
            if str(attrs.get("hidden", "")).lower() in ("1", "true"):
                first, last = int(attrs["min"]), int(attrs.get("max", attrs["min"]))
                hidden.update(range(first, min(last, MAX_COLUMNS) + 1))
    return rows, merged, hidden


def _too_many_rows(sheet_name, max_rows):
    return _(
        "工作表「%(sheet)s」超过 %(n)s 行数据，超出一次导入的上限；请拆分为多个工作簿分批导入。"
    ) % {"sheet": sheet_name, "n": max_rows}


def _find_header(rows: dict, columns) -> int:
    """The header row: the first of the top rows holding every required column, else the one
    holding the most known columns; row 1 when none holds any."""
    known = {column.header for column in columns}
    required = {column.header for column in columns if column.required}
    best, best_count = None, 0
    for number in sorted(rows)[:HEADER_SEARCH_ROWS]:
        names = {normalise_header(value) for value in rows[number].values()}
        if required <= names and names & known:
            return number
        count = len(names & known)
        if count > best_count:
            best, best_count = number, count
    return best or 1


def _read_sheet(workbook, worksheet, sheet_name, columns, deadline, errors, warnings, read=0):
    from openpyxl.utils.cell import range_boundaries

    cells, merged, hidden = _parse(workbook, worksheet, sheet_name, deadline, read)
    header_row = _find_header(cells, columns)
    header = cells.get(header_row, {})
    known = {column.header for column in columns}
    positions, duplicates, too_wide = {}, [], False
    for index in sorted(header):
        name = normalise_header(header[index])
        if not name:
            continue
        if index > MAX_COLUMNS:  # a note far right is ignored; a ledger column is not
            too_wide = too_wide or name in known
            continue
        if name in positions:
            if name in known:
                duplicates.append((name, positions[name], index))
            continue
        positions[name] = index
    if too_wide:
        errors.append(
            Issue(
                sheet_name,
                header_row,
                "",
                _("表头超过 %(n)s 列，请删除多余的列") % {"n": MAX_COLUMNS},
            )
        )
        return None
    for name, first, second in duplicates:

        def label(index):
            letter = _column_letter(index)
            return (
                _("%(letter)s 列（隐藏）") % {"letter": letter}
                if index in hidden
                else _("%(letter)s 列") % {"letter": letter}
            )

        errors.append(
            Issue(
                sheet_name,
                header_row,
                name,
                _(
                    "表头「%(name)s」出现两次：%(first)s和%(second)s；无法确定导入哪一列，请删除其中一列。"
                )
                % {"name": name, "first": label(first), "second": label(second)},
            )
        )
    if duplicates:
        return None
    for name, index in positions.items():
        if name in known and index in hidden:
            warnings.append(
                Issue(
                    sheet_name,
                    header_row,
                    name,
                    _("「%(name)s」列（%(letter)s 列）是隐藏列，其内容也会导入。")
                    % {"name": name, "letter": _column_letter(index)},
                )
            )
    # A vertically merged block shows its value on each of its rows: so it is read.
    for ref in merged:
        try:
            min_col, min_row, _max_col, max_row = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        if min_row <= header_row or max_row == min_row or min_row not in cells:
            continue
        value = cells[min_row].get(min_col)
        if value is None:
            continue
        for number in range(min_row + 1, max_row + 1):
            row = cells.get(number)
            if row and min_col not in row:  # rows with nothing else stay blank rows
                row[min_col] = value
    rows = []
    for number in sorted(cells):
        if number <= header_row:
            continue
        values = {name: cells[number].get(index) for name, index in positions.items()}
        if all(is_blank(v) for v in values.values()) and positions:
            continue
        if not positions:
            continue
        rows.append(Row(number, values))
    max_rows = _limit("LEDGER_MAX_ROWS", MAX_ROWS)
    if len(rows) > max_rows:
        raise _Refused(_too_many_rows(sheet_name, max_rows))
    data_below = any(number > header_row for number in cells)
    if not positions and not data_below:
        return None  # an empty sheet is as good as an absent one
    if header_row != 1 and positions:
        warnings.append(
            Issue(
                sheet_name,
                header_row,
                "",
                _("表头在第 %(row)s 行，已跳过上方的标题行或空行。") % {"row": header_row},
            )
        )
    missing = [c.header for c in columns if c.required and c.header not in positions]
    for header_name in missing:
        errors.append(Issue(sheet_name, header_row, header_name, _("缺少必填列")))
    if missing:
        return None
    return Sheet(sheet_name, set(positions), rows, header_row)
