"""Long exports run as Celery tasks: starting them, running them, and their files.

A feedback-sheet job (xlsx or PDF) runs in chunks of deputies, in code order, fixed when the
job starts (ExportChunk). Each chunk is its own task, so every worker takes one: it writes its
sheets to one file of the job's directory, moved into place whole. The task that finishes
the last chunk joins the chunk files into the job's zip. Every step may run again (a task
redelivered after its worker died, a duplicate delivery): a chunk whose file exists is not
written again, a chunk written again replaces only its own file and its own count, and the
zip is moved into place whole, so the job ends with every sheet exactly once. Without Redis
(eager) the chunks run inline, in order, inside run_job.
"""

import logging
import shutil
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy
from jdrenda.queue import enqueue
from supervision.evaluation.compliance import evaluate_year, in_office_in_year, terms_for_year
from supervision.models import ExportChunk, ExportJob
from supervision.reports.bundle import join_zips, write_sheets_zip
from supervision.reports.workbook import export_filename, export_to_path

logger = logging.getLogger(__name__)
WAITING = (ExportJob.State.PENDING, ExportJob.State.RUNNING)


def start_export_job(user, kind, year, term=None, delegation=None) -> ExportJob:
    """Queue a job, or return the same one if it is already waiting or running (a double
    click starts one job, not two)."""
    job = ExportJob.objects.filter(
        kind=kind,
        year=year,
        term=term,
        delegation=delegation,
        created_by=user,
        state__in=WAITING,
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


def job_dir(job: ExportJob) -> Path:
    return Path(settings.EXPORT_ROOT) / f"job-{job.pk}"


def job_path(job: ExportJob) -> Path:
    if job.kind in ExportJob.FEEDBACK_KINDS:
        scope = job.delegation.name if job.delegation else "全区"
        pdf = "（PDF）" if job.kind == ExportJob.Kind.FEEDBACK_PDF else ""
        name = f"{job.year}年度履职情况反馈表{pdf}_{scope}.zip"
    else:
        name = export_filename(job.year)
    return job_dir(job) / name


def chunk_path(job: ExportJob, index: int) -> Path:
    # Not *.zip: only the finished job's file carries that name in the job's directory.
    return job_dir(job) / "chunks" / f"{index:05}.chunk"


def fail_job(job_id: int, message: str) -> None:
    """The job failed with `message` (in Chinese); a finished job stays finished."""
    ExportJob.objects.filter(pk=job_id, state__in=WAITING).update(
        state=ExportJob.State.FAILED, error=message, finished_at=timezone.now()
    )


def failure_message(exc: BaseException) -> str:
    return _("生成失败：%(error)s") % {"error": exc}


def run_job(job: ExportJob, queue: str | None = None) -> None:
    """Run a job: the evaluation workbook to the end, a feedback job by queuing its chunks
    (to `queue`, the queue the starting task came from). Running it again (a retried or
    redelivered task) rebuilds the same file in the same place: files are moved into place
    only when complete."""
    if job.kind in ExportJob.FEEDBACK_KINDS:
        start_feedback_job(job, queue)
        return
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.RUNNING, done=0, error="", finished_at=None
    )
    deputy_ids = None
    if job.delegation_id:
        deputy_ids = list(
            Deputy.objects.filter(delegation_id=job.delegation_id).values_list("pk", flat=True)
        )
    target = job_path(job)
    try:
        evaluation = evaluate_year(job.year, job.term, deputy_ids=deputy_ids)
        partial = target.with_suffix(".partial.xlsx")
        export_to_path(evaluation, partial)
        partial.replace(target)
        ExportJob.objects.filter(pk=job.pk).update(done=1, total=1)
    except Exception as exc:
        logger.exception("export job %s failed", job.pk)
        fail_job(job.pk, failure_message(exc))
        raise
    # Generating files never closes a year: closing is its own act (supervision.closing.services).
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, file=str(target), finished_at=timezone.now()
    )


# --- the feedback job in chunks ------------------------------------------------------------


def start_feedback_job(job: ExportJob, queue: str | None = None) -> None:
    job.refresh_from_db()
    if job.state == ExportJob.State.DONE and job.file and Path(job.file).exists():
        return  # a redelivered start of a finished job
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.RUNNING, error="", finished_at=None
    )
    try:
        chunks = plan_chunks(job)
        waiting = [
            c for c in chunks if c.finished_at is None or not chunk_path(job, c.index).exists()
        ]
        # A chunk counted finished whose file is gone (a finished job's directory cleaned
        # up) is written again.
        ExportChunk.objects.filter(pk__in=[c.pk for c in waiting]).update(finished_at=None)
        for chunk in waiting:
            error = enqueue("supervision.tasks.feedback_chunk", job.pk, chunk.index, queue=queue)
            if error:
                fail_job(job.pk, error)
                return
        if not waiting:  # every chunk already written: the zip was not (yet) made
            finish_feedback_job(job, queue)
    except Exception as exc:
        logger.exception("export job %s failed", job.pk)
        fail_job(job.pk, failure_message(exc))
        raise


def sheet_deputies(job: ExportJob) -> tuple[list[int], dict[int, int]]:
    """The deputies whose sheets the job writes, in code order, and how many sheets each
    gets (one per term of the year they served in: the rows of evaluate_year)."""
    sheets: dict[int, int] = {}
    codes: dict[int, str] = {}
    for term in terms_for_year(job.year, job.term):
        in_office = in_office_in_year(term, job.year)
        if in_office is None:
            continue
        if job.delegation_id:
            in_office = in_office.filter(delegation_id=job.delegation_id)
        for pk, code in in_office.order_by().values_list("pk", "code"):
            sheets[pk] = sheets.get(pk, 0) + 1
            codes[pk] = code
    return sorted(sheets, key=lambda pk: (codes[pk], pk)), sheets


