"""Status as of a date (DESIGN.md "Status as of a date", issue 14 item 13).

The demo term 第七届 runs 2022-01-01..2026-12-31 and 'today' is fixed to 2026-12-03: 2026 is
running, so pages show 进行中/预警 and no Art. 29 reason; the year-end evaluation (workbook,
feedback sheets) judges the full year; from 2027-01-01 the pages show 未达标.

Expected values are worked out by hand from the pace rule of supervision/compliance.py:
due = round(required × done / days), halves up; 预警 when achieved < due.
"""

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.core.management import call_command
from openpyxl import load_workbook

from activities.models import Activity, ActivityType, Participation
from deputies.models import Role
from supervision.evaluation import compliance
from supervision.evaluation.compliance import Status, evaluate_year, pace_due
from supervision.models import ShortfallFlag
from supervision.notifications.scan import scan_shortfalls

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)  # day 337 of 365
NEXT_YEAR = date(2027, 1, 1)
THIRTEEN_DAYS_AGO = date(2026, 11, 21)  # 21 Nov .. 3 Dec: 13 days; 41 days to 31 Dec

# The nine rules that apply to a deputy in office since 21 November who is not an SC member
# and has no session meeting on the roll (ART7, ART8, ART15_SC_LIAISON are 不适用).
NINE = (
    "常委会组织活动、列席常委会会议、一府一委两院活动、履职学习培训、代表小组活动、"
    "联系选民、家站点接待、议案建议、向选民述职"
)


@pytest.fixture
def today(monkeypatch):
    """Fix the pages' as-of date (compliance.as_of_today) to 2026-12-03; returns a setter."""

    def set_today(day):
        monkeypatch.setattr(compliance, "as_of_today", lambda: day)

    set_today(TODAY)
    return set_today


@pytest.fixture
def people(term, make_deputy, make_user, make_group, make_delegation):
    delegation = make_delegation("安亭镇")
    group = make_group(term, delegation, "安亭镇第一代表小组")
    trained = make_deputy(term, "A001", "张三", group=group, user=make_user("zhang"))
    late = make_deputy(
        term, "A002", "李四", group=group, user=make_user("li"), service_start=THIRTEEN_DAYS_AGO
    )
    office = make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    return {"trained": trained, "late": late, "office": office, "term": term}


def _attend_group_activity(deputy, when, name):
    activity = Activity.objects.create(term=deputy.term, name=name, date=when,
                                       type=ActivityType.GROUP)  # fmt: skip
    Participation.objects.create(activity=activity, deputy=deputy, status="present")


def _row(evaluation, deputy):
    return next(row for row in evaluation.rows if row.deputy.pk == deputy.pk)


def test_pace_due_rounds_half_up():
    assert pace_due(1, 337, 365) == 1  # 0.92
    assert pace_due(1, 182, 365) == 0  # 0.499
    assert pace_due(1, 183, 365) == 1  # 0.501
    assert pace_due(2, 182, 365) == 1  # 0.997
    assert pace_due(1, 13, 41) == 0  # 0.317
    assert pace_due(2, 1, 4) == 1  # exactly 0.5: half up


def test_zero_of_one_training_on_3_december_is_warning_and_in_july_in_progress(people):
    deputy = people["trained"]
    row = _row(evaluate_year(2026, as_of=TODAY), deputy)
    training = row.result("ART13_TRAINING")
    assert (training.achieved, training.required) == (0, 1)
    assert training.status == Status.WARNING  # due round(337/365) = 1 > 0
    row = _row(evaluate_year(2026, as_of=date(2026, 7, 1)), deputy)
    assert row.result("ART13_TRAINING").status == Status.IN_PROGRESS  # due round(182/365) = 0
    # Never 未达标 while the year runs, and no Art. 29 reason.
    assert row.shortfalls == [] and row.interview_reasons == []


def test_group_activity_pace_counts_what_was_done(people):
    deputy = people["trained"]
    _attend_group_activity(deputy, date(2026, 3, 1), "小组活动一")
    # 1/2 on 1 July: due round(2 × 182/365) = 1 → on pace.
    row = _row(evaluate_year(2026, as_of=date(2026, 7, 1)), deputy)
    assert row.result("ART14_GROUP_ACTIVITY").status == Status.IN_PROGRESS
    # 1/2 on 3 December: due round(2 × 337/365) = 2 → behind.
    row = _row(evaluate_year(2026, as_of=TODAY), deputy)
    assert row.result("ART14_GROUP_ACTIVITY").status == Status.WARNING


def test_thirteen_days_in_office_is_in_progress_without_reasons_on_pages(people):
    late = people["late"]
    row = _row(evaluate_year(2026, as_of=TODAY), late)
    assert row.active_days_year == 41
    assert row.shortfalls == []
    assert row.interview_reasons == []
    assert row.open_names == NINE
    assert {r.status for r in row.results if r.applies} == {Status.IN_PROGRESS}
    assert row.overall == Status.IN_PROGRESS


def test_the_year_end_evaluation_judges_the_full_year(people):
    late = people["late"]
    for as_of in (None, NEXT_YEAR):
        row = _row(evaluate_year(2026, as_of=as_of), late)
        assert row.shortfall_names == NINE
        assert row.overall == Status.SHORTFALL
        assert len(row.interview_reasons) == 3  # activities, constituents, no proposal


