"""The export log (个人信息保护法): each export writes exactly one row with who, what and how
many rows; a failed export writes none; only office staff and leadership read the log."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from supervision.models import ExportLog

from .conftest import xlsx_text

pytestmark = pytest.mark.django_db


def only_log():
    assert ExportLog.objects.count() == 1, list(ExportLog.objects.values())
    return ExportLog.objects.get()


def test_list_export_is_logged_with_filters(world, client_for):
    response = client_for(world.office).get(
        reverse("deputies:list"), {"format": "xlsx", "delegation": world.south.pk, "year": 2024}
    )
    assert response.status_code == 200
    log = only_log()
    assert (log.user, log.username, log.kind) == (world.office, "office", "deputies.list")
    assert log.rows == 2  # 组长 and 王代表 of 南翔镇
    assert "代表名册" in log.description
    assert f"代表团={world.south.pk}" in log.description and "年度=2024" in log.description
    assert log.masked is True
    assert log.ip_address == "127.0.0.1"


def test_a_page_view_is_not_an_export(world, client_for):
    client_for(world.office).get(reverse("deputies:list"))
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("who, masked", [("office", False), ("deputy", False), ("town", True)])
def test_liaison_list_export_says_whether_masked(world, client_for, who, masked):
    client_for(getattr(world, who)).get(reverse("deputies:constituents_xlsx", args=[world.d.pk]))
    log = only_log()
    assert (log.kind, log.rows, log.masked) == ("deputies.constituents_xlsx", 1, masked)
    assert "N01 王代表" in log.description and log.username == who


def test_other_lists_log_their_url_name(world, client_for):
    client = client_for(world.office)
    client.get(reverse("activities:communication_list"), {"format": "xlsx"})
    client.get(reverse("proposals:proposal_list"), {"format": "xlsx"})
    kinds = dict(ExportLog.objects.values_list("kind", "masked"))
    assert kinds == {"activities.communication_list": False, "proposals.proposal_list": True}


def test_evaluation_download(world, client_for):
    client_for(world.leadership).get(reverse("evaluation:download"), {"year": 2024})
    log = only_log()
    assert (log.user, log.kind) == (world.leadership, "evaluation")
    assert log.rows == 3  # every deputy in office in 2024
    assert "2024年度" in log.description


def test_evaluation_job_logs_the_file_and_each_download(
    world, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROOT = tmp_path
    client = client_for(world.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:workbook"), {"year": 2024})
    job = response.url.rstrip("/").split("/")[-1]
    log = only_log()
    assert (log.user, log.kind, log.rows) == (world.office, "evaluation_job", None)
    client.get(reverse("evaluation:job_download", args=[job]))
    downloads = ExportLog.objects.filter(kind="job_download")
    assert [(d.user, d.username) for d in downloads] == [(world.office, "office")]
    assert "2024年度" in downloads[0].description


def test_feedback_zip_job(
    world, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.office).post(reverse("evaluation:feedback"), {"year": 2024})
    log = only_log()
    assert (log.user, log.kind, log.rows) == (world.office, "feedback_zip", 3)


def test_scheduled_year_end_feedback_is_logged_as_scheduled(world, settings, tmp_path):
    from supervision.tasks import year_end_feedback

    settings.EXPORT_ROOT = tmp_path
    year_end_feedback.delay(2024)
    log = ExportLog.objects.get(kind="feedback_zip")
    assert (log.user, log.username, log.rows) == (None, "定时任务", 3)


def test_own_feedback_sheet(world, client_for):
    client_for(world.deputy).get(reverse("supervision:my_feedback"), {"year": 2024})
    log = only_log()
    assert (log.user, log.kind, log.rows) == (world.deputy, "feedback_own", 1)
    assert "N01 王代表 2024年度" in log.description


def test_commands_log_the_command_line(world, tmp_path):
    call_command("export_evaluation", year=2024, output=str(tmp_path / "a.xlsx"), stdout=None)
    call_command("feedback_sheets", year=2024, output=str(tmp_path / "fb"), stdout=None)
    logs = {log.kind: log for log in ExportLog.objects.all()}
    assert set(logs) == {"evaluation", "feedback_sheets"}
    for log in logs.values():
        assert log.user is None and log.username.startswith("命令行") and log.ip_address is None
    assert logs["evaluation"].rows == 3 and logs["feedback_sheets"].rows == 3
    assert str(tmp_path / "a.xlsx") in logs["evaluation"].description


def test_failed_exports_write_nothing(world, client_for, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    client = client_for(world.office)
    monkeypatch.setattr("jdrenda.listing.write_table", broken)
    with pytest.raises(RuntimeError):
        client.get(reverse("deputies:list"), {"format": "xlsx"})
    monkeypatch.setattr("supervision.reports.views.write_evaluation_workbook", broken)
    with pytest.raises(RuntimeError):
        client.get(reverse("evaluation:download"), {"year": 2024})
    assert not ExportLog.objects.exists()


def test_failed_job_writes_nothing(
    world, client_for, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    from supervision.models import ExportJob

    settings.EXPORT_ROOT = tmp_path

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("supervision.reports.jobs.export_to_path", broken)
    # Eager tasks propagate the error in tests; a worker would record it on the job.
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        client_for(world.office).post(reverse("evaluation:workbook"), {"year": 2024})
    assert ExportJob.objects.get().state == ExportJob.State.FAILED
    assert not ExportLog.objects.exists()


# --- the log page ---------------------------------------------------------------------------

LOG = "/supervision/export-log/"


def test_log_url():
    assert reverse("supervision:export_log") == LOG


@pytest.mark.parametrize(
    "who, status",
    [("office", 200), ("leadership", 200), ("town", 404), ("deputy", 404), ("leader", 404),
     ("head", 404), ("committee", 404), ("qualification", 404), ("secretary", 404)],
)  # fmt: skip
def test_who_reads_the_log(world, client_for, who, status):
    assert client_for(getattr(world, who)).get(LOG).status_code == status


def test_log_page_newest_first_and_filters(world, client_for):
    from supervision.export_log.services import log_unattended_export

    old = log_unattended_export("evaluation", "2023年度", 3, user=world.office)
    ExportLog.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=10))
    log_unattended_export("feedback_own", "N01 王代表 2024年度", 1, user=world.deputy)
    client = client_for(world.leadership)
    html = client.get(LOG).content.decode()
    assert html.index("N01 王代表 2024年度") < html.index("2023年度")
    assert "本人年度履职情况反馈表" in html  # the kind's Chinese label
    html = client.get(LOG, {"user": "depu"}).content.decode()
    assert "N01 王代表" in html and "2023年度" not in html
    html = client.get(LOG, {"kind": "evaluation"}).content.decode()
    assert "2023年度" in html and "N01 王代表" not in html
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    html = client.get(LOG, {"date_from": since}).content.decode()
    assert "N01 王代表" in html and "2023年度" not in html
    html = client.get(LOG, {"date_to": since}).content.decode()
    assert "2023年度" in html and "N01 王代表" not in html
    assert client.get(LOG, {"date_from": "not-a-date"}).status_code == 200


def test_log_page_is_paginated_with_fixed_queries(world, client_for, django_assert_max_num_queries):
    from supervision.export_log.services import log_unattended_export

    client = client_for(world.office)
    client.get(LOG)  # the first request of a session reads a little more
    log_unattended_export("evaluation", "first", 1, user=world.office)
    with django_assert_max_num_queries(12) as small:
        client.get(LOG)
    ExportLog.objects.bulk_create(
        ExportLog(user=world.office, username="office", kind="evaluation", description=f"#{i}")
        for i in range(120)
    )
    with django_assert_max_num_queries(12) as large:
        html = client.get(LOG).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
    assert "1 / 3" in html


def test_log_export_is_itself_logged(world, client_for):
    from supervision.export_log.services import log_unattended_export

    log_unattended_export("evaluation", "2023年度", 3, user=world.office)
    response = client_for(world.leadership).get(LOG, {"format": "xlsx"})
    text = xlsx_text(response.content)
    assert "2023年度" in text and "年度履职评价工作簿" in text
    latest = ExportLog.objects.order_by("-pk").first()
    assert (latest.user, latest.kind, latest.rows) == (
        world.leadership,
        "supervision.export_log",
        1,
    )


def test_nav_links_the_log_for_office_and_leadership_only(world, client_for):
    for who, linked in (("office", True), ("leadership", True), ("town", False)):
        html = client_for(getattr(world, who)).get(reverse("home")).content.decode()
        assert (LOG in html) is linked, who


def test_admin_is_read_only(world, client_for, make_user):
    from deputies.models import Role
    from supervision.export_log.services import log_unattended_export

    admin = make_user("admin_office", [(Role.OFFICE_STAFF, None)], is_staff=True,
                      is_superuser=True)  # fmt: skip
    log = log_unattended_export("evaluation", "2023年度", 3, user=world.office)
    client = client_for(admin)
    assert client.get(reverse("admin:supervision_exportlog_changelist")).status_code == 200
    assert client.get(reverse("admin:supervision_exportlog_add")).status_code == 403
    assert client.get(reverse("admin:supervision_exportlog_delete", args=[log.pk])).status_code in (
        403,
        404,
    )
    client.post(reverse("admin:supervision_exportlog_change", args=[log.pk]), {"rows": 99})
    log.refresh_from_db()
    assert log.rows == 3


# --- what was exported, in Chinese (issue 14 item 9) ----------------------------------------


def _xlsx_list_url_names():
    """URL names of every view whose source builds a list xlsx (jdrenda.listing.xlsx_response,
    directly or through a helper in the same module)."""
    import inspect

    from django.urls import get_resolver

    names = set()

    def walk(patterns, ns=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, f"{ns}{p.namespace}." if p.namespace else ns)
                continue
            view = inspect.unwrap(p.callback)
            try:
                source = inspect.getsource(view)
            except (OSError, TypeError):
                continue
            if "xlsx_response" in source or "_xlsx(" in source or "_leave_page(" in source:
                names.add(f"{ns}{p.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_list_export_has_a_chinese_label():
    from supervision.export_log.services import KIND_LABELS

    names = _xlsx_list_url_names()
    assert {"deputies.list", "activities.leave_queue", "supervision.points"} <= names
    assert sorted(names - set(KIND_LABELS)) == []


def test_log_page_and_xlsx_name_lists_in_chinese(world, client_for):
    client = client_for(world.office)
    client.get(reverse("deputies:list"), {"format": "xlsx"})
    client.get(reverse("activities:communication_list"), {"format": "xlsx"})
    html = client.get(LOG).content.decode()
    assert "<td>代表名册</td>" in html and "<td>联系选民</td>" in html
    assert "<td>deputies.list</td>" not in html
    assert '<option value="deputies.list">代表名册</option>' in html
    text = xlsx_text(client.get(LOG, {"format": "xlsx"}).content)
    rows = [line.split("\t") for line in text.splitlines()]
    header = next(i for i, row in enumerate(rows) if "导出内容" in row)
    kinds = {row[2] for row in rows[header + 1 :]}
    assert kinds == {"代表名册", "联系选民"}


def test_unknown_kind_reads_other_not_code(world, client_for):
    from supervision.export_log.services import log_unattended_export

    log_unattended_export("someapp.new_list", "新列表", 1, user=world.office)
    html = client_for(world.office).get(LOG).content.decode()
    assert "<td>其他导出</td>" in html and "someapp.new_list</td>" not in html
