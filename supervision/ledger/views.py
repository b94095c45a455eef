"""Supervision pages. The ledger import: upload, preview (a dry run), confirm."""

import io
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from deputies.models import Role
from deputies.scopes import can_import_ledger, user_scope
from supervision.ledger.forms import LedgerUploadForm
from supervision.ledger.models import LedgerImportJob
from supervision.ledger.services import (
    job_progress,
    job_result,
    ledger_issues_workbook,
    ledger_upload_path,
    preview_ledger,
    start_ledger_job,
    store_ledger_upload,
)
from supervision.ledger.template import template_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "ledger_uploads"  # token -> term name, so a token works only for its uploader
# Room for the multipart envelope and the term field around a workbook at the size limit.
UPLOAD_ENVELOPE_BYTES = 64 * 1024


def _require_importer(user):
    if not can_import_ledger(user):
        raise PermissionDenied


@csrf_exempt  # the CSRF middleware would read the whole body; _upload_form checks CSRF after
@login_required
def ledger_import(request):
    _require_importer(request.user)
    if request.method == "POST":
        refusal = _refuse_oversized(request)
        if refusal is not None:
            return refusal
    return _upload_form(request)


def _refuse_oversized(request):
    """A body over the workbook limit is refused unread; over Django's own limits, in Chinese."""
    limit = settings.LEDGER_MAX_UPLOAD_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + UPLOAD_ENVELOPE_BYTES:
        message = _(
            "上传的内容过大（%(size)s MB），台账工作簿不能超过 %(limit)s MB，未保存任何数据。"
        ) % {"size": _megabytes(length), "limit": _megabytes(limit)}
    else:
        try:
            request.POST, request.FILES  # noqa: B018 - parsing is what may fail here
            return None
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            # Django's DATA_UPLOAD_* limits: too many fields or files, or too much form text.
            message = _(
                "上传的内容超出服务器的限制（字段或文件过多，或文字过长），未保存任何数据。"
                "请只上传一个台账工作簿（.xlsx）。"
            )
    messages.error(request, message)
    return render(
        request, "supervision/ledger/import.html", {"form": LedgerUploadForm()}, status=413
    )


def _megabytes(size: int) -> float:
    return round(size / 1024 / 1024, 1)


@csrf_protect
def _upload_form(request):
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = store_ledger_upload(form.cleaned_data["file"])
        uploads = request.session.get(SESSION_KEY, {})
        uploads[token] = form.cleaned_data["term"]
        request.session[SESSION_KEY] = uploads
        return redirect("supervision:ledger_preview", token=token)
    return render(request, "supervision/ledger/import.html", {"form": form})


@login_required
def ledger_preview(request, token):
    """GET: what the import would do (nothing saved). POST: re-validate and save. Both run as
    a job (supervision.tasks.run_ledger_job): its page shows the progress, then the result;
    without a worker (no Redis) the job has run by now and the result is shown here."""
    _require_importer(request.user)
    uploads = request.session.get(SESSION_KEY, {})
    if token not in uploads or ledger_upload_path(token) is None:
        raise Http404
    # The confirm validates afresh against the data as it is now; an apply already done
    # (a second click) is found again, never run twice.
    job = start_ledger_job(request.user, token, uploads[token], dry_run=request.method != "POST")
    if job.state == LedgerImportJob.State.DONE:
        return _job_result(request, job)
    return redirect("supervision:ledger_job", pk=job.pk)


@require_GET
@login_required
def ledger_job(request, pk):
    """A job's progress (polled by htmx every second), then its result. Seen by who started
    it and by office staff; the rows were checked against its starter's scope."""
    _require_importer(request.user)
    jobs = LedgerImportJob.objects.select_related("created_by")
    if not user_scope(request.user).has(Role.OFFICE_STAFF):
        jobs = jobs.filter(created_by=request.user)
    job = job_progress(get_object_or_404(jobs, pk=pk))
    finished = job.finished or _stalled(job)
    if request.headers.get("HX-Request"):
        context = {"job": job, "stalled": _stalled(job)}
        response = render(request, "supervision/ledger/_job_progress.html", context)
        if finished:
            response["HX-Refresh"] = "true"  # the whole page: the result replaces the bar
        return response
    if job.state == LedgerImportJob.State.DONE:
        return _job_result(request, job)
    return render(request, "supervision/ledger/job.html", {"job": job, "stalled": _stalled(job)})


# A job still waiting or running after this long will not finish: its worker is gone or the
# task hit its time limit (run_ledger_job's is ten minutes). Say so instead of spinning.
STALLED_AFTER = timedelta(minutes=15)


def _stalled(job: LedgerImportJob) -> bool:
    return not job.finished and timezone.now() - job.created_at > STALLED_AFTER


def _job_result(request, job: LedgerImportJob):
    """The preview, or the page saying the import is saved, exactly as before the job."""
    result = job_result(job)
    mine = job.created_by_id == request.user.pk
    if result.applied:
        uploads = request.session.get(SESSION_KEY, {})
        if uploads.pop(job.token, None) is not None:
            request.session[SESSION_KEY] = uploads
            messages.success(request, _("履职台账已导入。"))
        return render(request, "supervision/ledger/done.html", {"result": result})
    cap = settings.LEDGER_PREVIEW_ISSUES
    return render(
        request,
        "supervision/ledger/preview.html",
        {
            "result": result,
            "token": job.token,
            "term_name": job.term_name,
            "errors_shown": result.errors[:cap],
            "warnings_shown": result.warnings[:cap],
            "cap": cap,
            "capped": len(result.errors) > cap or len(result.warnings) > cap,
            # Only the uploader can confirm (the upload is theirs, in their session).
            "may_confirm": mine and job.token in request.session.get(SESSION_KEY, {}),
        },
    )


@require_GET
@login_required
def ledger_issues(request, token):
    """Every error and warning of an upload's preview, as a workbook."""
    _require_importer(request.user)
    uploads = request.session.get(SESSION_KEY, {})
    if token not in uploads or ledger_upload_path(token) is None:
        raise Http404
    # The issues of the preview shown (its job's), else the kept preview.
    job = LedgerImportJob.objects.filter(
        token=token, dry_run=True, state=LedgerImportJob.State.DONE, created_by=request.user
    ).first()
    if job is not None:
        result = job_result(job)
    else:
        result = preview_ledger(token, uploads[token], user=request.user, importer=request.user)
    return FileResponse(
        io.BytesIO(ledger_issues_workbook(result)),
        as_attachment=True,
        filename=_("台账检查结果") + ".xlsx",
        content_type=XLSX,
    )


@login_required
def ledger_template(request):
    _require_importer(request.user)
    return FileResponse(
        io.BytesIO(template_bytes()),
        as_attachment=True,
        filename=_("履职台账模板") + ".xlsx",
        content_type=XLSX,
    )
