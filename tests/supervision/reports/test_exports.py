"""The evaluation workbook, the feedback sheets, their pages and the export job."""

import io
import zipfile
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from activities.models import Activity, Participation
from deputies.models import Role
from proposals.models import Proposal
from supervision.evaluation.compliance import evaluate_year
from supervision.models import ExportJob
from supervision.reports.bundle import iter_feedback_sheets
from supervision.reports.jobs import run_job, start_export_job
from supervision.reports.workbook import evaluation_header, write_evaluation_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(make_delegation):
    return make_delegation("南翔镇")


@pytest.fixture
def people(term, town, make_group, make_deputy):
    group = make_group(term, town, '=HYPERLINK("x")')
    good = make_deputy(term, "A001", name="@张三", group=group)
    idle = make_deputy(term, "A002", name="李四", group=group)
    for when in (date(2025, 3, 1), date(2025, 4, 1)):
        activity = Activity.objects.create(term=term, name=f"调研{when}", type="research",
                                           date=when)  # fmt: skip
        Participation.objects.create(activity=activity, deputy=good)
    Proposal.objects.create(term=term, number="J1", kind="suggestion", title="+关于停车",
                            submitted_date=date(2025, 1, 10), lead=good)  # fmt: skip
    return good, idle


def workbook(evaluation):
    buffer = io.BytesIO()
    write_evaluation_workbook(evaluation, buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def test_evaluation_sheet_layout_and_values(people):
    wb = workbook(evaluate_year(2025))
    assert wb.sheetnames == ["年度履职评价", "未达标名单", "约谈告诫建议名单", "按代表团汇总",
                             "代表小组述职报告"]  # fmt: skip
    ws = wb["年度履职评价"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == evaluation_header()
    by_code = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_code["A001"]["常委会组织活动"] == "2/2"
    assert by_code["A002"]["常委会组织活动"] == "0/2"
    assert by_code["A002"]["联系代表"] == "不适用"
    assert by_code["A001"]["议案建议"] == "1/2"
    assert by_code["A002"]["是否达标"] == "否"
    assert by_code["A002"]["约谈告诫建议"] == "是"
    assert ws.freeze_panes == "C2"  # 代表编号 and 姓名 stay in view


def test_shortfall_cells_are_red(people):
    ws = workbook(evaluate_year(2025))["年度履职评价"]
    header = [c.value for c in ws[1]]
    column = header.index("常委会组织活动")
    row_of = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert row_of["A002"][column].fill.fgColor.rgb.endswith("FFC7CE")
    assert row_of["A001"][column].fill.fgColor.rgb in (None, "00000000")


def test_formula_looking_text_is_stored_as_text(people):
    wb = workbook(evaluate_year(2025))
    ws = wb["年度履职评价"]
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row}
    for text in ("@张三", '=HYPERLINK("x")'):
        assert cells[text].data_type == "s"
    assert all(c.data_type != "f" for sheet in wb for row in sheet.iter_rows() for c in row)


def test_export_command_writes_the_file(people, tmp_path):
    out = tmp_path / "eval.xlsx"
    call_command("export_evaluation", year=2025, output=str(out))
    ws = openpyxl.load_workbook(out)["年度履职评价"]
    assert ws.max_row == 3


def test_export_command_unknown_term_is_a_clear_error(people, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="届次「第九届」不存在"):
        call_command("export_evaluation", year=2025, term="第九届", output=str(tmp_path / "x"))


def test_feedback_sheet_lists_records_and_proposals(people):
    good, _ = people
    sheets = dict(iter_feedback_sheets(evaluate_year(2025)))
    name = next(n for n in sheets if "A001" in n)
    wb = openpyxl.load_workbook(io.BytesIO(sheets[name]))
    values = [v for row in wb["履职情况反馈表"].iter_rows(values_only=True) for v in row if v]
    assert "【常委会组织活动】2 条记录" in values
    assert "调研2025-03-01" in values
    proposals = list(wb["议案建议"].iter_rows(min_row=2, values_only=True))
    assert proposals[0][0] == "J1" and proposals[0][4] == "领衔"
    assert wb["议案建议"]["C2"].data_type == "s"  # "+关于停车" stays text


def test_feedback_command_writes_one_file_per_deputy(people, tmp_path):
    call_command("feedback_sheets", year=2025, output=str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2025年度履职情况反馈表_A001_@张三.xlsx",
        "2025年度履职情况反馈表_A002_李四.xlsx",
    ]


def test_feedback_job_builds_zip_and_can_run_twice(people, make_user, settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path
    user = make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    job = ExportJob.objects.create(kind=ExportJob.Kind.FEEDBACK_ZIP, year=2025, created_by=user)
    run_job(job)
    run_job(job)  # a redelivered task: same file, no duplicates
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and (job.done, job.total) == (2, 2)
    files = list(tmp_path.rglob("*"))
    assert [p.suffix for p in files if p.is_file()] == [".zip"]
    with zipfile.ZipFile(job.file) as archive:
        assert len(archive.namelist()) == 2


def test_starting_a_job_twice_gives_one_job(people, make_user, settings, tmp_path,
                                            django_capture_on_commit_callbacks):  # fmt: skip
    settings.EXPORT_ROOT = tmp_path
    user = make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    with django_capture_on_commit_callbacks(execute=False):
        first = start_export_job(user, ExportJob.Kind.FEEDBACK_ZIP, 2025)
        second = start_export_job(user, ExportJob.Kind.FEEDBACK_ZIP, 2025)
    assert first.pk == second.pk


def test_failed_job_says_so(people, make_user, settings, tmp_path, monkeypatch):
    settings.EXPORT_ROOT = tmp_path
    user = make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    job = ExportJob.objects.create(kind=ExportJob.Kind.FEEDBACK_ZIP, year=2025, created_by=user)

    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr("supervision.reports.jobs.write_sheets_zip", broken)
    with pytest.raises(OSError):
        run_job(job)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and "磁盘已满" in job.error


# --- pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICE_STAFF, Role.LEADERSHIP])
def test_exporters_download_the_workbook(people, make_user, client_for, role):
    client = client_for(make_user("u", roles=[(role, None)]))
    response = client.get(reverse("evaluation:download"), {"year": 2025})
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb["年度履职评价"].max_row == 3
    page = client.get(reverse("evaluation:index"), {"year": 2025})
    assert page.status_code == 200 and "2025 年度履职评价" in page.content.decode()


def test_others_cannot_export(people, make_user, client_for, town):
    for user in (
        make_user("t", roles=[(Role.TOWN_STAFF, town)]),
        make_user("d", roles=[]),
    ):
        client = client_for(user)
        assert client.get(reverse("evaluation:download"), {"year": 2025}).status_code == 404
        assert client.get(reverse("evaluation:index")).status_code == 404
        assert client.post(reverse("evaluation:feedback"), {"year": 2025}).status_code == 404


def test_browser_feedback_flow(people, make_user, client_for, settings, tmp_path,
                               django_capture_on_commit_callbacks):  # fmt: skip
    settings.EXPORT_ROOT = tmp_path
    user = make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:feedback"), {"year": 2025})
    job = ExportJob.objects.get()
    assert response.url == reverse("evaluation:job", args=[job.pk])
    page = client.get(response.url)
    assert "已完成" in page.content.decode()
    fragment = client.get(response.url, headers={"HX-Request": "true"})
    assert 'id="job-progress"' in fragment.content.decode()
    download = client.get(reverse("evaluation:job_download", args=[job.pk]))
    assert download.status_code == 200
    # Another user's job is not found.
    other = client_for(make_user("leader", roles=[(Role.LEADERSHIP, None)]))
    assert other.get(reverse("evaluation:job", args=[job.pk])).status_code == 404


def test_evaluation_views_query_count_is_bounded(
    term, town, make_deputy, make_user, client_for, django_assert_max_num_queries
):
    client = client_for(make_user("office", roles=[(Role.OFFICE_STAFF, None)]))
    for i in range(3):
        make_deputy(term, f"S{i}", delegation=town)
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("evaluation:download"), {"year": 2025})
    for i in range(3, 40):
        make_deputy(term, f"S{i}", delegation=town)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("evaluation:download"), {"year": 2025})
    with django_assert_max_num_queries(30):
        client.get(reverse("evaluation:index"), {"year": 2025})


@pytest.mark.parametrize(
    ("role", "evaluation", "ledger"),
    [
        (Role.OFFICE_STAFF, True, True),
        (Role.LEADERSHIP, True, False),
        (Role.TOWN_STAFF, False, True),
        (Role.SECRETARY_GENERAL, False, False),
    ],
)
def test_navigation_shows_the_pages_a_role_may_use(
    town, make_user, client_for, role, evaluation, ledger
):
    scope = town if role == Role.TOWN_STAFF else None
    html = client_for(make_user("u", roles=[(role, scope)])).get(reverse("home")).content.decode()
    assert (reverse("evaluation:index") in html) == evaluation
    assert (reverse("supervision:ledger_import") in html) == ledger
