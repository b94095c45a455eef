"""One percentage rule everywhere (issue 11 item 11); groups by their number and year
selectors within the terms (item 12)."""

import io
import re
from datetime import date

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from activities.models import Activity, ActivityType, Participation
from deputies.models import DeputyGroup, Role, group_number
from jdrenda.percent import format_percent, percent, share

pytestmark = pytest.mark.django_db


def test_percent_rounds_half_up_to_one_decimal():
    assert percent(39, 40) == 97.5
    assert percent(1, 16) == 6.3  # 6.25: half up (Python's round() would give 6.2)
    assert percent(2, 3) == 66.7
    assert percent(0, 0) is None
    assert share(1, 16) == 0.063
    assert format_percent(percent(1, 16)) == "6.3%"
    assert format_percent(percent(1, 1)) == "100.0%"
    assert format_percent(None) == "—"


@pytest.fixture
def sixteen(term, make_deputy, make_delegation, make_user):
    """16 deputies of 安亭镇, one of whom attended a training in 2025: 1/16 = 6.25%."""
    cache.clear()
    delegation = make_delegation("安亭镇")
    deputies = [make_deputy(term, f"A{i:03}", delegation=delegation) for i in range(16)]
    training = Activity.objects.create(term=term, name="培训", date=date(2025, 5, 6),
                                       type=ActivityType.TRAINING)  # fmt: skip
    Participation.objects.create(activity=training, deputy=deputies[0], status="present")
    yield make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    cache.clear()


def _rule_row(html: str, code: str) -> str:
    match = re.search(rf'<tr data-rule="{code}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_the_same_rate_shows_identically_on_dashboard_and_evaluation_page(sixteen, client_for):
    client = client_for(sixteen)
    dashboard = client.get("/dashboard/?year=2025").content.decode()
    evaluation = client.get("/evaluation/?year=2025").content.decode()
    assert _rule_row(dashboard, "ART13_TRAINING").endswith("1/16 15 0 6.3%")
    assert _rule_row(evaluation, "ART13_TRAINING").endswith("1/16 6.3%")


def test_workbook_rates_are_numbers_with_a_percent_format(sixteen, client_for):
    response = client_for(sixteen).get("/evaluation/download/?year=2025")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb["按代表团汇总"]
    header = [c.value for c in ws[1]]
    col = header.index("履职学习培训")
    anting = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "安亭镇")
    assert anting[col].value == 0.063 and anting[col].number_format == "0.0%"
    rate = anting[header.index("全部达标率")]
    assert rate.value == 0.0 and rate.number_format == "0.0%"


def test_group_number_parses_chinese_and_arabic_numerals():
    assert group_number("安亭镇第一代表小组") == 1
    assert group_number("安亭镇第十代表小组") == 10
    assert group_number("安亭镇第十一代表小组") == 11
    assert group_number("安亭镇第二十代表小组") == 20
    assert group_number("安亭镇第九十九代表小组") == 99
    assert group_number("南翔二组") == 2
    assert group_number("第12组") == 12
    assert group_number("安亭小组") == 0


NAMES = ["第一", "第二", "第三", "第十", "第十一", "第二十"]


@pytest.fixture
def groups(term, make_delegation, make_group):
    delegation = make_delegation("安亭镇")
    for name in ["第三", "第十一", "第二", "第二十", "第一", "第十"]:  # created out of order
        make_group(term, delegation, f"安亭镇{name}代表小组")
    return [f"安亭镇{name}代表小组" for name in NAMES]


def test_groups_are_listed_by_their_number(groups, make_user, client_for):
    assert list(DeputyGroup.objects.values_list("name", flat=True)) == groups
    office = make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    page = client_for(office).get("/supervision/groups/?year=2026").content.decode()
    shown = [name for name in re.findall(r"安亭镇第.{1,3}代表小组", page) if name in groups]
    assert list(dict.fromkeys(shown)) == groups


def test_year_selectors_offer_only_the_terms_years(term, make_user, client_for):
    office = make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    client = client_for(office)
    for url in ("/evaluation/", "/deputies/", "/supervision/interviews/candidates/"):
        page = client.get(url).content.decode()
        select = re.search(r'<select[^>]*name="year"[^>]*>(.*?)</select>', page, re.S).group(1)
        years = re.findall(r'<option value="(\d+)"', select)
        assert years == ["2026", "2025", "2024", "2023", "2022"], url
