"""Through a real Celery worker on the local Redis (marker `redis`; CI runs these).

Each test uses its own queue, so a developer's `make worker` on the same Redis never takes
these tasks, and purges it first so nothing left over from an aborted run is consumed.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.db import connection

from jdrenda.celery import app
from supervision import tasks
from supervision.models import ExportJob, JobRun, Notification, ShortfallFlag
from tests.supervision.tasks.conftest import idle_flags

ROOT = Path(__file__).resolve().parents[3]


def purge(queue):
    # A queue never declared has nothing to purge.
    with app.connection_for_write() as conn, contextlib.suppress(Exception):
        conn.default_channel.queue_purge(queue)


@pytest.fixture
def in_thread_worker(transactional_db):
    """A worker thread consuming its own queue, with the test database."""
    from celery.contrib.testing.worker import start_worker

    queue = f"jdrenda-test-jobs-{os.getpid()}"
    purge(queue)
    queues = app.amqp.queues
    saved = queues._consume_from  # start_worker narrows the app's queues; put them back
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                          queues=[queue]):  # fmt: skip
            yield queue
    finally:
        queues._consume_from = saved


@pytest.mark.redis
def test_scan_and_reminders_twice_give_one_flag_and_one_digest_each(
    district, in_thread_worker, monkeypatch
):
    # 2026 judged after it has ended: a running year opens no shortfall flag (as of a date).
    from datetime import date

    from supervision.evaluation import compliance

    monkeypatch.setattr(compliance, "as_of_today", lambda: date(2027, 1, 4))
    for _ in range(2):
        tasks.scan_shortfalls.apply_async((2026,), queue=in_thread_worker).get(timeout=30)
        tasks.shortfall_reminders.apply_async(("quarter", 2026), queue=in_thread_worker).get(
            timeout=30
        )
    expected = idle_flags(district.leader, district.member, district.no_account)
    flags = list(ShortfallFlag.objects.values_list("deputy_id", "rule_code"))
    assert len(flags) == len(expected) and set(flags) == expected
    digests = list(
        Notification.objects.filter(kind="shortfall-reminder").values_list(
            "recipient__username", flat=True
        )
    )
    assert sorted(digests) == ["daibiao", "zuzhang"]
    runs = JobRun.objects.filter(succeeded=True)
    assert runs.filter(name="scan_shortfalls").count() == 2
    assert runs.filter(name="shortfall_reminders").count() == 2


# --- a worker killed in the middle of the year-end feedback job --------------------------------


def database_url() -> str:
    s = connection.settings_dict  # the test database, as this test process uses it
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker_process(queue, exports, log, **extra) -> subprocess.Popen:
    # PYTHONPATH: the worker imports this checkout's code, whatever else is installed.
    env = {**os.environ, "DATABASE_URL": database_url(), "EXPORT_ROOT": str(exports),
           "JOBS_TEST_QUEUE": queue, "PYTHONPATH": str(ROOT), **extra}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("worker_process.py"))],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def finished():
    """The year-end job done and its messages sent: the chunk that makes the zip queues
    year_end_feedback again, which sends them."""
    return (
        ExportJob.objects.filter(state=ExportJob.State.DONE).exists()
        and Notification.objects.filter(kind="feedback-sheets-ready").exists()
    )


@pytest.mark.redis
@pytest.mark.postgres
def test_killed_worker_job_completes_after_restart_without_duplicates(
    transactional_db, district, make_deputy, tmp_path
):
    for i in range(40):
        make_deputy(district.term, f"K{i:03}", group=district.group)
    exports = tmp_path / "exports"
    queue = f"jdrenda-test-kill-{os.getpid()}"
    purge(queue)
    log = (tmp_path / "worker.log").open("w")
    # Chunks of 10 deputies: the 43 sheets are 5 chunk tasks, and the kill lands in one.
    chunks = {"FEEDBACK_CHUNK_SIZE": "10"}
    first = start_worker_process(queue, exports, log, JOBS_TEST_SHEET_DELAY="0.1", **chunks)
    second = None
    try:
        tasks.year_end_feedback.apply_async((2026,), queue=queue)

        def halfway():
            job = ExportJob.objects.first()
            return job is not None and job.done >= 20

        wait_for(halfway, 40, "the first worker to be half-way through the sheets")
        os.killpg(first.pid, signal.SIGKILL)  # no warning, no cleanup: a crash
        first.wait(timeout=10)
        job = ExportJob.objects.get()
        assert job.state == ExportJob.State.RUNNING and job.done < job.total == 43
        assert not Notification.objects.exists()
        assert not list(exports.rglob("*.zip"))

        # A new worker; the dead one's unacknowledged message is delivered to it again.
        second = start_worker_process(queue, exports, log, JOBS_TEST_VISIBILITY="3", **chunks)
        wait_for(finished, 45, "the job to finish and its messages to be sent")
    finally:
        stop(first)
        if second is not None:
            stop(second)
        log.close()

    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.DONE and (job.done, job.total) == (43, 43)
    assert job.chunks.count() == 5
    files = sorted(p.name for p in exports.rglob("*") if p.is_file())
    assert files == ["2026年度履职情况反馈表_全区.zip"]
    with zipfile.ZipFile(job.file) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names)) == 43
    feedback = Notification.objects.filter(kind="year-end-feedback")
    assert sorted(feedback.values_list("recipient__username", flat=True)) == [
        "daibiao",
        "zuzhang",
    ]
    assert Notification.objects.filter(kind="feedback-sheets-ready").count() == 1
    # One run started the job, one (queued by the chunk that made the zip) sent the messages.
    assert JobRun.objects.filter(name="year_end_feedback", succeeded=True).count() == 2


@pytest.mark.redis
@pytest.mark.postgres
def test_killed_pool_process_is_redelivered_by_the_same_worker(
    transactional_db, district, make_deputy, tmp_path
):
    """The other crash: the prefork pool's child dies (say, the OOM killer). The worker sees
    the loss and, with reject_on_worker_lost, puts the message back at once."""
    for i in range(40):
        make_deputy(district.term, f"K{i:03}", group=district.group)
    exports = tmp_path / "exports"
    queue = f"jdrenda-test-pool-{os.getpid()}"
    purge(queue)
    log = (tmp_path / "worker.log").open("w")
    worker = start_worker_process(
        queue, exports, log, JOBS_TEST_SHEET_DELAY="0.05", JOBS_TEST_POOL="prefork"
    )
    try:
        tasks.year_end_feedback.apply_async((2026,), queue=queue)
        wait_for(lambda: ExportJob.objects.filter(done__gte=20).exists(), 40, "half-way")
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        assert len(children) == 1
        os.kill(int(children[0]), signal.SIGKILL)
        wait_for(finished, 45, "the job to finish and its messages to be sent")
    finally:
        stop(worker)
        log.close()
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.DONE and job.done == job.total == 43
    assert [p.suffix for p in exports.rglob("*") if p.is_file()] == [".zip"]
    with zipfile.ZipFile(job.file) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names)) == 43
    assert Notification.objects.filter(kind="year-end-feedback").count() == 2
    runs = JobRun.objects.filter(name="year_end_feedback")
    assert runs.count() == runs.filter(succeeded=True).count() == 2
