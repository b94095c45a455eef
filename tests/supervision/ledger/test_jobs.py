"""The ledger import as a background job (issue 19 item 6): the upload's preview and its
confirm each run as a job whose page polls a progress bar, then shows the preview or the
result as before. Most tests hold the queue (`held`: the task is not run when sent, as with a
busy worker) and then run the task themselves."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from activities.models import Speech
from deputies.models import Deputy, Role, Term
from supervision.ledger import services
from supervision.ledger.models import LedgerImportJob as Job
from supervision.tasks import run_ledger_job

from .conftest import full_sheets, workbook_bytes

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office_user(make_user):
    return make_user("office", roles=[(Role.OFFICE_STAFF, None)])


@pytest.fixture
def office(office_user, client_for):
    return client_for(office_user)


@pytest.fixture
def held(monkeypatch):
    """The queue takes the task and nobody runs it yet; the tasks sent, by job."""
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda name, *args: sent.append(args[0]))
    return sent


def upload(client, sheets=None, term="第七届") -> str:
    data = SimpleUploadedFile("台账.xlsx", workbook_bytes(sheets or full_sheets()), XLSX)
    response = client.post(reverse("supervision:ledger_import"), {"file": data, "term": term})
    assert response.status_code == 302
    return response["Location"]


def poll(client, job):
    return client.get(reverse("supervision:ledger_job", args=[job.pk]), HTTP_HX_REQUEST="true")


def test_a_held_preview_shows_progress_then_the_preview(office, held):
    location = upload(office)
    response = office.get(location)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:ledger_job", args=[job.pk])
    page = office.get(response["Location"]).content.decode()
    assert 'data-state="pending"' in page and "排队中" in page and 'hx-trigger="every 1s"' in page
    assert "尚未保存任何数据" in page and "确认导入" not in page
    assert "HX-Refresh" not in poll(office, job)

    Job.objects.filter(pk=job.pk).update(state="running", phase="validating", done=30, total=60)
    partial = poll(office, job).content.decode()
    assert "正在逐行检查：30 / 60 行" in partial and 'aria-valuenow="40"' in partial

    assert held == [job.pk]
    run_ledger_job.apply(args=[job.pk])
    done = poll(office, job)
    assert done["HX-Refresh"] == "true"  # the page reloads into the result
    preview = office.get(reverse("supervision:ledger_job", args=[job.pk])).content.decode()
    assert "台账导入预览" in preview and "检查通过，可以导入" in preview and "确认导入" in preview
    assert "hx-trigger" not in preview
    assert Term.objects.count() == 0  # a preview saves nothing


def test_the_job_page_costs_few_queries(office, held, django_assert_max_num_queries):
    office.get(upload(office))
    job = Job.objects.get()
    with django_assert_max_num_queries(12):
        poll(office, job)
    run_ledger_job.apply(args=[job.pk])
    with django_assert_max_num_queries(12):
        office.get(reverse("supervision:ledger_job", args=[job.pk]))


def test_progress_comes_from_reading_checking_and_writing(office, held, monkeypatch):
    seen = []

    class Recording(services._Reporter):
        def __call__(self, phase, done, total):
            seen.append((phase, done, total))
            super().__call__(phase, done, total)

    monkeypatch.setattr(services, "_Reporter", Recording)
    office.get(upload(office))
    run_ledger_job.apply(args=[Job.objects.get().pk])
    phases = list(dict.fromkeys(phase for phase, _done, _total in seen))
    assert phases == ["reading", "validating", "writing"]
    rows = sum(len(rows) - 1 for rows in full_sheets().values())
    assert ("validating", rows, rows) in seen
    writing = [(done, total) for phase, done, total in seen if phase == "writing"]
    assert writing[-1][0] == writing[-1][1] > 1  # every sheet written (and rolled back)


def test_progress_is_written_at_most_twice_a_second(office_user, monkeypatch):
    job = Job.objects.create(created_by=office_user, token="t", term_name="第七届")
    writes = []
    monkeypatch.setattr(services.cache, "set", lambda *args, **kw: writes.append(args[1]))
    monkeypatch.setattr(services.Job.objects, "filter", lambda **kw: writes.append(kw) or None)
    reporter = services._Reporter(job)
    for n in range(5000):
        reporter("validating", n, 5000)
    reporter("writing", 0, 8)
    assert len(writes) == 2  # the first report of each phase; the rest within 0.5 s


def test_a_double_click_starts_one_job(office, held):
    location = upload(office)
    first, second = office.get(location), office.get(location)
    assert first["Location"] == second["Location"]
    job = Job.objects.get()
    run_ledger_job.apply(args=[job.pk])
    confirm = [office.post(location) for _ in range(2)]
    apply = Job.objects.get(dry_run=False)
    assert {r["Location"] for r in confirm} == {reverse("supervision:ledger_job", args=[apply.pk])}
    assert held == [job.pk, apply.pk]


def test_two_waiting_jobs_for_one_upload_are_refused_by_the_database(office_user):
    Job.objects.create(created_by=office_user, token="t", term_name="第七届", dry_run=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(created_by=office_user, token="t", term_name="第七届", dry_run=False)
    # A finished one does not count: the upload can be previewed again.
    Job.objects.update(state="done")
    Job.objects.create(created_by=office_user, token="t", term_name="第七届", dry_run=False)


def test_the_apply_job_imports_once_however_often_it_runs(office, held, monkeypatch):
    location = upload(office)
    office.get(location)
    run_ledger_job.apply(args=[Job.objects.get().pk])
    office.post(location)
    job = Job.objects.get(dry_run=False)
    calls = []
    real = services.import_ledger
    monkeypatch.setattr(
        services, "import_ledger", lambda *a, **kw: calls.append(1) or real(*a, **kw)
    )
    run_ledger_job.apply(args=[job.pk])
    run_ledger_job.apply(args=[job.pk])  # redelivered after the worker died, say
    assert calls == [1]
    assert Deputy.objects.count() == 3 and Speech.objects.count() == 1
    job.refresh_from_db()
    assert job.state == "done" and job.result["applied"] is True
    page = office.get(reverse("supervision:ledger_job", args=[job.pk])).content.decode()
    assert "台账导入完成" in page and "履职台账已导入" in page
    # The upload has served: a later confirm finds nothing.
    assert office.post(location).status_code == 404


def test_an_apply_saved_with_its_job_or_not_at_all(office, held, monkeypatch):
    """The job's completion is written in the import's transaction: a worker dying after the
    records were written but before the job said so cannot happen."""
    location = upload(office)
    office.get(location)
    run_ledger_job.apply(args=[Job.objects.get().pk])
    office.post(location)
    job = Job.objects.get(dry_run=False)
    states = []

    def saved(job, result):
        states.append((Job.objects.get(pk=job.pk).state, Deputy.objects.count()))
        raise RuntimeError("进程被终止")

    monkeypatch.setattr(services, "_finish", saved)
    run_ledger_job.apply(args=[job.pk])
    assert states == [("running", 3)]  # the records written, the job not yet done
    assert Deputy.objects.count() == 0 and Term.objects.count() == 0


def test_a_failure_saves_nothing_and_says_so(office, held, monkeypatch):
    location = upload(office)
    office.get(location)
    run_ledger_job.apply(args=[Job.objects.get().pk])
    office.post(location)
    job = Job.objects.get(dry_run=False)

    def broken(self):
        raise OSError("磁盘已满")

    monkeypatch.setattr("supervision.ledger.apply.Applier.apply_speeches", broken)
    run_ledger_job.apply(args=[job.pk])
    assert Term.objects.count() == 0 and Deputy.objects.count() == 0
    page = office.get(reverse("supervision:ledger_job", args=[job.pk])).content.decode()
    assert 'data-state="failed"' in page and "导入未能完成，未保存任何数据" in page
    assert "处理时出错，未保存任何数据：磁盘已满" in page and "重新上传" in page
    assert "hx-trigger" not in page


def test_a_queue_that_is_down_fails_the_job_at_once(office, monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda *args: "任务队列暂时不可用，请稍后再试")
    response = office.get(upload(office))
    page = office.get(response["Location"]).content.decode()
    assert 'data-state="failed"' in page and "任务队列暂时不可用" in page
    assert "hx-trigger" not in page


def test_who_may_see_a_job(office, held, make_user, client_for, make_delegation):
    office.get(upload(office))
    job = Job.objects.get()
    run_ledger_job.apply(args=[job.pk])
    url = reverse("supervision:ledger_job", args=[job.pk])
    town = client_for(make_user("town", roles=[(Role.TOWN_STAFF, make_delegation("南翔镇"))]))
    assert town.get(url).status_code == 404  # not theirs
    colleague = client_for(make_user("office2", roles=[(Role.OFFICE_STAFF, None)]))
    page = colleague.get(url)
    assert page.status_code == 200 and "检查通过" in page.content.decode()
    assert "确认导入" not in page.content.decode()  # the upload is its uploader's to confirm
    deputy = client_for(make_user("deputy"))
    assert deputy.get(url).status_code == 403


def test_town_staff_job_checks_rows_against_their_town(make_user, client_for, make_delegation):
    """Run inline (no Redis): the preview shows at once, refusing the other town's rows."""
    own = make_delegation("嘉定镇街道")
    client = client_for(make_user("town", roles=[(Role.TOWN_STAFF, own)]))
    Term.objects.create(name="第七届", start_date="2022-01-01", end_date="2026-12-31")
    sheets = full_sheets()
    del sheets["届次"]
    html = client.get(upload(client, sheets)).content.decode()
    assert "南翔镇" in html and "确认导入" not in html
    assert Job.objects.get().state == "done"


