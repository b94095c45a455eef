"""jdrenda.params: what each helper accepts, and that an invalid value is ignored (issue 12)."""

from datetime import date

import pytest
from django.test import RequestFactory

from jdrenda.params import MAX_ID, date_param, int_param, text_param, year_param


def _request(**query):
    return RequestFactory().get("/", query)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (" 42 ", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),  # beyond the integer column
        ("1" * 25, None),
        ("-3", None),
        ("0", None),
        ("²", None),  # str.isdigit() is True, int() fails
        ("١٢", None),  # Arabic-Indic digits: int() accepts them, an id never has them
        ("4e2", None),
        ("", None),
    ],
)
def test_int_param(raw, expected):
    assert int_param(_request(id=raw), "id") == expected


def test_repeated_parameter_takes_the_last_value():
    assert int_param(RequestFactory().get("/?id=abc&id=7"), "id") == 7


def test_year_date_and_text():
    assert year_param(_request(year="2024")) == 2024
    assert year_param(_request(year="1999"), default=2026) == 2026
    assert date_param(_request(d="2024-02-29"), "d") == date(2024, 2, 29)
    assert date_param(_request(d="2026-02-30"), "d") is None
    assert date_param(_request(d="昨天"), "d") is None
    assert text_param(_request(q=" 甲\x00乙 "), "q") == "甲乙"
    assert len(text_param(_request(q="x" * 1000), "q")) == 200
