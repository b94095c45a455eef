"""Profile one page at city scale (issue 7, item 7): server time, SQL queries with their times,
and the top functions by cumulative time. Not part of the tests.

    python bench/profile_page.py USERNAME PATH [--runs 5] [--sql] [--cprofile [--sort tottime]]

Runs against BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/jdrenda_bench_67,
seeded by bench/run.py) through django.test.Client, logged in as USERNAME without a password
(force_login; staff accounts need a TOTP authenticator first: bench/totp_enrol.py). The cache
is this process's local memory (REDIS_URL unset); the first request warms it and is reported
apart. Reports wall time, this process's CPU time, and each query's fastest time.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jdrenda_bench_67"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("username")
    parser.add_argument("path")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="list the queries of one request")
    parser.add_argument("--cprofile", action="store_true", help="top 25 functions")
    parser.add_argument("--sort", default="cumulative", help="cProfile order (tottime, …)")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdrenda.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user = get_user_model().objects.get(username=args.username)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def get():
        response = client.get(args.path, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.status_code
        return response

    started = time.perf_counter()
    response = get()
    print(f"first request: {(time.perf_counter() - started) * 1000:.0f} ms, "
          f"{len(response.content) / 1024:.0f} KB")  # fmt: skip
    times, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        get()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    # The CPU time of this (Django) process alone: what a request costs a gunicorn worker,
    # whatever else runs on the machine; PostgreSQL's share is in the SQL times below.
    print(f"median of {args.runs}: {statistics.median(times) * 1000:.1f} ms "
          f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}); "
          f"Django CPU {statistics.median(cpu) * 1000:.1f} ms")  # fmt: skip
    # Each query's fastest time over a few requests: on a busy machine one request's times
    # are mostly waiting for the CPU.
    captured = []
    for _ in range(max(args.runs, 1)):
        with CaptureQueriesContext(connection) as queries:
            get()
        captured.append(queries.captured_queries)
    fastest = [
        (min(float(run[i]["time"]) for run in captured), captured[0][i]["sql"])
        for i in range(min(len(run) for run in captured))
    ]
    total = sum(t for t, _ in fastest)
    print(f"{len(captured[0])} queries, {total * 1000:.1f} ms in SQL (client side, fastest)")
    if args.sql:
        for t, sql in sorted(fastest, key=lambda q: -q[0]):
            print(f"{t * 1000:8.1f} ms  {sql[:300]}")
    if args.cprofile:
        profiler = cProfile.Profile()
        profiler.enable()
        get()
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(25)


if __name__ == "__main__":
    main()