def test_the_workbook_of_the_running_year_judges_the_full_year(people, tmp_path, today):
    out = tmp_path / "e.xlsx"
    call_command("export_evaluation", "--year", "2026", "--output", str(out), stdout=io.StringIO())
    wb = load_workbook(out)
    assert wb.properties.title == "2026年度代表履职评价（按全年评价）"
    rows = {r[0]: r for r in wb["年度履职评价"].iter_rows(min_row=2, values_only=True)}
    assert rows["A002"][-3:] == ("否", NINE, "是")
    assert rows["A001"][-3] == "否"


def test_feedback_sheet_title_says_full_year(people, client_for, today):
    response = client_for(people["late"].user).get("/supervision/mine/feedback.xlsx?year=2026")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    wb = load_workbook(io.BytesIO(body))
    assert wb.active["A1"].value == "2026年度代表履职情况反馈表（按全年评价）"
    assert wb.active["A1"].value == wb.properties.title


def test_deputy_file_page_shows_as_of_status(people, client_for, today):
    client = client_for(people["office"])
    url = f"/deputies/{people['late'].pk}/?year=2026"
    page = client.get(url).content.decode()
    assert "截至 2026-12-03" in page
    assert "9 项进行中" in page
    assert "项未达标" not in page and 'data-status="shortfall"' not in page
    assert 'data-status="in_progress"' in page
    assert "约谈告诫建议：" not in page
    today(NEXT_YEAR)
    page = client.get(url).content.decode()
    assert "截至 2027-01-01" in page
    assert "9 项未达标" in page
    assert "约谈告诫建议：" in page


def test_own_file_page_shows_as_of_status(people, client_for, today):
    client = client_for(people["trained"].user)
    page = client.get("/deputies/mine/?year=2026").content.decode()
    assert "截至 2026-12-03" in page
    assert 'data-overall="warning"' in page
    assert 'data-rule="ART13_TRAINING" data-status="warning"' in page
    assert 'data-status="shortfall"' not in page
    assert "请注意：" not in page
    today(NEXT_YEAR)
    page = client.get("/deputies/mine/?year=2026").content.decode()
    assert 'data-rule="ART13_TRAINING" data-status="shortfall"' in page
    assert 'data-overall="shortfall"' in page


def test_scan_flags_nothing_while_the_year_runs(people):
    result = scan_shortfalls(2026, as_of=TODAY)
    assert result.open_since == {}
    assert not ShortfallFlag.objects.filter(year=2026).exists()
    scan_shortfalls(2026, as_of=NEXT_YEAR)
    flagged = set(
        ShortfallFlag.objects.filter(year=2026, deputy=people["late"]).values_list(
            "rule_code", flat=True
        )
    )
    assert len(flagged) == 9
    # Back in a running view (e.g. a re-run dated in the year): the flags are resolved.
    scan_shortfalls(2026, as_of=TODAY)
    assert not ShortfallFlag.objects.filter(year=2026, resolved_at__isnull=True).exists()


def test_candidates_page_proposes_nobody_while_the_year_runs(people, client_for, today):
    client = client_for(people["office"])
    page = client.get("/supervision/interviews/candidates/?year=2026").content.decode()
    assert "李四" not in page
    assert "该年度尚未结束" in page
    today(NEXT_YEAR)
    page = client.get("/supervision/interviews/candidates/?year=2026").content.decode()
    assert "李四" in page


def test_dashboard_and_evaluation_page_of_the_running_year(people, client_for, today):
    cache.clear()
    client = client_for(people["office"])
    dashboard = client.get("/dashboard/?year=2026").content.decode()
    assert "截至 2026-12-03" in dashboard
    # Both deputies are unfinished: 进行中/预警, none 未达标, nobody proposed for 约谈告诫.
    assert 'data-stat="open">2<' in dashboard and 'data-stat="shortfall"' not in dashboard
    assert 'data-stat="candidates">0<' in dashboard
    evaluation = client.get("/evaluation/?year=2026").content.decode()
    assert "截至 2026-12-03" in evaluation
    assert 'data-stat="open">2<' in evaluation and 'data-stat="shortfall"' not in evaluation
    assert "下载年度履职评价工作簿（按全年评价）" in evaluation
    today(NEXT_YEAR)
    dashboard = client.get("/dashboard/?year=2026").content.decode()
    # Both idle all year: no ART11/ART14 activity and no constituent reached → both proposed.
    assert 'data-stat="shortfall">2<' in dashboard and 'data-stat="candidates">2<' in dashboard
    cache.clear()


def test_group_page_and_deputy_list_of_the_running_year(people, client_for, today):
    client = client_for(people["office"])
    group = people["late"].group
    page = client.get(f"/supervision/groups/{group.pk}/?year=2026").content.decode()
    assert "截至 2026-12-03" in page
    assert 'data-status="shortfall"' not in page and 'data-status="warning"' in page
    listed = client.get("/deputies/?year=2026&compliance=open").content.decode()
    assert "张三" in listed and "李四" in listed
    assert "未达标" not in listed.split("<tbody>")[1]
    listed = client.get("/deputies/?year=2026&compliance=shortfall").content.decode()
    assert "张三" not in listed and "李四" not in listed
