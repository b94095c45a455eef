"""Celery tasks: the export job started from the browser, and the scheduled jobs (their
default schedules are in management/commands/setup_schedules.py).

Every task acknowledges late (a worker that dies mid-task leaves the message to be delivered
again), retries transient database errors with exponential backoff, and has a time limit.
Each is safe to run twice: flags and notifications are keyed, files are moved into place
whole.
"""

from __future__ import annotations

import contextlib
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from supervision.models import ExportJob, JobRun
from supervision.reports.jobs import fail_job, failure_message, run_chunk, run_job

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
RELIABLE = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
# Scheduled job name -> task; the health view reports the last successful run of each.
SCHEDULED = {
    "scan_shortfalls": "supervision.tasks.scan_shortfalls",
    "shortfall_reminders": "supervision.tasks.shortfall_reminders",
    "group_report_reminders": "supervision.tasks.group_report_reminders",
    "year_end_feedback": "supervision.tasks.year_end_feedback",
    "erase_constituent_contacts": "supervision.tasks.erase_constituent_contacts",
    "clear_expired_sessions": "supervision.tasks.clear_expired_sessions",
    "remind_unanswered_citizen_messages": "citizens.tasks.remind_unanswered",
}


@contextlib.contextmanager
def recorded(name: str):
    """A JobRun row for the run: failed with the error, or succeeded with a detail line."""
    run = JobRun.objects.create(name=name, started_at=timezone.now())
    try:
        yield run
    except BaseException as exc:
        JobRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), succeeded=False, detail=repr(exc)[:2000]
        )
        raise
    JobRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), succeeded=True, detail=run.detail[:2000]
    )


def _queue(task) -> str | None:
    """The queue `task` was delivered from, for the tasks it queues in turn (None: eager)."""
    return (task.request.delivery_info or {}).get("routing_key") or None


@shared_task(**RELIABLE, time_limit=60 * 60, soft_time_limit=55 * 60)
def run_export_job(self, job_id: int) -> str:
    """The evaluation workbook, or the start of a feedback job: its chunks are queued as
    feedback_chunk tasks, and the last of them makes the zip."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    run_job(job, queue=_queue(self))
    job.refresh_from_db()
    if job.kind not in ExportJob.FEEDBACK_KINDS:
        _log_job(job)  # a feedback zip is logged when its last chunk finishes it
    return job.state


@shared_task(**RELIABLE, time_limit=30 * 60, soft_time_limit=29 * 60)
def feedback_chunk(self, job_id: int, index: int) -> str:
    """One chunk of a feedback job's sheets (supervision.reports.jobs.run_chunk)."""
    try:
        return run_chunk(job_id, index, queue=_queue(self))
    except Exception as exc:
        # A transient error is tried again (autoretry_for) while retries are left; anything
        # else fails the job, and the other chunks then stop.
        if not (isinstance(exc, TRANSIENT) and self.request.retries < self.max_retries):
            logger.exception("feedback job %s chunk %s failed", job_id, index)
            fail_job(job_id, failure_message(exc))
        raise


def _log_job(job: ExportJob, scheduled: bool = False) -> None:
    """The generated file in the export log (kind evaluation_job or feedback_zip)."""
    from supervision.export_log.services import log_job_export

    if job.kind in ExportJob.FEEDBACK_KINDS:
        log_job_export(job, "feedback_zip", job.total, scheduled)
    else:
        log_job_export(job, "evaluation_job", None, scheduled)


@shared_task(**RELIABLE, time_limit=15 * 60, soft_time_limit=14 * 60)
def refresh_dashboard(self, year: int) -> str:
    """Recompute the dashboard's figures of `year` after a change (queued by the page, which
    meanwhile shows the previous figures; see supervision.dashboard.services.summary)."""
    from supervision.dashboard.services import run_refresh

    run_refresh(year)
    return "done"


@shared_task(**RELIABLE, time_limit=15 * 60, soft_time_limit=14 * 60)
def scan_shortfalls(self, year: int | None = None) -> str:
    from supervision.evaluation.compliance import as_of_today
    from supervision.notifications.scan import scan_shortfalls as scan

    today = as_of_today()
    # A year has shortfalls only once it has ended: in January the weekly scan also flags
    # the year just ended (DESIGN "Status as of a date").
    years = [year] if year else ([today.year - 1] if today.month == 1 else []) + [today.year]
    with recorded("scan_shortfalls") as run:
        run.detail = "; ".join(scan(y, as_of=today).summary for y in years)
    return run.detail


