"""Writing workbooks people open in Excel: text that is never a formula, widths that fit
Chinese, red shortfall cells. Used by every export of the project."""

from collections.abc import Iterable, Sequence

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


def display_width(value) -> int:
    """Columns a value needs: a CJK (full-width) character takes two."""
    text = "" if value is None else str(value)
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


def write_table(
    ws, header: Sequence[str], rows: Sequence[Sequence], red=None, float_format: str | None = None
) -> None:
    """A sheet with a frozen, bold header row. `red(row_index, col_index)` marks cells red;
    `float_format` is the number format of every float cell (e.g. jdrenda.percent's)."""
    set_widths(ws, [header, *rows])
    ws.freeze_panes = "A2"
    ws.append([cell(ws, h, header=True) for h in header])
    for r, row in enumerate(rows):
        ws.append([_value(ws, v, bool(red and red(r, c)), float_format)
                   for c, v in enumerate(row)])  # fmt: skip


def _value(ws, value, red: bool, float_format: str | None = None):
    # Plain values are appended as they are (cheap); a cell object only where it matters.
    if float_format and isinstance(value, float):
        return cell(ws, value, red=red, number_format=float_format)
    if red or (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)):
        return cell(ws, value, red=red)
    return value
