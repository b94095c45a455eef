"""`make bench` must run to its end: the whole benchmark at a tiny scale, as a user runs it.

The bench stopped silently once (its dashboard step met the two-factor requirement after
ten minutes of seeding); this runs it end to end on a scratch PostgreSQL database. No timing
is asserted here: the figures are for bench/, the test only checks that each one is printed
and that the evaluation agrees with the hand-written SQL (0 deputies differing).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.redis]  # the feedback job runs on Celery

ROOT = Path(__file__).resolve().parents[2]


def _scratch_url() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    host, port, user = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432, db.get("USER")
    return f"postgres://{user}@{host}:{port}/jdrenda_bench_smoke"


SCALES = (1, 2)  # two tiny scales: the growth table of `make bench` is printed too


def _drop(url: str) -> None:
    import psycopg2

    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        for scale in SCALES:
            cursor.execute(f"DROP DATABASE IF EXISTS jdrenda_bench_smoke_{scale} WITH (FORCE)")
    admin.close()


def test_bench_runs_to_the_end_and_prints_every_figure(tmp_path):
    url = _scratch_url()
    _drop(url)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["BENCH_DATABASE_URL"] = url
    scales = ",".join(map(str, SCALES))
    try:
        done = subprocess.run(
            [
                sys.executable,
                "bench/run.py",
                "--scales",
                scales,
                "--runs",
                "1",
                "--year",
                "2025",
                "--ledger-rows",
                "200",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        _drop(url)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    for line in (
        "(a) evaluation of 2025:",
        "hand-written SQL lower bound:",
        "ratio a / lower bound:",
        "(b) evaluation export:",
        "deputies whose counts differ from the lower bound's: 0",
        "(c) feedback sheets,",
        "each deputy exactly once: True",
        "(e) ledger preview of",
        "(e) ledger apply of",
        "after a write (cold):",
        "cache lost:",
        "(closed) after a write:",
        ", warm:",
    ):
        assert line in out, f"missing {line!r} in:\n{out[-3000:]}"
    assert "how cost grows with the number of deputies" in out
    growth = out.split("how cost grows with the number of deputies")[1]
    for label in ("deputies in office", "(a) evaluation s", "(d) dashboard cold s"):
        assert label in growth, growth
