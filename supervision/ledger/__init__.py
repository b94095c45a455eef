"""The ledger workbook (履职台账) import: read, validate everything, then save all or nothing."""

import logging

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from supervision.closing import services as closing
from supervision.ledger.apply import Applier
from supervision.ledger.issues import Issue, LedgerResult, SheetStats
from supervision.ledger.reader import read_workbook_with_warnings
from supervision.ledger.validate import Validator

__all__ = ["Issue", "LedgerResult", "SheetStats", "import_ledger"]

logger = logging.getLogger(__name__)


def import_ledger(
    source, term_name: str, *, dry_run=False, user=None, importer=None, on_saved=None
) -> LedgerResult:
    """Import a ledger workbook (a path, bytes or a file object) into the term `term_name`.

    With errors nothing is saved. `dry_run` validates and counts, then rolls back.
    `importer` is the user whose permissions (deputies.permissions) each row must meet: the
    uploader in the browser; None on the command line, which imports as office staff.
    `user` is who the history names. `on_saved(result)` runs inside the import's transaction
    once everything is written (a job records its completion with the records, or neither).
    """
    sheets, errors, warnings = read_workbook_with_warnings(source)
    if errors and not sheets:
        return LedgerResult(term_name=term_name, errors=errors, warnings=warnings)
    plan, result = Validator(sheets, term_name, importer).run()
    result.errors[:0] = errors
    result.warnings[:0] = warnings
    for warning in warnings:  # a hidden column, a header below row 1: counted with its sheet
        if warning.sheet in result.sheets:
            result.sheets[warning.sheet].warnings += 1
    if result.errors:
        _count_despite_errors(plan, result, user)
        return result
    # Closed years (supervision.closing.services): rows that would add or change a record of a
    # closed year are errors, unless an office-staff override with a reason is active (the
    # command's --closed-year-reason). The applier checks row by row, so the per-save guard
    # stands aside for the bulk writes.
    closed = closing.closed_years()
    override = closing.current_override()
    reason = None
    if override and override.reason and closing.is_office(override.user):
        reason = override.reason
    try:
        with transaction.atomic(), closing.guard_suspended():
            Applier(plan, result, user, closed=closed, closed_reason=reason).apply()
            if dry_run or result.errors:
                transaction.set_rollback(True)
            elif on_saved is not None:
                result.applied = True
                on_saved(result)
    except DatabaseError as exc:  # IntegrityError included: reported, never a traceback
        result.applied = False
        _reset_counts(result)
        result.errors.append(
            Issue("", 0, "", _("保存时数据库报错，未保存任何数据：%(error)s") % {"error": exc})
        )
        return result
    if result.errors:
        _reset_counts(result)
        return result
    result.applied = not dry_run
    return result


def _count_despite_errors(plan, result: LedgerResult, user) -> None:
    """An error in one sheet does not hide the other sheets' counts (issue 13): the rows that
    passed go through the same dry run as a clean workbook, always rolled back. A sheet with an
    error is marked not counted; if the partial plan cannot be applied at all (a row of another
    sheet leans on a refused one), no sheet is counted rather than a wrong count shown."""
    probe = LedgerResult(
        term_name=result.term_name,
        sheets={name: SheetStats(name, rows=s.rows) for name, s in result.sheets.items()},
    )
    failed = {issue.sheet for issue in result.errors}
    try:
        with transaction.atomic(), closing.guard_suspended():
            Applier(plan, probe, user).apply()
            transaction.set_rollback(True)
    except Exception:  # noqa: BLE001 - a partial plan; the errors listed say what to fix
        logger.info("ledger preview: the rows without errors could not be counted", exc_info=True)
        failed = set(result.sheets)
    for name, stats in result.sheets.items():
        if name in failed or "" in failed:
            stats.counted = False
            continue
        counted = probe.sheets[name]
        stats.created, stats.updated = counted.created, counted.updated
        stats.unchanged, stats.samples = counted.unchanged, counted.samples


def _reset_counts(result: LedgerResult):
    for stats in result.sheets.values():
        stats.created = stats.updated = stats.unchanged = 0
        stats.samples = []
