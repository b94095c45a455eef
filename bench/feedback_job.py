"""The year's feedback sheets of every deputy as one Celery job on real workers (issue 19
item 4: 20,000 deputies in at most 3 minutes). Not part of the tests.

    python bench/feedback_job.py [--database-url URL] [--year 2025] [--workers 2] [--kill-after N]

or, from another script (bench/run.py): `measure(database_url, year=2025, workers=2)`.

Starts `celery -A jdrenda worker -c WORKERS` (prefork) on Redis database 9 against the given
database, creates a district-wide feedback ExportJob, queues it (run_export_job, which queues
one feedback_chunk task per chunk of deputies), waits until the job is done, stops the worker,
and checks the zip: every deputy that evaluate_year gives a row holds exactly one sheet, and
nothing else is in it. Returns (and prints as JSON) seconds from queuing to the zip in place,
sheets, zip bytes, the check, and the progress seen on the way.

With --kill-after N (measure(..., kill_after=N)): once the job has done N sheets the whole
worker is killed with SIGKILL (no warning, no cleanup), a new worker is started, and the job
must still end with every sheet exactly once. A dead worker's unacknowledged messages go back
to the queue after the broker's visibility timeout (an hour in production): this run's workers
use 60 seconds (bench.feedback_job:app), which is then part of the measured time. (Shorter is
not better: a chunk still running after the timeout is delivered a second time, to another
process, and written twice; the zip still holds each sheet once, but the work is doubled.)

Everything runs in a child process with its own environment (DATABASE_URL, REDIS_URL,
EXPORT_ROOT in a temporary directory that is removed), so a caller that set up Django for
another database or without Redis is not disturbed. The database is read, except for the
ExportJob, its ExportChunk rows and its ExportLog line, which are deleted at the end.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/9"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jdrenda_bench"
VISIBILITY = 60  # seconds, for the workers of the --kill-after run only


def measure(
    database_url: str = DEFAULT_URL,
    year: int = 2025,
    workers: int = 2,
    kill_after: int | None = None,
    timeout: float = 1800,
) -> dict:
    """Run the job in a child process and return its figures (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="jdrenda-fb-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "EXPORT_ROOT": str(Path(tmp) / "exports"),
            "DJANGO_SETTINGS_MODULE": "jdrenda.settings",
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, __file__, "--child", "--year", str(year),
                   "--workers", str(workers), "--timeout", str(timeout)]  # fmt: skip
        if kill_after is not None:
            command += ["--kill-after", str(kill_after)]
        out = Path(tmp) / "result.json"
        command += ["--output", str(out)]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())


# --- in the child process ---------------------------------------------------------------------


