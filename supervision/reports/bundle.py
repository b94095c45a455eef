"""A year's feedback sheets, one file per deputy (xlsx, or PDF from documents.pdf), written
as a directory or as one zip; the year-end job and `manage.py feedback_sheets` use these.

Zips store their entries uncompressed (ZIP_STORED): an xlsx is itself a deflated zip and a
PDF's streams are compressed, so deflating them again saves almost nothing and costs time.
"""

import os
import shutil
import uuid
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


def partial_path(target: Path) -> Path:
    """Where `target` is written before it is moved into place: a name of its own per writer,
    so two copies of a redelivered task never write into one file."""
    return target.with_name(f"{target.name}.partial-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def write_sheets_zip(evaluation: Evaluation, target: Path, progress=None, pdf: bool = False) -> int:
    """The evaluation's sheets as one zip at `target`, moved into place whole (never a
    half-written file under the final name); returns the number of sheets."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(target)
    count = 0
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
            for name, content in iter_feedback_sheets(evaluation, progress, pdf):
                archive.writestr(name, content)
                count += 1
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return count


def write_feedback_zip(
    year: int, target: Path, term=None, deputy_ids=None, progress=None, pdf: bool = False
) -> int:
    """Build the zip beside `target` and move it into place at the end, so a run that is
    interrupted or repeated never leaves a half-written or duplicated file."""
    evaluation = evaluate_year(year, term, deputy_ids=deputy_ids)
    return write_sheets_zip(evaluation, target, progress, pdf)


def join_zips(sources: list[Path], target: Path) -> int:
    """One zip at `target` holding the entries of `sources`, in order, copied a megabyte at a
    time (the whole district's sheets are never in memory); moved into place whole. Returns
    the number of entries."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(target)
    count = 0
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as out:
            for source in sources:
                with zipfile.ZipFile(source) as part:
                    for info in part.infolist():
                        entry = zipfile.ZipInfo(info.filename, info.date_time)
                        entry.external_attr = info.external_attr
                        with part.open(info) as src, out.open(entry, "w") as dst:
                            shutil.copyfileobj(src, dst, 1 << 20)
                        count += 1
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return count
