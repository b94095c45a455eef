"""Writes for the supervision app. The ledger import and its uploads live here."""

import json
import secrets
import time
from pathlib import Path

from django.conf import settings

from deputies.services import fill_name_initials
from supervision.dashboard.services import bump_data_version, data_version
from supervision.ledger import Issue, LedgerResult, SheetStats
from supervision.ledger import import_ledger as _import_ledger

UPLOAD_DIR = "ledger_uploads"
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60  # an upload never confirmed is dropped after a day


def import_ledger(
    source, term_name: str, *, dry_run=False, user=None, importer=None
) -> LedgerResult:
    """Import a ledger workbook; see supervision.ledger.import_ledger."""
    result = _import_ledger(source, term_name, dry_run=dry_run, user=user, importer=importer)
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
