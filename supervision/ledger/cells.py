"""Cell values as staff type them into Excel: dates in several forms, codes typed as numbers."""

import re
import unicodedata
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

# Excel serial numbers for 1920-01-01 and 2099-12-31: a number outside (a bare year such as
# 2024, say) is not taken for a date.
_SERIAL_MIN, _SERIAL_MAX = 7306, 73415
_EXCEL_EPOCH = date(1899, 12, 30)

_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),  # 20250702
)
_SERIAL_TEXT = re.compile(r"^\d{4,5}(?:\.0+)?$")  # an Excel serial that arrived as text

# The explicit marker that clears a stored value (a blank cell never does): the template
# documents it. Compared after NFKC, so the full-width and half-width brackets both work.
CLEAR = "（清空）"
_CLEAR_KEY = unicodedata.normalize("NFKC", CLEAR)


class CellError(ValueError):
    """A value that cannot be read; the message is the Chinese text shown to the user."""


def text(value) -> str:
    """A cell as trimmed text; whole numbers lose the `.0` Excel gives them (codes, phones)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def is_blank(value) -> bool:
    return text(value) == ""


def code(value) -> str:
    """A code or an enumerated value as compared: NFKC (full-width ＪＤ７０ is JD70), trimmed."""
    return unicodedata.normalize("NFKC", text(value)).strip()


def is_clear(value) -> bool:
    """The cell holds the clearing marker （清空）."""
    return isinstance(value, str) and code(value).replace(" ", "") == _CLEAR_KEY


def parse_date(value) -> date | None:
    """An Excel date, a serial number (also as text), or text YYYY-MM-DD, YYYY/MM/DD,
    YYYY年M月D日, YYYY.M.D, YYYYMMDD (also as a number)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        if float(value).is_integer() and 10_000_000 <= value <= 99_999_999:
            value = str(int(value))  # 20250702 typed as a number: read as YYYYMMDD below
        else:
            raise CellError(_msg_bad_date(text(value)))
    raw = code(value)
    if not raw:
        return None
    if _SERIAL_TEXT.match(raw):
        serial = int(float(raw))
        if _SERIAL_MIN <= serial <= _SERIAL_MAX:
            return _EXCEL_EPOCH + timedelta(days=serial)
        raise CellError(_msg_bad_date(raw))
    for form in _DATE_FORMS:
        match = form.match(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                message = _("日期「%(value)s」不存在；%(forms)s")
                raise CellError(message % {"value": raw, "forms": date_forms_text()}) from None
    raise CellError(_msg_bad_date(raw))


def _msg_bad_date(raw: str) -> str:
    return _("无法识别的日期「%(value)s」，%(forms)s") % {"value": raw, "forms": date_forms_text()}


def date_forms_text() -> str:
    """Every refusal of a date lists the accepted forms (DESIGN.md, the import contract)."""
    return _(
        "可填写的日期格式：Excel 日期，或文字 2025-04-15、2025/4/15、2025年4月15日、"
        "2025.4.15、20250415"
    )