@pytest.fixture
def worker_queue(transactional_db, monkeypatch):
    """A real Celery worker in a thread on Redis, consuming its own queue (as in
    tests/supervision/tasks/test_worker.py); the ledger's tasks are sent there."""
    import os

    from celery.contrib.testing.worker import start_worker

    from jdrenda.celery import app

    queue = f"jdrenda-test-ledger-{os.getpid()}"
    monkeypatch.setattr(
        services,
        "enqueue",
        lambda name, *args: app.tasks[name].apply_async(args, queue=queue) and None,
    )
    queues = app.amqp.queues
    saved = queues._consume_from  # start_worker narrows the app's queues; put them back
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                          queues=[queue]):  # fmt: skip
            yield queue
    finally:
        queues._consume_from = saved


def wait_done(job_pk, seconds=30):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_pk)
        if job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_pk} did not finish in {seconds} s")


@pytest.mark.redis
def test_through_a_real_worker(worker_queue, office):
    """Committed rows, a worker in another thread: the confirm's job is queued inside the
    POST's transaction, and is found once it commits."""
    location = upload(office)
    job_url = office.get(location)["Location"]
    preview = wait_done(Job.objects.get().pk)
    assert preview.state == "done"
    assert "检查通过" in office.get(job_url).content.decode()
    response = office.post(location)
    apply = Job.objects.get(dry_run=False)
    assert response["Location"] == reverse("supervision:ledger_job", args=[apply.pk])
    assert wait_done(apply.pk).state == "done"
    assert Deputy.objects.count() == 3 and Speech.objects.count() == 1
    assert "台账导入完成" in office.get(response["Location"]).content.decode()


def test_a_job_that_never_finishes_says_so(office, office_user):
    from datetime import timedelta

    from django.utils import timezone

    job = Job.objects.create(created_by=office_user, token="t", term_name="第七届", state="running")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    page = office.get(reverse("supervision:ledger_job", args=[job.pk])).content.decode()
    assert 'data-state="stalled"' in page and "任务长时间没有完成" in page
    assert "hx-trigger" not in page and "重新上传" in page