@shared_task(**RELIABLE, time_limit=20 * 60, soft_time_limit=19 * 60)
def shortfall_reminders(self, occasion: str = "quarter", year: int | None = None) -> str:
    """occasion "quarter" (period 2026-Q4) or "november" (period 2026-11-01)."""
    from supervision.notifications.reminders import (
        november_period,
        quarter_period,
        shortfall_reminders,
    )

    today = timezone.localdate()
    period = november_period(today) if occasion == "november" else quarter_period(today)
    with recorded("shortfall_reminders") as run:
        run.detail = str(shortfall_reminders(period, year, today))
    return run.detail


@shared_task(**RELIABLE, time_limit=10 * 60, soft_time_limit=9 * 60)
def group_report_reminders(self, year: int | None = None) -> str:
    from supervision.notifications.reminders import group_report_reminders as remind

    with recorded("group_report_reminders") as run:
        run.detail = str(remind(year or timezone.localdate().year))
    return run.detail


@shared_task(**RELIABLE, time_limit=60 * 60, soft_time_limit=55 * 60)
def year_end_feedback(self, year: int | None = None) -> str:
    """Build the district's feedback-sheet zip for the year, then tell the deputies and the
    office. The first run starts the job (its chunks run on every worker); the chunk that
    finishes the zip queues this task again, which then sends the messages. A redelivered or
    repeated run finds the same job and sends nothing twice."""
    from supervision.notifications.reminders import feedback_job, year_end_feedback

    year = year or timezone.localdate().year
    with recorded("year_end_feedback") as run:
        job = feedback_job(year)
        if job.state == ExportJob.State.DONE:
            run.detail = f"job {job.pk}: " + str(year_end_feedback(year, job))
        else:
            run_job(job, queue=_queue(self))  # eager: done, and the messages sent, on return
            job.refresh_from_db()
            run.detail = f"job {job.pk}: {job.get_state_display()} {job.done}/{job.total}"
    return run.detail


@shared_task(**RELIABLE, time_limit=30 * 60, soft_time_limit=29 * 60)
def erase_constituent_contacts(self) -> str:
    """Monthly: blank the contact details of constituents whose deputy's service ended more
    than CONSTITUENT_CONTACT_RETENTION_DAYS ago (deputies.privacy). Running twice is harmless."""
    from citizens.services import erase_expired_contacts
    from deputies.privacy import erase_expired_constituent_contacts

    with recorded("erase_constituent_contacts") as run:
        today = timezone.localdate()
        run.detail = " ".join(
            [
                erase_expired_constituent_contacts(today).summary,
                erase_expired_contacts(today).summary,  # citizens' messages (代表码)
            ]
        )
    return run.detail


@shared_task(**RELIABLE, time_limit=10 * 60, soft_time_limit=9 * 60)
def clear_expired_sessions(self) -> str:
    """Daily: delete expired sessions. Sessions live in the database and every request renews
    one (30-minute idle expiry), so without this the table only grows."""
    from django.contrib.sessions.models import Session

    with recorded("clear_expired_sessions") as run:
        deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        run.detail = f"删除过期会话 {deleted} 个"
    return run.detail


@shared_task(**RELIABLE, time_limit=10 * 60, soft_time_limit=9 * 60)
def email_notifications(self, ids: list[int]) -> str:
    """The emails of notify() (a digest when a recipient has several), sent after the commit
    outside the request; only the rows still waiting are sent, so running it twice is safe."""
    from supervision.notifications import services as notifications

    return str(notifications.email_pending(ids))


@shared_task(**RELIABLE, time_limit=10 * 60, soft_time_limit=9 * 60)
def run_ledger_job(self, job_id: int) -> str:
    """The preview or the apply of an uploaded ledger (supervision.ledger.services). Running
    it twice is harmless: a finished job is left alone, and an apply's completion is saved in
    the same transaction as its records."""
    from supervision.ledger.services import run_ledger_job as run

    state = run(job_id)
    if state == "missing" and self.request.retries < 3:
        # Queued by a request whose transaction had not committed yet: soon it will have.
        raise self.retry(countdown=2)
    return state
