"""Supervision pages. The ledger import: upload, preview (a dry run), confirm."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from deputies.models import Role
from deputies.scopes import can_import_ledger, user_scope

from .ledger.forms import LedgerUploadForm
from .ledger_template import template_bytes
from .services import (
    discard_ledger_upload,
    import_ledger,
    ledger_upload_path,
    store_ledger_upload,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "ledger_uploads"  # token -> term name, so a token works only for its uploader


def _require_importer(user):
    if not can_import_ledger(user):
        raise PermissionDenied


def _delegation_scope(user):
    """None for office staff (every deputy); town staff only their own delegations."""
    scope = user_scope(user)
    return None if scope.has(Role.OFFICE_STAFF) else scope.town_staff_delegation_ids


@login_required
def ledger_import(request):
    _require_importer(request.user)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = store_ledger_upload(form.cleaned_data["file"])
        uploads = request.session.get(SESSION_KEY, {})
        uploads[token] = form.cleaned_data["term"]
        request.session[SESSION_KEY] = uploads
        return redirect("supervision:ledger_preview", token=token)
    return render(request, "supervision/ledger_import.html", {"form": form})


@login_required
def ledger_preview(request, token):
    """GET: what the import would do (nothing saved). POST: re-validate and save."""
    _require_importer(request.user)
    uploads = request.session.get(SESSION_KEY, {})
    path = ledger_upload_path(token) if token in uploads else None
    if path is None:
        raise Http404
    term_name = uploads[token]
    confirm = request.method == "POST"
    result = import_ledger(
        path,
        term_name,
        dry_run=not confirm,
        user=request.user,
        delegation_ids=_delegation_scope(request.user),
    )
    if result.applied:
        discard_ledger_upload(token)
        uploads.pop(token, None)
        request.session[SESSION_KEY] = uploads
        messages.success(request, _("履职台账已导入。"))
        return render(request, "supervision/ledger_done.html", {"result": result})
    return render(
        request,
        "supervision/ledger_preview.html",
        {"result": result, "token": token, "term_name": term_name},
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
