"""A year's feedback sheets, one file per deputy (xlsx, or PDF from documents.pdf), written
as a directory or as one zip; the year-end job and `manage.py feedback_sheets` use these."""

import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path

from supervision.documents.pdf import feedback_pdf
from supervision.evaluation.compliance import Evaluation, evaluate_year
from supervision.reports.feedback import (
    BATCH,
    DeputyRecords,
    build_feedback_workbook,
    collect_records,
    feedback_filename,
)


def iter_feedback_sheets(
    evaluation: Evaluation, progress: Callable[[int, int], None] | None = None, pdf: bool = False
) -> Iterable[tuple[str, bytes]]:
    """(file name, xlsx or PDF bytes) for every deputy of the evaluation, in batches."""
    rows = evaluation.rows
    total = len(rows)
    for start in range(0, total, BATCH):
        batch = rows[start : start + BATCH]
        by_term = defaultdict(list)
        for row in batch:
            by_term[row.term.pk].append(row)
        records = {}
        for term_rows in by_term.values():
            records.update(collect_records(term_rows))
        for i, row in enumerate(batch, start + 1):
            deputy_records = records.get(row.deputy.pk, DeputyRecords())
            if pdf:
                name = feedback_filename(row).removesuffix(".xlsx") + ".pdf"
                yield name, feedback_pdf(row, deputy_records)
            else:
                buffer = BytesIO()
                build_feedback_workbook(row, deputy_records).save(buffer)
                yield feedback_filename(row), buffer.getvalue()
            if progress:
                progress(i, total)


def write_feedback_dir(year: int, output: Path, term=None, deputy_ids=None, progress=None) -> int:
    """Write one xlsx per deputy into `output`; returns the number written."""
    output.mkdir(parents=True, exist_ok=True)
    evaluation = evaluate_year(year, term, deputy_ids=deputy_ids)
    count = 0
    for name, content in iter_feedback_sheets(evaluation, progress):
        (output / name).write_bytes(content)
        count += 1
    return count


def write_feedback_zip(
    year: int, target: Path, term=None, deputy_ids=None, progress=None, pdf: bool = False
) -> int:
    """Build the zip beside `target` and move it into place at the end, so a run that is
    interrupted or repeated never leaves a half-written or duplicated file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    evaluation = evaluate_year(year, term, deputy_ids=deputy_ids)
    partial = target.with_suffix(".zip.partial")
    count = 0
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in iter_feedback_sheets(evaluation, progress, pdf):
            archive.writestr(name, content)
            count += 1
    partial.replace(target)
    return count
