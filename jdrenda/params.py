"""Reading query parameters: the one way every view turns ?key=value into a value.

A value that cannot be what the page asks for (text for an id, an id beyond the integer
column, a year outside 2000–2100, an impossible date, a choice not offered) is ignored: the
page behaves as if the parameter were absent and says so once, in a message at the top
("链接中的参数“term”无效，已忽略。"). Nothing here raises, so a hand-edited or truncated link
never gives a 500. Text parameters lose NUL characters, which PostgreSQL refuses in a query.

`str.isdigit()` is not a test for int(): "²" and "١" pass it; a 25-digit id passes it and
overflows the column. These helpers accept ASCII digits only, within the column's range.
"""

import re
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

# Ids fit every integer column of the project (int and bigint primary keys alike); no table
# comes near two billion rows.
MAX_ID = 2**31 - 1
MIN_YEAR, MAX_YEAR = 2000, 2100
TEXT_LIMIT = 200
_INTEGER = re.compile(r"-?[0-9]{1,12}")


def clean_text(value) -> str:
    """The text without NUL characters and surrounding spaces."""
    return str(value or "").replace("\x00", "").strip()


def note_invalid(request, key: str) -> None:
    """Tell the user, once per parameter and request, that `key` was ignored."""
    seen = request.__dict__.setdefault("_jdrenda_ignored_params", set())
    if key in seen:
        return
    seen.add(key)
    messages.warning(
        request, _("链接中的参数“%(key)s”无效，已忽略。") % {"key": key}, fail_silently=True
    )


def _raw(request, key, source) -> str:
    data = request.GET if source is None else source
    return clean_text(data.get(key, ""))  # the last value when the key is repeated


def int_param(request, key, *, source=None, minimum=1, maximum=MAX_ID, default=None):
    """An integer (an id unless bounds are given) or `default`."""
    raw = _raw(request, key, source)
    if not raw:
        return default
    if _INTEGER.fullmatch(raw) and minimum <= int(raw) <= maximum:
        return int(raw)
    note_invalid(request, key)
    return default


def int_list_param(request, key, *, source=None, maximum=MAX_ID) -> list[int]:
    """Every valid id given under `key` (checkboxes); invalid ones are named and left out."""
    data = request.GET if source is None else source
    ids = []
    for value in data.getlist(key):
        raw = clean_text(value)
        if _INTEGER.fullmatch(raw) and 1 <= int(raw) <= maximum:
            ids.append(int(raw))
        elif raw:
            note_invalid(request, key)
    return ids


def year_param(request, key="year", *, source=None, default=None):
    """A year within 2000–2100 or `default`."""
    return int_param(
        request, key, source=source, minimum=MIN_YEAR, maximum=MAX_YEAR, default=default
    )


def date_param(request, key, *, source=None) -> date | None:
    """A YYYY-MM-DD date or None."""
    raw = _raw(request, key, source)
    if not raw:
        return None
    try:
        value = parse_date(raw)
    except ValueError:  # well formed but impossible (2026-02-30)
        value = None
    if value is None:
        note_invalid(request, key)
    return value


def choice_param(request, key, choices, *, source=None, default=""):
    """One of `choices` (an iterable of values) or `default`."""
    raw = _raw(request, key, source)
    if not raw:
        return default
    if raw in {str(c) for c in choices}:
        return raw
    note_invalid(request, key)
    return default


def text_param(request, key, *, source=None, max_length=TEXT_LIMIT) -> str:
    """Free text (a search), cut to `max_length`."""
    return _raw(request, key, source)[:max_length]


def note_invalid_form(request, form) -> None:
    """For the filter forms bound to request.GET: note each field whose value was ignored."""
    if form.is_bound and not form.is_valid():
        for key in form.errors:
            note_invalid(request, key)


class ModelIdsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses an id beyond the integer column as an invalid
    choice. Django checks each value with an exact lookup (which is bounded) but then fetches
    them all with __in (which is not): a 25-digit id is an OverflowError on SQLite."""

    def _check_values(self, value):
        for pk in value or ():
            text = clean_text(pk)
            if not (_INTEGER.fullmatch(text) and 1 <= int(text) <= MAX_ID):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