def plan_chunks(job: ExportJob) -> list[ExportChunk]:
    """The job's chunks, made once: a job started again keeps the same chunks, so a sheet
    never moves from one chunk file to another."""
    with transaction.atomic():
        # Two copies of the starting task (a redelivery) plan one set of chunks, not two.
        ExportJob.objects.select_for_update().filter(pk=job.pk).first()
        chunks = list(ExportChunk.objects.filter(job=job).order_by("index"))
        if not chunks:
            ids, sheets = sheet_deputies(job)
            size = max(1, settings.FEEDBACK_CHUNK_SIZE)
            parts = [ids[i : i + size] for i in range(0, len(ids), size)]
            chunks = ExportChunk.objects.bulk_create(
                ExportChunk(job=job, index=i, deputy_ids=part, total=sum(sheets[d] for d in part))
                for i, part in enumerate(parts)
            )
        ExportJob.objects.filter(pk=job.pk).update(
            total=sum(c.total for c in chunks), done=sum(c.done for c in chunks if c.finished_at)
        )
    return chunks


def _sync_done(job_id: int) -> None:
    """The job's progress is the sum of its chunks' own counts."""
    done = ExportChunk.objects.filter(job_id=job_id).aggregate(done=Sum("done"))["done"] or 0
    ExportJob.objects.filter(pk=job_id, state__in=WAITING).update(done=done)


def run_chunk(job_id: int, index: int, queue: str | None = None) -> str:
    """Write chunk `index` of the job unless its file is already in place; the task that
    finishes the last chunk makes the zip."""
    job = ExportJob.objects.select_related("term", "delegation").filter(pk=job_id).first()
    if job is None:
        return "missing"
    if job.state == ExportJob.State.FAILED:
        return "failed"  # another chunk failed: no more work for a file nobody gets
    if job.state == ExportJob.State.DONE:
        # A late copy of a chunk's message: the zip is in place. Finish what a worker that
        # died right after may have left: the chunk files, the scheduled job's messages.
        shutil.rmtree(job_dir(job) / "chunks", ignore_errors=True)
        if job.scheduled:
            enqueue("supervision.tasks.year_end_feedback", job.year, queue=queue)
        return "done"
    chunk = ExportChunk.objects.get(job=job, index=index)
    path = chunk_path(job, index)
    if path.exists():
        with zipfile.ZipFile(path) as archive:
            count = len(archive.infolist())
    else:
        count = write_chunk(job, chunk, path)
    with transaction.atomic():
        # One at a time per job, so exactly one task sees the last chunk finish.
        ExportJob.objects.select_for_update().filter(pk=job.pk).first()
        ExportChunk.objects.filter(pk=chunk.pk).update(done=count, finished_at=timezone.now())
        last = not ExportChunk.objects.filter(job=job, finished_at__isnull=True).exists()
    _sync_done(job.pk)
    if last:
        finish_feedback_job(job, queue)
    return f"chunk {index}: {count}"


def write_chunk(job: ExportJob, chunk: ExportChunk, path: Path) -> int:
    # Written again from the start: this chunk's count starts again, the others' stand.
    ExportChunk.objects.filter(pk=chunk.pk).update(done=0, finished_at=None)
    evaluation = evaluate_year(job.year, job.term, deputy_ids=chunk.deputy_ids)

    def progress(done: int, total: int) -> None:
        # Every few sheets is enough for a progress bar and keeps the writes cheap.
        if done == total or done % 20 == 0:
            ExportChunk.objects.filter(pk=chunk.pk).update(done=done)
            _sync_done(job.pk)

    pdf = job.kind == ExportJob.Kind.FEEDBACK_PDF
    return write_sheets_zip(evaluation, path, progress, pdf=pdf)


def finish_feedback_job(job: ExportJob, queue: str | None = None) -> None:
    """Join the chunk files into the job's zip, in chunk order, and mark the job done (once:
    the export log gets one line, the scheduled job's messages are queued once)."""
    chunks = list(ExportChunk.objects.filter(job=job).order_by("index"))
    target = job_path(job)
    try:
        count = join_zips([chunk_path(job, c.index) for c in chunks], target)
    except FileNotFoundError:
        if ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.DONE).exists():
            return  # another copy of this step finished the job and removed the chunks
        raise
    with transaction.atomic():
        # Generating files never closes a year: closing is its own act (closing.services).
        finished = ExportJob.objects.filter(pk=job.pk, state__in=WAITING).update(
            state=ExportJob.State.DONE,
            file=str(target),
            done=count,
            total=count,
            finished_at=timezone.now(),
        )
        if finished:
            from supervision.export_log.services import log_job_export

            job.refresh_from_db()
            log_job_export(job, "feedback_zip", count, job.scheduled)
    shutil.rmtree(job_dir(job) / "chunks", ignore_errors=True)
    for stale in job_dir(job).glob("*.partial-*"):  # left by a copy that died mid-write
        stale.unlink(missing_ok=True)
    if finished and job.scheduled:
        enqueue("supervision.tasks.year_end_feedback", job.year, queue=queue)
