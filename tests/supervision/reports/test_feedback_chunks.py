"""The feedback job in chunks (issue 19 item 4): every deputy's sheet exactly once, whatever
runs twice or dies half-way, progress summed over the chunks, the zip made only once every
chunk is in place. Eager Celery here (chunks inline, in order); tests/supervision/tasks/
test_worker.py kills real workers."""

import zipfile

import pytest

from supervision.models import ExportChunk, ExportJob, ExportLog
from supervision.reports.jobs import chunk_path, job_dir, plan_chunks, run_chunk, run_job

pytestmark = pytest.mark.django_db

CODES = ["C005", "C001", "C004", "C002", "C003"]  # created out of order on purpose


@pytest.fixture
def five(term, make_deputy, settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path
    settings.FEEDBACK_CHUNK_SIZE = 2
    return {code: make_deputy(term, code, name=f"代表{code}") for code in CODES}


def new_job(kind=ExportJob.Kind.FEEDBACK_ZIP, **fields):
    return ExportJob.objects.create(kind=kind, year=2025, **fields)


def started(job):
    """A job whose chunks are planned and none run yet (what a worker sees before it takes
    the first chunk)."""
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING)
    plan_chunks(job)
    job.refresh_from_db()
    return job


def zip_codes(job):
    with zipfile.ZipFile(job.file) as archive:
        names = archive.namelist()
    return [name.split("_")[1] for name in names]


def test_chunks_hold_every_deputy_once_in_code_order(five):
    job = started(new_job())
    chunks = list(job.chunks.order_by("index"))
    ids = {d.pk: code for code, d in five.items()}
    assert [[ids[pk] for pk in c.deputy_ids] for c in chunks] == [
        ["C001", "C002"],
        ["C003", "C004"],
        ["C005"],
    ]
    assert [c.total for c in chunks] == [2, 2, 1] and job.total == 5
    plan_chunks(job)  # started again: the same chunks, not a second set
    assert job.chunks.count() == 3


def test_job_writes_one_zip_with_each_sheet_once(five):
    job = new_job()
    run_job(job)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and (job.done, job.total) == (5, 5)
    assert zip_codes(job) == sorted(CODES)
    # Only the zip is left: the chunk files are removed once joined.
    assert [p.name for p in job_dir(job).rglob("*") if p.is_file()] == [
        "2025年度履职情况反馈表_全区.zip"
    ]
    assert ExportLog.objects.filter(kind="feedback_zip", rows=5).count() == 1
    run_job(job)  # a redelivered start of the finished job: nothing changes
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and zip_codes(job) == sorted(CODES)
    assert ExportLog.objects.filter(kind="feedback_zip").count() == 1


def test_progress_is_the_sum_over_chunks_and_a_rerun_counts_once(five):
    job = started(new_job())
    run_chunk(job.pk, 0)
    run_chunk(job.pk, 1)
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (ExportJob.State.RUNNING, 4, 5)
    # Chunk 1 written again (its file lost, as after a crash before the rename): its own
    # count starts again, the job's total does not grow.
    chunk_path(job, 1).unlink()
    run_chunk(job.pk, 1)
    run_chunk(job.pk, 0)  # its file is in place: skipped, counted once
    job.refresh_from_db()
    assert (job.done, job.total) == (4, 5)
    assert list(job.chunks.values_list("done", flat=True)) == [2, 2, 0]


def test_zip_is_made_only_when_every_chunk_is_in_place(five):
    job = started(new_job())
    run_chunk(job.pk, 2)
    run_chunk(job.pk, 0)
    job.refresh_from_db()
    assert job.state == ExportJob.State.RUNNING and not job.file
    assert not list(job_dir(job).glob("*.zip"))
    run_chunk(job.pk, 1)  # the last one, in any order, makes the zip
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and zip_codes(job) == sorted(CODES)


def test_worker_killed_mid_chunk_leaves_a_partial_file_and_the_job_still_completes(five):
    job = started(new_job())
    run_chunk(job.pk, 0)
    # The worker writing chunk 1 died after two sheets: a partial file and its count remain.
    partial = chunk_path(job, 1).with_name("00001.chunk.partial-4242-deadbeef")
    partial.write_bytes(b"PK\x03\x04 half a zip")
    ExportChunk.objects.filter(job=job, index=1).update(done=1)
    # The redelivered chunk and the rest.
    run_chunk(job.pk, 1)
    run_chunk(job.pk, 2)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and (job.done, job.total) == (5, 5)
    assert zip_codes(job) == sorted(CODES)
    assert [p.suffix for p in job_dir(job).rglob("*") if p.is_file()] == [".zip"]


def test_a_started_job_started_again_runs_only_the_missing_chunks(five, monkeypatch):
    job = started(new_job())
    run_chunk(job.pk, 0)
    written = []
    import supervision.reports.jobs as jobs

    real = jobs.write_sheets_zip

    def counting(evaluation, target, *args, **kwargs):
        written.append(target.name)
        return real(evaluation, target, *args, **kwargs)

    monkeypatch.setattr(jobs, "write_sheets_zip", counting)
    run_job(job)  # the starting task delivered again
    job.refresh_from_db()
    assert written == ["00001.chunk", "00002.chunk"]
    assert job.state == ExportJob.State.DONE and zip_codes(job) == sorted(CODES)


def test_a_failing_chunk_fails_the_job_in_chinese_and_stops_the_rest(five, monkeypatch):
    import supervision.reports.jobs as jobs

    real = jobs.write_sheets_zip

    def full_disk(evaluation, target, *args, **kwargs):
        if target.name == "00001.chunk":
            raise OSError("磁盘已满")
        return real(evaluation, target, *args, **kwargs)

    monkeypatch.setattr(jobs, "write_sheets_zip", full_disk)
    job = new_job()
    with pytest.raises(OSError):
        run_job(job)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and job.error == "生成失败：磁盘已满"
    assert not list(job_dir(job).glob("*.zip"))
    assert run_chunk(job.pk, 2) == "failed"  # a chunk taken later does no work
    assert not chunk_path(job, 2).exists()


def test_delegation_job_holds_only_its_deputies(term, make_delegation, make_deputy, settings,
                                                tmp_path):  # fmt: skip
    settings.EXPORT_ROOT = tmp_path
    settings.FEEDBACK_CHUNK_SIZE = 1
    town, other = make_delegation("南翔镇"), make_delegation("安亭镇")
    make_deputy(term, "N002", delegation=town)
    make_deputy(term, "N001", delegation=town)
    make_deputy(term, "A001", delegation=other)
    job = new_job(delegation=town)
    run_job(job)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and zip_codes(job) == ["N001", "N002"]
    assert job.file.endswith("2025年度履职情况反馈表_南翔镇.zip")


def test_pdf_job_runs_in_chunks_too(five):
    job = new_job(kind=ExportJob.Kind.FEEDBACK_PDF)
    run_job(job)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.chunks.count() == 3
    with zipfile.ZipFile(job.file) as archive:
        names = archive.namelist()
        first = archive.read(names[0])
    assert len(names) == 5 and all(n.endswith(".pdf") for n in names)
    assert first.startswith(b"%PDF")