def _start_worker(workers: int, queue: str, name: str, log, fast_restore: bool):
    app = "bench.feedback_job" if fast_restore else "jdrenda"
    command = [sys.executable, "-m", "celery", "-A", app, "worker", "-c", str(workers),
               "--pool", "prefork", "-Q", queue, "-n", name, "--loglevel", "WARNING",
               "--without-heartbeat", "--without-mingle", "--without-gossip"]  # fmt: skip
    env = dict(os.environ)
    if fast_restore:
        env["FEEDBACK_BENCH_VISIBILITY"] = str(VISIBILITY)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def _stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _cpu_seconds(process_group: int) -> float:
    """CPU time (user + system) of the live processes of a worker's process group: the pool
    children do the sheets. On a shared machine the wall-clock time depends on what else
    runs; this much less."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == process_group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _wait_ready(celery_app, name: str, process, timeout: float = 60) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"worker exited with {process.returncode}")
        if celery_app.control.ping(destination=[name], timeout=0.5):
            return time.monotonic() - start
    raise RuntimeError("worker did not answer within a minute")


def _child(args) -> dict:
    import django

    django.setup()
    from django.db.models import Max

    from jdrenda.celery import app
    from supervision import tasks
    from supervision.models import ExportJob, ExportLog
    from supervision.reports.jobs import job_dir, sheet_deputies

    queue = f"jdrenda-bench-feedback-{os.getpid()}"
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    log_path = Path(os.environ["EXPORT_ROOT"]).parent / "worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    name = f"bench-fb-{os.getpid()}@%h".replace("%h", os.uname().nodename)
    fast_restore = args.kill_after is not None
    last_log = ExportLog.objects.aggregate(last=Max("pk"))["last"] or 0
    # Before the worker starts: a database without this branch's tables fails here, leaving
    # no worker behind.
    job = ExportJob.objects.create(kind=ExportJob.Kind.FEEDBACK_ZIP, year=args.year)
    result = {"year": args.year, "workers": args.workers, "job": job.pk}
    worker = _start_worker(args.workers, queue, name, log, fast_restore)
    second = None
    try:
        result["worker_start_s"] = round(_wait_ready(app, name, worker), 2)
        cpu_before = _cpu_seconds(worker.pid)
        load_before = os.getloadavg()
        start = time.monotonic()
        tasks.run_export_job.apply_async((job.pk,), queue=queue)
        progress, killed = [], None
        deadline = start + args.timeout
        while time.monotonic() < deadline:
            job.refresh_from_db()
            elapsed = time.monotonic() - start
            if not progress or progress[-1][1] != job.done:
                progress.append((round(elapsed, 1), job.done, job.total))
            if job.state in (ExportJob.State.DONE, ExportJob.State.FAILED):
                break
            if killed is None and args.kill_after is not None and job.done >= args.kill_after:
                os.killpg(worker.pid, signal.SIGKILL)  # the whole worker, as a crash
                worker.wait()
                killed = {"at_s": round(elapsed, 1), "done_then": job.done}
                name2 = name.replace("bench-fb-", "bench-fb2-")
                second = _start_worker(args.workers, queue, name2, log, fast_restore)
            time.sleep(0.25)
        seconds = time.monotonic() - start
        load_after = os.getloadavg()
        if second is None:  # a killed worker's CPU time is gone with it
            result["worker_cpu_s"] = round(_cpu_seconds(worker.pid) - cpu_before, 1)
        job.refresh_from_db()
        result.update(
            state=job.state,
            error=job.error,
            seconds=round(seconds, 1),
            done=job.done,
            total=job.total,
            chunks=job.chunks.count(),
            load_before=[round(x, 2) for x in load_before],
            load_after=[round(x, 2) for x in load_after],
            progress=progress[:: max(1, len(progress) // 12)] + progress[-1:],
        )
        if killed:
            result["killed"] = killed
        # The check: every deputy with a row of the year holds exactly one sheet.
        ids, sheets = sheet_deputies(job)
        from deputies.models import Deputy

        codes = dict(Deputy.objects.filter(pk__in=ids).values_list("pk", "code"))
        expected = sorted(codes[pk] for pk in ids for _ in range(sheets[pk]))
        if job.state == ExportJob.State.DONE:
            import zipfile

            path = Path(job.file)
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
            found = sorted(n.split("_")[1] for n in names)
            left = sorted(p.name for p in job_dir(job).rglob("*") if p.is_file())
            result.update(
                sheets=len(names),
                zip_bytes=path.stat().st_size,
                ms_per_sheet=round(seconds * 1000 / max(1, len(names)), 1),
                each_deputy_once=found == expected and len(set(names)) == len(names),
                expected_sheets=len(expected),
                files_left=left,
            )
    finally:
        _stop(worker)
        if second is not None:
            _stop(second)
        log.close()
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)
        ExportLog.objects.filter(pk__gt=last_log, kind="feedback_zip").delete()
        ExportJob.objects.filter(pk=job.pk).delete()  # and its chunks
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL))  # fmt: skip
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-after", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        result = _child(args)
        Path(args.output).write_text(json.dumps(result, ensure_ascii=False))
        return
    result = measure(args.database_url, args.year, args.workers, args.kill_after, args.timeout)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
elif os.environ.get("FEEDBACK_BENCH_VISIBILITY"):
    # Imported by a --kill-after run's worker (`celery -A bench.feedback_job`): the project's
    # app with a short visibility timeout, so the killed worker's tasks come back in seconds.
    from jdrenda.celery import app

    app.conf.broker_transport_options = {
        **(app.conf.broker_transport_options or {}),
        "visibility_timeout": float(os.environ["FEEDBACK_BENCH_VISIBILITY"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
