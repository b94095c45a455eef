"""Writes for the supervision app. The ledger import and its uploads live here."""

import secrets
from pathlib import Path

from django.conf import settings

from supervision.ledger import LedgerResult
from supervision.ledger import import_ledger as _import_ledger

UPLOAD_DIR = "ledger_uploads"


def import_ledger(
    source, term_name: str, *, dry_run=False, user=None, delegation_ids=None
) -> LedgerResult:
    """Import a ledger workbook; see supervision.ledger.import_ledger."""
    return _import_ledger(
        source, term_name, dry_run=dry_run, user=user, delegation_ids=delegation_ids
    )


def _upload_path(token: str) -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR / f"{token}.xlsx"


def store_ledger_upload(uploaded) -> str:
    """Keep an uploaded workbook server-side until it is confirmed; returns its random token."""
    token = secrets.token_urlsafe(24)
    path = _upload_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
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
