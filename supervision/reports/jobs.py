"""Long exports run as Celery tasks: starting them, running them, and their files."""

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy
from jdrenda.queue import enqueue
from supervision.evaluation.compliance import evaluate_year
from supervision.models import ExportJob
from supervision.reports.bundle import write_feedback_zip
from supervision.reports.workbook import export_filename, export_to_path

logger = logging.getLogger(__name__)


def start_export_job(user, kind, year, term=None, delegation=None) -> ExportJob:
    """Queue a job, or return the same one if it is already waiting or running (a double
    click starts one job, not two)."""
    job = ExportJob.objects.filter(
        kind=kind,
        year=year,
        term=term,
        delegation=delegation,
        created_by=user,
        state__in=[ExportJob.State.PENDING, ExportJob.State.RUNNING],
    ).first()
    if job:
        return job
    job = ExportJob.objects.create(
        kind=kind, year=year, term=term, delegation=delegation, created_by=user
    )

    def send() -> None:
        error = enqueue("supervision.tasks.run_export_job", job.pk)
        if error:
            # Never left pending: a job nobody will run would spin on its progress page.
            job.state, job.error, job.finished_at = ExportJob.State.FAILED, error, timezone.now()
            job.save(update_fields=["state", "error", "finished_at"])

    # After commit, so the worker finds the row; outside a transaction (requests are not
    # atomic) this runs at once and the caller sees the failed state.
    transaction.on_commit(send)
    return job


def job_path(job: ExportJob) -> Path:
    if job.kind in ExportJob.FEEDBACK_KINDS:
        scope = job.delegation.name if job.delegation else "全区"
        pdf = "（PDF）" if job.kind == ExportJob.Kind.FEEDBACK_PDF else ""
        name = f"{job.year}年度履职情况反馈表{pdf}_{scope}.zip"
    else:
        name = export_filename(job.year)
    return Path(settings.EXPORT_ROOT) / f"job-{job.pk}" / name


def run_job(job: ExportJob) -> None:
    """Run a job to the end. Running it again (a retried or redelivered task) rebuilds the
    same file in the same place: the file is moved into place only when complete."""
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.RUNNING, done=0, error="", finished_at=None
    )
    deputy_ids = None
    if job.delegation_id:
        deputy_ids = list(
            Deputy.objects.filter(delegation_id=job.delegation_id).values_list("pk", flat=True)
        )
    target = job_path(job)

    def progress(done: int, total: int) -> None:
        # Every few sheets is enough for a progress bar and keeps the writes cheap.
        if done == total or done % 20 == 0:
            ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        if job.kind in ExportJob.FEEDBACK_KINDS:
            pdf = job.kind == ExportJob.Kind.FEEDBACK_PDF
            write_feedback_zip(job.year, target, job.term, deputy_ids, progress, pdf=pdf)
        else:
            evaluation = evaluate_year(job.year, job.term, deputy_ids=deputy_ids)
            partial = target.with_suffix(".partial.xlsx")
            export_to_path(evaluation, partial)
            partial.replace(target)
            ExportJob.objects.filter(pk=job.pk).update(done=1, total=1)
    except Exception as exc:
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED,
            error=_("生成失败：%(error)s") % {"error": exc},
            finished_at=timezone.now(),
        )
        raise
    # Generating files never closes a year: closing is its own act (supervision.closing.services).
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, file=str(target), finished_at=timezone.now()
    )
