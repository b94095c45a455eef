"""Bad input for the ledger import (issue 7, item 5), property-based with hypothesis.

Random and malformed workbooks (tests/fuzz/strategies.py) go through the import the browser and
the management command use (supervision.ledger.services.import_ledger). Whatever comes in:
- no exception: a LedgerResult (the command: CommandError at worst);
- with errors nothing is saved: every table of the four apps, history included, keeps its count;
- every error names its sheet, a row the workbook has and a column of that sheet, or is a
  file-level error; all of them in Chinese;
- a workbook that imports cleanly imports again with no change, and its preview (dry run)
  counted exactly what the import then did.

The runs are derandomized (the same examples every time, in CI too). For a longer hunt:
JDRENDA_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/fuzz -q  (random examples, new each run).
Each example runs in a savepoint rolled back at its end, so examples never see each other's rows.
"""

import io
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from deputies.models import Delegation, Role
from deputies.scopes import UserScope
from supervision.ledger import LedgerResult
from supervision.ledger import schema as S
from supervision.ledger.services import import_ledger

from .strategies import NEXT_TERM, TERM, baseline_sheets, raw_files, workbook_bytes, workbooks

pytestmark = pytest.mark.django_db

_EXAMPLES = int(os.environ.get("JDRENDA_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=_EXAMPLES or 50,
    derandomize=not _EXAMPLES,
    deadline=None,
    database=None,  # nothing written to .hypothesis/: the derandomized runs need no memory
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the db fixture: each example rolls back itself
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

CJK = re.compile(r"[\u4e00-\u9fff]")
APPS = ("deputies", "activities", "proposals", "supervision")
COLUMNS = {sheet: {c.header for c in columns} for sheet, columns in S.SHEETS.items()}
# The file-level errors a readable workbook may still get: none but the unknown term.
TERM_MISSING = "不存在：数据库中没有"
# Errors about the workbook's sheets as a whole: a name close to a known one (" 代表名册 "),
# no recognised sheet, recognised sheets all empty.
WORKBOOK_LEVEL = (TERM_MISSING, "不是规定的名称", "名称相近", "没有可识别的台账工作表", "都是空的")


def table_counts() -> dict:
    """Rows per table of the four apps: models, their history and the many-to-many tables."""
    counts = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            counts[model._meta.db_table] = model._default_manager.count()
    return counts


@pytest.fixture
def baseline(db):
    result = import_ledger(workbook_bytes(baseline_sheets()), TERM)
    assert result.applied, [str(e) for e in result.errors]
    return workbook_bytes(baseline_sheets())


def run_import(data, term=TERM, **kwargs) -> LedgerResult:
    result = import_ledger(data, term, **kwargs)
    assert isinstance(result, LedgerResult)
    return result


def assert_errors_name_the_place(result: LedgerResult, last_rows: dict | None):
    """`last_rows` (sheet -> last row number) for a readable workbook; None for raw bytes."""
    for issue in result.errors:
        assert CJK.search(issue.message), issue
        if not issue.sheet:
            assert issue.row == 0 and not issue.column, issue
            if last_rows is not None:  # the term, or the workbook's sheets as a whole
                assert any(text in issue.message for text in WORKBOOK_LEVEL), (
                    f"file-level error for a workbook: {issue}"
                )
            continue
        assert issue.sheet in S.SHEETS, issue
        if last_rows is not None:
            assert 1 <= issue.row <= last_rows[issue.sheet], (issue, last_rows)
        assert issue.column == "" or issue.column in COLUMNS[issue.sheet], issue
        text = str(issue)
        assert issue.sheet in text and f"第 {issue.row} 行" in text, text


def check_one(data: bytes, last_rows: dict | None, importer=None, term=TERM):
    """One example: import; errors leave every table as it was; a clean import is idempotent."""
    with transaction.atomic():
        before = table_counts()
        result = run_import(data, term=term, importer=importer)
        assert_errors_name_the_place(result, last_rows)
        if result.errors:
            event("errors")
            assert not result.applied
            assert table_counts() == before, "an import with errors saved something"
        else:
            event("imported")
            assert result.applied
            after = table_counts()
            again = run_import(data, term=term, importer=importer)
            assert again.ok and again.applied, [str(e) for e in again.errors]
            assert all(s.created == s.updated == 0 for s in again.sheets.values()), again.sheets
            assert table_counts() == after, "importing the same workbook again changed rows"
        transaction.set_rollback(True)


@FUZZ
@given(spec=workbooks(), town_staff=st.booleans())
def test_malformed_workbooks_never_crash_or_half_save(baseline, spec, town_staff):
    """As office staff (every deputy) or as town staff of 嘉定镇街道 (its deputies only)."""
    town = frozenset({Delegation.objects.get(name="嘉定镇街道").pk})
    scope = UserScope(roles=frozenset({Role.TOWN_STAFF}), delegation_ids=town,
                      town_staff_delegation_ids=town)  # fmt: skip
    check_one(spec.data(), spec.last_rows(), importer=scope if town_staff else None)


@FUZZ
@given(spec=workbooks(valid_only=True), term=st.sampled_from([TERM, NEXT_TERM]))
def test_plausible_workbooks_preview_truthfully_and_reimport_unchanged(baseline, spec, term):
    """Well-formed cells that may still disagree (dates outside office, conflicting rows),
    into this term or into the next one, which only the workbook's 届次 sheet may define."""
    data = spec.data()
    with transaction.atomic():
        before = table_counts()
        preview = run_import(data, term=term, dry_run=True)
        assert not preview.applied and table_counts() == before, "the preview saved rows"
        assert_errors_name_the_place(preview, spec.last_rows())
        transaction.set_rollback(True)
    check_one(data, spec.last_rows(), term=term)
    if preview.ok:
        with transaction.atomic():
            result = run_import(data, term=term)
            assert [vars(s) for s in result.sheets.values()] == [
                vars(s) for s in preview.sheets.values()
            ], "the preview counted otherwise than the import did"
            transaction.set_rollback(True)


@pytest.fixture
def file_path():
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory) / "台账.xlsx"


@settings(FUZZ, max_examples=_EXAMPLES or 40)
@given(data=raw_files(workbook_bytes(baseline_sheets())))
def test_unreadable_files_get_one_chinese_message(baseline, data):
    check_one(data, None)


@settings(FUZZ, max_examples=_EXAMPLES or 15)
@given(data=raw_files(workbook_bytes(baseline_sheets())))
def test_command_fails_only_with_command_error(baseline, file_path, data):
    file_path.write_bytes(data)
    out = io.StringIO()
    with transaction.atomic():
        before = table_counts()
        try:
            call_command("import_ledger", str(file_path), term=TERM, stdout=out, stderr=out)
        except CommandError as exc:
            assert CJK.search(str(exc))
            assert table_counts() == before
        transaction.set_rollback(True)
