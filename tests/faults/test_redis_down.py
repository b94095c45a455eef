"""Redis stopped while the site is in use (issue 7, item 6).

gunicorn (2 workers) runs against the test database with REDIS_URL pointing at a private
redis-server, as in production where Redis is both the cache and Celery's broker. The test uses
pages, stops Redis, uses them again, and starts Redis again:

- with Redis down every page answers 200, quickly (the cache fails soft: a miss, logged);
  a record can still be saved; login still works (allauth's rate limiting fails open);
  /healthz says Redis is down;
- the job buttons answer at once with 任务队列暂时不可用，请稍后再试 and leave no job pending;
- with Redis back, jobs are queued again.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.faults.servers import Browser, Gunicorn, RedisServer

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PASSWORD = "Jiading-Fault-2026"
QUEUE_DOWN = "任务队列暂时不可用，请稍后再试"
# A page that waits on a dead Redis would take seconds per cache call; this is generous for
# a loaded CI machine and still far below a hang.
FAST = 5.0


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site(make_term, make_delegation, make_user, make_deputy):
    """A deputy who logs in with a password, an office user (with a TOTP authenticator, so
    the MFA requirement for staff lets the session through), a congress session."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from activities.models import Meeting, Session
    from deputies.models import Role

    today = timezone.localdate()
    term = make_term("测试届", date(today.year - 1, 1, 1), date(today.year + 3, 12, 31))
    town = make_delegation("甲镇")
    deputy_user = make_user("daibiao")
    # The server's hashers, not the tests' fast MD5; few iterations, the hash says how many.
    deputy_user.password = PBKDF2PasswordHasher().encode(PASSWORD, "faultsalt", iterations=1000)
    deputy_user.save()
    deputy = make_deputy(term, "F001", name="王代表", delegation=town, user=deputy_user)
    make_deputy(term, "F002", name="李代表", delegation=town)
    office = make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    Authenticator.objects.get_or_create(
        user=office, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    start = today - timedelta(days=7)  # held: the grid refuses 出席 for a meeting ahead
    session = Session.objects.create(
        term=term, name="测试大会", start_date=start, end_date=start + timedelta(days=2)
    )
    meeting = Meeting.objects.create(
        term=term, session=session, name="第一次全体会议", kind=Meeting.Kind.PLENARY, date=start
    )
    client = Client()
    client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
    return {
        "year": today.year,
        "deputy": deputy,
        "office": office,
        "office_cookies": {"sessionid": client.cookies["sessionid"].value},
        "session": session,
        "meeting": meeting,
    }


@pytest.fixture
def server(redis_server, tmp_path):
    gunicorn = Gunicorn(
        {
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_server.url,
            "EXPORT_ROOT": str(tmp_path / "exports"),
        }
    )
    yield gunicorn
    gunicorn.stop()


def office_pages(site) -> dict[str, str]:
    year = site["year"]
    return {
        "首页": "/",
        "代表名单": reverse("deputies:list"),
        "代表履职档案": reverse("deputies:detail", args=[site["deputy"].pk]),
        "领导驾驶舱": f"{reverse('dashboard:index')}?year={year}",
        "出席登记表": reverse("activities:attendance_grid", args=[site["session"].pk]),
        "通知": reverse("notifications:inbox"),
        "年度履职评价": f"{reverse('evaluation:index')}?year={year}",
    }


def use_pages(browser: Browser, pages: dict[str, str], server: Gunicorn) -> dict[str, float]:
    """Every page answers 200 within FAST seconds; -> seconds per page."""
    seconds = {}
    for name, path in pages.items():
        status, _, _, elapsed = browser.get(path)
        assert status == 200, f"{name} {path}: HTTP {status}\n{server.output()[-3000:]}"
        assert elapsed < FAST, f"{name} {path} took {elapsed:.1f} s"
        seconds[name] = elapsed
    return seconds


def start_job(browser: Browser, button: str, year: int):
    """Press a job button -> (job page text, seconds the button took)."""
    status, headers, _, elapsed = browser.post(reverse(button), {"year": year})
    assert status == 302, f"{button}: HTTP {status}"
    status, _, text, _ = browser.get(headers["Location"])
    assert status == 200
    return text, elapsed


def waiting_jobs():
    from supervision.models import ExportJob

    return list(
        ExportJob.objects.filter(
            state__in=[ExportJob.State.PENDING, ExportJob.State.RUNNING]
        ).values_list("kind", "year")
    )


def test_pages_keep_working_while_redis_is_down(site, redis_server, server):
    from activities.models import Attendance
    from supervision.models import ExportJob

    year = site["year"]
    office = Browser(server.port, site["office_cookies"])
    pages = office_pages(site)

    # Redis up: pages work, the dashboard is cached, a job is queued (which also leaves a
    # pooled broker connection in a worker, to go stale when Redis stops).
    use_pages(office, pages, server)
    assert redis_server.client().dbsize() > 0, "the dashboard should have filled the cache"
    _, _ = start_job(office, "evaluation:feedback", year - 1)
    assert waiting_jobs() == [(ExportJob.Kind.FEEDBACK_ZIP, year - 1)]
    assert redis_server.client().llen("celery") == 1

    redis_server.stop()

    # Pages: all 200, twice (both gunicorn workers, warm and cold paths).
    use_pages(office, pages, server)
    use_pages(office, pages, server)

    status, _, body, _ = office.get("/healthz")
    assert status == 200 and '"database": "ok"' in body and '"redis": "error' in body

    # A write: the signal that bumps the dashboard's cache version meets a dead Redis and
    # must not undo or break the save.
    cell = reverse("activities:attendance_cell", args=[site["session"].pk])
    form = {"deputy": site["deputy"].pk, "meeting": site["meeting"].pk, "status": "present"}
    status, _, _, _ = office.post(cell, form)
    assert status == 200
    assert Attendance.objects.filter(deputy=site["deputy"], status="present").exists()

    # Job buttons: the message at once, the job failed (not pending forever).
    for button in ("evaluation:workbook", "evaluation:feedback"):
        text, elapsed = start_job(office, button, year)
        assert QUEUE_DOWN in text and "任务失败，文件没有生成" in text, button
        assert elapsed < FAST, f"{button} took {elapsed:.1f} s"
    assert waiting_jobs() == [(ExportJob.Kind.FEEDBACK_ZIP, year - 1)]
    assert ExportJob.objects.filter(year=year, state=ExportJob.State.FAILED).count() == 2

    # Login with Redis down: rate limiting cannot count, so it lets the login through.
    deputy = Browser(server.port)
    status, headers, _, elapsed = deputy.login("daibiao", PASSWORD)
    assert status == 302 and "/accounts/login/" not in headers["Location"], status
    assert elapsed < FAST
    status, _, text, _ = deputy.get(reverse("deputies:mine"))
    assert status == 200 and "王代表" in text

    redis_server.start()  # empty, as after a crash without persistence

    status, _, body, _ = office.get("/healthz")
    assert '"redis": "ok"' in body
    text, _ = start_job(office, "evaluation:workbook", year)
    assert QUEUE_DOWN not in text
    assert (ExportJob.Kind.EVALUATION, year) in waiting_jobs()
    assert redis_server.client().llen("celery") == 1, "the job should be queued again"
    # Each process tries Redis again a few seconds after its last failure (RETRY_AFTER).
    deadline = time.monotonic() + 15
    while redis_server.client().dbsize() <= 1 and time.monotonic() < deadline:
        use_pages(office, pages, server)
        time.sleep(0.5)
    assert redis_server.client().dbsize() > 1, "the cache should be in use again"
    assert "Internal Server Error" not in server.output()
