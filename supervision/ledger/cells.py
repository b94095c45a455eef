"""Cell values as staff type them into Excel: dates in several forms, codes typed as numbers."""

import re
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
)


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


def parse_date(value) -> date | None:
    """An Excel date, a serial number, or text YYYY-MM-DD, YYYY/MM/DD, YYYY年M月D日."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(_msg_bad_date(text(value)))
    raw = text(value)
    if not raw:
        return None
    for form in _DATE_FORMS:
        match = form.match(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise CellError(_("日期「%(value)s」不存在") % {"value": raw}) from None
    raise CellError(_msg_bad_date(raw))


def _msg_bad_date(raw: str) -> str:
    return _(
        "无法识别的日期「%(value)s」，请填写 Excel 日期或 YYYY-MM-DD、YYYY/MM/DD、YYYY年M月D日"
    ) % {"value": raw}
