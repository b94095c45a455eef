"""Supervision pages. The ledger import: upload, preview (a dry run), confirm."""

import io

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
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from deputies.scopes import can_import_ledger
from supervision.ledger.forms import LedgerUploadForm
from supervision.ledger.services import (
    discard_ledger_upload,
    import_ledger,
    ledger_issues_workbook,
    ledger_upload_path,
    preview_ledger,
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
    """GET: what the import would do (nothing saved). POST: re-validate and save."""
    _require_importer(request.user)
    uploads = request.session.get(SESSION_KEY, {})
    path = ledger_upload_path(token) if token in uploads else None
    if path is None:
        raise Http404
    term_name = uploads[token]
    # Each row must meet the pages' rules for this user (deputies.permissions).
    if request.method == "POST":  # the confirm validates afresh against the data as it is now
        result = import_ledger(path, term_name, user=request.user, importer=request.user)
    else:  # the preview is parsed once per upload and kept
        result = preview_ledger(token, term_name, user=request.user, importer=request.user)
    if result.applied:
        discard_ledger_upload(token)
        uploads.pop(token, None)
        request.session[SESSION_KEY] = uploads
        messages.success(request, _("履职台账已导入。"))
        return render(request, "supervision/ledger/done.html", {"result": result})
    cap = settings.LEDGER_PREVIEW_ISSUES
    return render(
        request,
        "supervision/ledger/preview.html",
        {
            "result": result,
            "token": token,
            "term_name": term_name,
            "errors_shown": result.errors[:cap],
            "warnings_shown": result.warnings[:cap],
            "cap": cap,
            "capped": len(result.errors) > cap or len(result.warnings) > cap,
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
