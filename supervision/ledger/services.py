"""Writes for the supervision app. The ledger import and its uploads live here."""

import json
import logging
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.services import fill_name_initials
from jdrenda.queue import enqueue
from supervision.dashboard.services import bump_data_version, data_version
from supervision.ledger import Issue, LedgerResult, SheetStats, progress
from supervision.ledger import import_ledger as _import_ledger
from supervision.ledger.models import LedgerImportJob

logger = logging.getLogger(__name__)

UPLOAD_DIR = "ledger_uploads"
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60  # an upload never confirmed is dropped after a day


def import_ledger(
    source, term_name: str, *, dry_run=False, user=None, importer=None, on_saved=None
) -> LedgerResult:
    """Import a ledger workbook; see supervision.ledger.import_ledger."""
    result = _import_ledger(
        source, term_name, dry_run=dry_run, user=user, importer=importer, on_saved=on_saved
    )
    if result.applied:
        fill_name_initials()  # imported deputies become searchable by 拼音首字母
        bump_data_version()  # bulk writes send no signals: the dashboard recomputes
    return result


def _upload_path(token: str) -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR / f"{token}.xlsx"


def _preview_path(token: str) -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR / f"{token}.preview.json"


def preview_ledger(token: str, term_name: str, *, user=None, importer=None) -> LedgerResult:
    """The dry run of a stored upload, parsed once: kept beside the upload and reused while
    no data has changed (the dashboard's data version) for the same term and scope. The
    confirm always validates afresh."""
    path = ledger_upload_path(token)
    key = {
        "version": data_version(),
        "term": term_name,
        "importer": _importer_key(importer),
    }
    kept = _preview_path(token)
    try:
        stored = json.loads(kept.read_text(encoding="utf-8"))
        if stored["key"] == key:
            return _result_from_json(stored["result"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none kept yet, or stale
    result = import_ledger(path, term_name, dry_run=True, user=user, importer=importer)
    payload = {"key": key, "result": _result_to_json(result)}
    kept.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return result


def _importer_key(importer) -> list | None:
    """Who the kept preview was checked for: the user and the scope their rows had to meet
    (a role given or taken away since then makes it stale)."""
    if importer is None:
        return None
    from deputies.scopes import user_scope

    scope = user_scope(importer)
    return [importer.pk, *(sorted(getattr(scope, name)) for name in (
        "roles", "delegation_ids", "organiser_ids", "deputy_ids"))]  # fmt: skip


def _result_to_json(result: LedgerResult) -> dict:
    return {
        "term_name": result.term_name,
        "applied": result.applied,
        "errors": [list(vars(i).values()) for i in result.errors],
        "warnings": [list(vars(i).values()) for i in result.warnings],
        "sheets": [vars(stats) for stats in result.sheets.values()],
    }


def _result_from_json(data: dict) -> LedgerResult:
    return LedgerResult(
        term_name=data["term_name"],
        errors=[Issue(*i) for i in data["errors"]],
        warnings=[Issue(*i) for i in data["warnings"]],
        sheets={s["name"]: SheetStats(**s) for s in data["sheets"]},
        applied=data.get("applied", False),
    )


def ledger_issues_workbook(result: LedgerResult) -> bytes:
    """Every error and warning of a preview as a workbook (the page lists only the first)."""
    import io

    from django.utils.translation import gettext as _
    from openpyxl import Workbook

    from jdrenda.xlsx import write_table

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("检查结果"))
    rows = [
        [kind, issue.sheet, issue.row or "", issue.column, issue.message]
        for kind, issues in ((_("错误"), result.errors), (_("警告"), result.warnings))
        for issue in issues
    ]
    write_table(sheet, [_("类别"), _("工作表"), _("行"), _("列"), _("说明")], rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def store_ledger_upload(uploaded) -> str:
    """Keep an uploaded workbook server-side until it is confirmed; returns its random token."""
    token = secrets.token_urlsafe(24)
    path = _upload_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    _discard_stale_uploads(path.parent)
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return token


def ledger_upload_path(token: str) -> Path | None:
    """The stored upload for a token, or None. Tokens are ours (secrets), never a path."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = _upload_path(token)
    return path if path.is_file() else None


def discard_ledger_upload(token: str) -> None:
    path = ledger_upload_path(token)
    if path is not None:
        path.unlink(missing_ok=True)
        _preview_path(token).unlink(missing_ok=True)


def _discard_stale_uploads(directory: Path) -> None:
    cutoff = time.time() - UPLOAD_MAX_AGE_SECONDS
    for stale in [*directory.glob("*.xlsx"), *directory.glob("*.preview.json")]:
        try:
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
        except OSError:
            pass  # another request removed it first


# -- the import as a background job ----------------------------------------------------------

Job = LedgerImportJob
PROGRESS_SECONDS = 0.5  # the page polls every second; more often would only cost writes


def start_ledger_job(user, token: str, term_name: str, *, dry_run: bool) -> LedgerImportJob:
    """Queue the preview or the apply of an upload, or return the job already waiting or
    running for it (a double click starts one job, not two; the partial unique constraint
    settles two requests racing). An apply already done is returned, never run again."""
    jobs = Job.objects.filter(token=token, dry_run=dry_run)
    job = jobs.filter(state__in=Job.ACTIVE).first()
    if job is None and not dry_run:
        job = jobs.filter(state=Job.State.DONE, result__applied=True).first()
    if job is not None:
        return job
    try:
        with transaction.atomic():  # a savepoint: the request's transaction survives a race
            job = Job.objects.create(
                created_by=user, token=token, term_name=term_name, dry_run=dry_run
            )
    except IntegrityError:  # the other click won
        return jobs.filter(state__in=Job.ACTIVE).first() or jobs.latest("created_at")

    # Sent now, not on commit: without Redis the task runs here and the page shows its result
    # at once. A worker quicker than the request's commit (the confirm is a POST, in one
    # transaction) does not find the row yet and tries again (supervision.tasks).
    error = enqueue("supervision.tasks.run_ledger_job", job.pk)
    if error:  # never left pending: nobody would run it and its page would spin
        _fail(job, error)
    job.refresh_from_db()
    return job


def _progress_key(pk: int) -> str:
    return f"ledger-job:{pk}:progress"


def job_progress(job: LedgerImportJob) -> LedgerImportJob:
    """The job with its latest progress. While the records are written the import is inside
    its one transaction, where a row update would show nobody anything: the cache has it."""
    if job.state == Job.State.RUNNING:
        live = cache.get(_progress_key(job.pk))
        if live:
            job.phase, job.done, job.total = live
    return job


class _Reporter:
    """The import's progress onto the job: at most every PROGRESS_SECONDS, and at each new
    phase. A row update outside a transaction, else the cache (see job_progress)."""

    def __init__(self, job):
        self.job, self.phase, self.last = job, None, 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.last < PROGRESS_SECONDS:
            return
        self.phase, self.last = phase, now
        if transaction.get_connection().in_atomic_block:
            cache.set(_progress_key(self.job.pk), (phase, done, total), 60 * 60)
        else:
            Job.objects.filter(pk=self.job.pk).update(phase=phase, done=done, total=total)


def run_ledger_job(job_id: int) -> str:
    """Run a queued job to its end. Safe to run again: a job done or failed is left alone,
    and an apply records its completion in the import's own transaction, so an import that
    was saved is never saved twice, and one that was not leaves the job to be run again."""
    claimed = Job.objects.filter(pk=job_id, state__in=Job.ACTIVE).update(
        state=Job.State.RUNNING, phase=progress.READING, done=0, total=0
    )
    job = Job.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None:
        return "missing"
    if not claimed:
        return job.state  # already finished: a redelivered or repeated task
    path = ledger_upload_path(job.token)
    if path is None:
        _fail(job, _("上传的工作簿已不存在（超过一天未确认的上传会被清理），请重新上传。"))
        return job.state
    user = job.created_by

    def saved(result: LedgerResult) -> None:
        _finish(job, result)  # inside the import's transaction

    try:
        with progress.listening(_Reporter(job)):
            if job.dry_run:
                result = preview_ledger(job.token, job.term_name, user=user, importer=user)
            else:
                result = import_ledger(
                    path, job.term_name, user=user, importer=user, on_saved=saved
                )
    except Exception as exc:  # noqa: BLE001 - the user is told; the log has the traceback
        logger.exception("ledger job %s failed", job.pk)
        _fail(job, _("处理时出错，未保存任何数据：%(error)s") % {"error": exc})
        return job.state
    finally:
        cache.delete(_progress_key(job.pk))
    if result.applied:
        discard_ledger_upload(job.token)  # saved: the upload has served
    else:
        _finish(job, result)  # a preview, or an apply refused with errors (nothing saved)
    return Job.State.DONE


def _finish(job: LedgerImportJob, result: LedgerResult) -> None:
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE,
        result=_result_to_json(result),
        done=F("total"),
        finished_at=timezone.now(),
    )


def _fail(job: LedgerImportJob, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.FAILED, error=message, finished_at=timezone.now()
    )
    job.state = Job.State.FAILED


def job_result(job: LedgerImportJob) -> LedgerResult | None:
    return _result_from_json(job.result) if job.result else None
