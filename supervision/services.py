"""Writes for the supervision app. The ledger import and its uploads live here."""

import secrets
import time
from pathlib import Path

from django.conf import settings

from deputies.services import fill_name_initials
from supervision.dashboard import bump_data_version
from supervision.ledger import LedgerResult
from supervision.ledger import import_ledger as _import_ledger

UPLOAD_DIR = "ledger_uploads"
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60  # an upload never confirmed is dropped after a day


def import_ledger(
    source, term_name: str, *, dry_run=False, user=None, importer=None
) -> LedgerResult:
    """Import a ledger workbook; see supervision.ledger.import_ledger."""
    result = _import_ledger(
        source, term_name, dry_run=dry_run, user=user, importer=importer
    )
    if result.applied:
        fill_name_initials()  # imported deputies become searchable by 拼音首字母
        bump_data_version()  # bulk writes send no signals: the dashboard recomputes
    return result


def _upload_path(token: str) -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR / f"{token}.xlsx"


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


def _discard_stale_uploads(directory: Path) -> None:
    cutoff = time.time() - UPLOAD_MAX_AGE_SECONDS
    for stale in directory.glob("*.xlsx"):
        try:
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
        except OSError:
            pass  # another request removed it first
