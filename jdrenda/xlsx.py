"""Writing workbooks people open in Excel and print on A4: text that is never a formula, widths
that fit Chinese, red shortfall cells, and a print setup (orientation, fit to one page wide,
repeated header row, a title and page numbers on every page). Used by every export."""

import functools
from collections.abc import Iterable, Sequence
from math import ceil

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# Excel (and LibreOffice) read these leading characters as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@")

RED_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
RED_FONT = Font(color="9C0006")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")

A4 = 9  # the paper size code of ECMA-376 (openpyxl's PAPERSIZE_A4)
# Column widths (in characters) above which a portrait A4 page would shrink text too far.
PORTRAIT_MAX_WIDTH = 100
# The widest a column gets; longer text wraps inside it, and its row grows.
WRAP_WIDTH = 50
LINE_HEIGHT = 15  # points per line of 11-point text


def display_width(value) -> int:
    """Columns a value needs: a CJK (full-width) character takes two."""
    text = "" if value is None else str(value)
    if text.isascii():
        return len(text)
    return _wide_text_width(text)


@functools.lru_cache(maxsize=8192)
def _wide_text_width(text: str) -> int:
    # A workbook of 20,000 deputies measures the same few hundred texts (达标, names of towns
    # and rules) some 900,000 times: remembered, not counted again.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def cell(ws, value, *, red: bool = False, bold: bool = False, header: bool = False,
         number_format: str | None = None) -> WriteOnlyCell:  # fmt: skip
    """A write-only cell; text that looks like a formula is stored as text."""
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        c.data_type = "s"
        c.quotePrefix = True
    if red:
        c.fill = RED_FILL
        c.font = RED_FONT
    if bold or header:
        c.font = HEADER_FONT
    if header:
        c.fill = HEADER_FILL
    if number_format:
        c.number_format = number_format
    return c


def set_widths(ws, rows: Iterable[Sequence], minimum: int = 6, maximum: int = 60) -> None:
    """Column widths that fit the longest value of each column (call before the first row)."""
    widths: dict[int, int] = {}
    for row in rows:
        for index, value in enumerate(row, start=1):
            widths[index] = max(widths.get(index, 0), display_width(value))
    for index, width in widths.items():
        ws.column_dimensions[get_column_letter(index)].width = max(minimum, min(maximum, width + 2))


def table_widths(header: Sequence[str], rows: Sequence[Sequence]) -> list[int]:
    """Widths for a printed table: each column fits its longest value up to WRAP_WIDTH; a
    header longer than its values wraps onto two lines rather than widening the column."""
    widths = [0] * len(header)
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], display_width(value))
    return [
        max(min(WRAP_WIDTH, width) + 2, _two_line_width(title))
        for width, title in zip(widths, header, strict=True)
    ]


def _two_line_width(title: str) -> int:
    # A CJK character is a little over two width units wide, so 2k + 1 holds k characters
    # and not k + 1: Excel's greedy wrap then splits 联系选民 as 联系/选民, not 联系选/民.
    return (display_width(title) + 3) // 4 * 2 + 1


def made_at() -> str:
    """生成于 2026-12-03 14:05 (local time), for a printed title."""
    from django.utils import timezone

    return f"生成于 {timezone.localtime():%Y-%m-%d %H:%M}"


def _escape(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a code (&P, &N) in headers and footers


def print_setup(
    ws,
    widths: Sequence[float],
    *,
    title: str = "",
    header_rows: int = 1,
    title_columns: int = 0,
    landscape: bool | None = None,
) -> None:
    """A4, fit to one page wide, `title` at the top and 第 N 页，共 M 页 at the bottom of every
    page, the header rows (and `title_columns` identity columns) repeated on every page.

    For write-only sheets call it before the first row: openpyxl writes the sheet's
    properties with its first row."""
    if landscape is None:
        landscape = sum(widths) > PORTRAIT_MAX_WIDTH
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = True
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
    if title_columns:
        ws.print_title_cols = f"A:{get_column_letter(title_columns)}"
    if title:
        ws.oddHeader.center.text = _escape(title)
        ws.oddHeader.center.size = 11
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def write_table(
    ws,
    header: Sequence[str],
    rows: Sequence[Sequence],
    red=None,
    *,
    title: str = "",
    identity_columns: int = 0,
    number_formats: dict[int, str] | None = None,
    float_format: str | None = None,
) -> None:
    """A sheet with a bold header row, frozen with the first `identity_columns` columns, set
    up for printing (print_setup). `red(row_index, col_index)` marks cells red;
    `number_formats` {column index: format} applies to that column's numbers and
    `float_format` to every float cell (e.g. jdrenda.percent's rates)."""
    widths = table_widths(header, rows)
    print_setup(ws, widths, title=title, title_columns=identity_columns)
    ws.freeze_panes = f"{get_column_letter(identity_columns + 1)}2"
    # Wrapped headers need their row to be two lines high (write-only: set before the row).
    if any(display_width(h) + 2 > w for h, w in zip(header, widths, strict=True)):
        ws.row_dimensions[1].height = 2 * LINE_HEIGHT
    ws.append([_header_cell(ws, h) for h in header])
    formats = number_formats or {}
    for r, row in enumerate(rows):
        lines = max(
            (ceil(display_width(v) / w) for v, w in zip(row, widths, strict=False) if v),
            default=1,
        )
        if lines > 1:
            ws.row_dimensions[r + 2].height = lines * LINE_HEIGHT
        ws.append(
            [
                _value(
                    ws,
                    v,
                    bool(red and red(r, c)),
                    formats.get(c) or (float_format if isinstance(v, float) else None),
                    wrap=lines > 1,
                )
                for c, v in enumerate(row)
            ]
        )


def _header_cell(ws, title: str) -> WriteOnlyCell:
    c = cell(ws, title, header=True)
    c.alignment = HEADER_WRAP
    return c


def _value(ws, value, red: bool, number_format: str | None = None, wrap: bool = False):
    # Plain values are appended as they are (cheap); a cell object only where it matters.
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    text = isinstance(value, str)
    if red or (text and value.startswith(FORMULA_PREFIXES)) or (number_format and is_number):
        c = cell(ws, value, red=red, number_format=number_format if is_number else None)
    elif wrap and text:
        c = WriteOnlyCell(ws, value=value)
    else:
        return value
    if wrap and text:
        c.alignment = WRAP
    return c
