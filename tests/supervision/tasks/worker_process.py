"""A Celery worker in its own process, for the test that kills one mid-job.

Environment: JOBS_TEST_QUEUE (the queue to consume), JOBS_TEST_SHEET_DELAY (seconds each
feedback sheet takes, to make the job slow enough to kill), JOBS_TEST_VISIBILITY (seconds
after which an unacknowledged message of a dead worker is delivered again; production keeps
Redis's one hour), JOBS_TEST_POOL (solo, the default, or prefork). DATABASE_URL points at
the test database.
"""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdrenda.settings")

import django  # noqa: E402

django.setup()

import supervision.reports.bundle as bundle  # noqa: E402
from jdrenda.celery import app  # noqa: E402

delay = float(os.environ.get("JOBS_TEST_SHEET_DELAY") or 0)
if delay:
    build = bundle.build_feedback_workbook

    def slow_build(*args, **kwargs):
        time.sleep(delay)
        return build(*args, **kwargs)

    bundle.build_feedback_workbook = slow_build  # where the year's bundle looks it up

app.conf.broker_transport_options = {
    "visibility_timeout": float(os.environ.get("JOBS_TEST_VISIBILITY") or 3600),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
app.worker_main(
    [
        "worker",
        f"--pool={os.environ.get('JOBS_TEST_POOL') or 'solo'}",
        "--concurrency=1",
        f"--queues={os.environ['JOBS_TEST_QUEUE']}",
        "--loglevel=WARNING",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
        f"--hostname=jobs-test-{os.getpid()}@%h",
    ]
)
