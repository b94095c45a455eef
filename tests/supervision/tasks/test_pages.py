"""The bell, the inbox, the email preference, /healthz, the default schedules and the
evaluation workbook as a browser job."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from supervision.models import ExportJob, JobRun, Notification, NotificationSetting
from supervision.notifications.services import Message, send

pytestmark = pytest.mark.django_db


def notify(user, n, kind="test", start=0):
    send(kind, "p", [])
    for i in range(start, start + n):
        send(kind, f"p{i}", [Message(user.pk, f"提醒{i}", f"内容{i}")])


# --- bell and inbox ------------------------------------------------------------------------


def test_bell_shows_unread_count_on_every_page(make_user, client_for):
    user = make_user("daibiao")
    notify(user, 3)
    Notification.objects.filter(subject="提醒0").update(read_at=timezone.now())
    client = client_for(user)
    for url in (reverse("home"), reverse("notifications:settings")):
        html = client.get(url).content.decode()
        assert 'data-unread="2"' in html and "通知（2 条未读）" in html


def test_bell_costs_one_query_whatever_the_count(make_user, client_for):
    user = make_user("daibiao")
    client = client_for(user)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("notifications:settings"))
        return len(ctx.captured_queries)

    notify(user, 1)
    few = queries()
    notify(user, 30, start=1)
    assert queries() == few


def test_inbox_shows_only_own_paginated_and_marks_read(make_user, client_for):
    user, other = make_user("daibiao"), make_user("other")
    notify(user, 25)
    notify(other, 1, kind="other")
    client = client_for(user)
    first = client.get(reverse("notifications:inbox")).content.decode()
    assert first.count("data-notification=") == 20 and "共 25 条" in first
    second = client.get(reverse("notifications:inbox") + "?page=2").content.decode()
    assert second.count("data-notification=") == 5
    mine = Notification.objects.filter(recipient=user).first()
    theirs = Notification.objects.get(recipient=other)
    response = client.post(reverse("notifications:read", args=[mine.pk]), {"page": "2"})
    assert response.url == reverse("notifications:inbox") + "?page=2"
    mine.refresh_from_db()
    assert mine.read_at is not None
    # Another user's notification: not found, and left unread.
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    unread = client.get(reverse("notifications:inbox") + "?show=unread").content.decode()
    assert "没有未读通知" in unread and "data-unread" not in unread


def test_inbox_query_count_does_not_grow(make_user, client_for):
    user = make_user("daibiao")
    client = client_for(user)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("notifications:inbox")).status_code == 200
        return len(ctx.captured_queries)

    notify(user, 2)
    few = queries()
    notify(user, 18, start=2)
    assert queries() == few


def test_inbox_needs_login(client):
    assert client.get(reverse("notifications:inbox")).status_code == 302


def test_email_preference_is_saved(make_user, client_for):
    user = make_user("daibiao", email="")
    client = client_for(user)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "尚未设置电子邮箱" in page
    response = client.post(reverse("notifications:settings"), {"email": "on"}, follow=True)
    assert NotificationSetting.objects.get(user=user).email is True
    assert "邮件将无法送达" in response.content.decode()
    client.post(reverse("notifications:settings"), {})
    assert NotificationSetting.objects.get(user=user).email is False


# --- health --------------------------------------------------------------------------------


def test_healthz_reports_database_redis_and_last_runs(client, settings):
    settings.REDIS_URL = ""
    now = timezone.now()
    JobRun.objects.create(name="scan_shortfalls", started_at=now, finished_at=now, succeeded=True)
    JobRun.objects.create(name="year_end_feedback", started_at=now, succeeded=False)
    response = client.get(reverse("healthz"))
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["database"] == "ok" and body["redis"] == "not configured"
    assert body["jobs"]["scan_shortfalls"].startswith(str(now.year))
    assert body["jobs"]["year_end_feedback"] is None  # only a failed run
    assert set(body["jobs"]) >= {"shortfall_reminders", "group_report_reminders"}


def test_healthz_reports_redis_error(client, settings):
    settings.REDIS_URL = "redis://secret-user:pw@127.0.0.1:1/0"  # nothing listens there
    body = json.loads(client.get(reverse("healthz")).content)
    assert body["redis"].startswith("error")
    # The probe is public: the class of the failure, not its text (hosts, user names).
    assert "127.0.0.1" not in body["redis"] and "secret-user" not in body["redis"]


def test_healthz_is_503_without_database(client, monkeypatch):
    monkeypatch.setattr("jdrenda.health._database", lambda: "error: connection refused")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["database"].startswith("error")


# --- default schedules ---------------------------------------------------------------------


def test_setup_schedules_is_idempotent_and_keeps_staff_changes():
    call_command("setup_schedules", verbosity=0)
    call_command("setup_schedules", verbosity=0)
    tasks = PeriodicTask.objects.exclude(name="celery.backend_cleanup")
    assert tasks.count() == 8
    november = tasks.get(name="11月1日履职提醒")
    assert november.crontab.timezone.key == "Asia/Shanghai"
    assert (november.crontab.day_of_month, november.crontab.month_of_year) == ("1", "11")
    assert json.loads(november.kwargs) == {"occasion": "november"}
    assert {t.task for t in tasks} == {
        "supervision.tasks.scan_shortfalls",
        "supervision.tasks.shortfall_reminders",
        "supervision.tasks.group_report_reminders",
        "supervision.tasks.year_end_feedback",
        "supervision.tasks.erase_constituent_contacts",
        "supervision.tasks.clear_expired_sessions",
        "citizens.tasks.remind_unanswered",
    }
    # A schedule staff changed in the admin survives; --reset restores it.
    scan = tasks.get(name="每周未达标扫描")
    scan.enabled = False
    scan.save()
    call_command("setup_schedules", verbosity=0)
    assert PeriodicTask.objects.get(name="每周未达标扫描").enabled is False
    call_command("setup_schedules", reset=True, verbosity=0)
    assert PeriodicTask.objects.get(name="每周未达标扫描").enabled is True


# --- the evaluation workbook as a job --------------------------------------------------------


@pytest.fixture
def office(make_user):
    from deputies.models import Role

    return make_user("office", roles=[(Role.OFFICE_STAFF, None)])


def test_evaluation_workbook_job_from_the_browser(
    district, client_for, exports, django_capture_on_commit_callbacks
):
    client = client_for(district.office_user)
    page = client.get(reverse("evaluation:index") + "?year=2026").content.decode()
    assert reverse("evaluation:workbook") in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:workbook"), {"year": 2026})
    job = ExportJob.objects.get(kind=ExportJob.Kind.EVALUATION)
    assert response.url == reverse("evaluation:job", args=[job.pk])
    html = client.get(response.url).content.decode()
    assert 'data-state="done"' in html and "下载" in html
    download = client.get(reverse("evaluation:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith(".xlsx")
    # The direct download still works.
    direct = client.get(reverse("evaluation:download") + "?year=2026")
    assert direct.status_code == 200


def test_failed_job_says_so_and_offers_a_retry(
    district, client_for, exports, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr("supervision.reports.jobs.export_to_path", broken)
    client = client_for(district.office_user)
    with pytest.raises(OSError), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluation:workbook"), {"year": 2026})
    job = ExportJob.objects.get()
    html = client.get(reverse("evaluation:job", args=[job.pk])).content.decode()
    assert "任务失败" in html and "磁盘已满" in html and "重新生成" in html
    assert "hx-trigger" not in html  # stops polling
    assert client.get(reverse("evaluation:job_download", args=[job.pk])).status_code == 404


def test_job_that_never_finishes_is_reported(office, client_for):
    job = ExportJob.objects.create(kind=ExportJob.Kind.EVALUATION, year=2026, created_by=office,
                                   state=ExportJob.State.RUNNING)  # fmt: skip
    two_hours_ago = timezone.now() - timedelta(hours=2)
    ExportJob.objects.filter(pk=job.pk).update(created_at=two_hours_ago)
    html = client_for(office).get(reverse("evaluation:job", args=[job.pk])).content.decode()
    assert 'data-state="stalled"' in html and "后台任务进程可能已停止" in html


def test_workbook_job_is_not_for_deputies(district, client_for):
    client = client_for(district.member_user)
    assert client.post(reverse("evaluation:workbook"), {"year": 2026}).status_code == 404
    assert not ExportJob.objects.exists()


def test_clear_expired_sessions_deletes_only_expired_ones(client_for, make_user):
    from django.contrib.sessions.models import Session

    from supervision.tasks import clear_expired_sessions

    client_for(make_user("active"))  # a live session
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(minutes=1)
    )
    assert Session.objects.count() == 2
    clear_expired_sessions.delay()
    assert Session.objects.count() == 1
    assert Session.objects.get().expire_date > timezone.now()
    run = JobRun.objects.get(name="clear_expired_sessions")
    assert run.succeeded and "1" in run.detail
