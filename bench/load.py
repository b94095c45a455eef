"""Load test (issue 7, item 7): gunicorn on the PostgreSQL bench database, 50 users for 60 s.

    python bench/load.py [--users 50] [--duration 60] [--workers 5] [--think 1-3]

Starts gunicorn on 127.0.0.1 (loopback only) against BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/jdrenda_bench, seeded by `bench/run.py`; this script never
writes seed data), logs in once per demo account (password jdrenda-demo-2026; allauth allows
30 logins a minute from one address, so users of one role share that role's session), then runs
closed-loop virtual users in threads, split evenly over three pages:

  deputy file        GET /deputies/mine/                               as `deputy`
  attendance grid    GET /activities/sessions/<pk>/attendance/        as `town`
  dashboard          GET /dashboard/?year=2025                         as `leadership`/`office`

Each user requests its page, reads the whole body, then thinks (a uniform random pause, 1–3 s
by default, like a person reading the page) and repeats until the deadline; a hard cap on
requests per user bounds the loop whatever the timings. Each page is fetched once before the
clock starts (warm-up; its time is printed, not counted). Errors are statuses other than 200,
connection failures and timeouts (30 s). Prints throughput, p50/p95/max latency per page (over
all requests, failed ones included) and errors,
writes bench/out/load.json, and stops gunicorn (also on Ctrl-C). Exit status 1 when there were
errors or a page's p95 is over --target-ms.

The cache is Redis database 3 (--redis-url; "" for per-process local memory), as in production
where the dashboard's per-year figures are shared by the workers.
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jdrenda_bench"
PASSWORD = "jdrenda-demo-2026"
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30


@dataclass
class Page:
    name: str
    path: str
    account: str
    latencies: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, elapsed: float, error: str | None) -> None:
        # Failed requests count in the latencies too (a timeout took REQUEST_TIMEOUT seconds):
        # percentiles of the successes alone would flatter an overloaded server.
        with self.lock:
            self.latencies.append(elapsed)
            if error:
                self.errors[error] = self.errors.get(error, 0) + 1


def fetch(port: int, method: str, path: str, cookies: dict, body: dict | None = None):
    """One request on a new connection -> (status, headers, body). No redirects followed."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    headers = {"Host": f"{HOST}:{port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://{HOST}:{port}{path}"
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), content
    finally:
        conn.close()


def login(port: int, username: str) -> dict:
    cookies: dict = {}
    status, _, page = fetch(port, "GET", "/accounts/login/", cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not token:
        raise SystemExit(f"load: the login page answered {status} without a CSRF token")
    form = {"csrfmiddlewaretoken": token.group(1).decode(), "login": username,
            "password": PASSWORD}  # fmt: skip
    status, _, _ = fetch(port, "POST", "/accounts/login/", cookies, form)
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"load: logging in as {username} failed ({status}); is the bench seeded?")
    return cookies


def find_session_pk(port: int, cookies: dict) -> int:
    status, _, page = fetch(port, "GET", "/activities/sessions/", cookies)
    match = re.search(rb"/activities/sessions/(\d+)/", page)
    if status != 200 or not match:
        raise SystemExit(f"load: no congress session visible to `town` ({status})")
    return int(match.group(1))


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"load: gunicorn exited with {server.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("load: gunicorn did not start listening")


def user_loop(page: Page, port: int, cookies: dict, deadline: float, think, cap: int, seed):
    rng = random.Random(seed)
    # Users start spread over the first think interval rather than all at the same instant.
    time.sleep(rng.uniform(0, think[1]))
    for _ in range(cap):
        if time.monotonic() >= deadline:
            return
        started = time.perf_counter()
        error = None
        try:
            status, headers, _ = fetch(port, "GET", page.path, dict(cookies))
            if status != 200:
                error = f"HTTP {status}" + (
                    f" → {headers.get('Location')}" if 300 <= status < 400 else ""
                )
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
        page.record(time.perf_counter() - started, error)
        time.sleep(rng.uniform(*think))


def percentile(values: list, q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers")
    parser.add_argument("--think", default="1-3", help="think time range in seconds, LOW-HIGH")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--target-ms", type=float, default=500.0)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split("-", 1))
    if args.users < 1 or args.duration <= 0 or len(think) != 2 or not 0 <= think[0] <= think[1]:
        parser.error("need users ≥ 1, duration > 0 and --think LOW-HIGH with 0 ≤ LOW ≤ HIGH")

    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
        "REDIS_URL": args.redis_url,
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        # WhiteNoise warns once per worker that `collectstatic` has not run; pages only here.
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "jdrenda.wsgi", "--bind", f"{HOST}:{args.port}",
         "--workers", str(args.workers), "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(args.port, server)
        sessions = {name: login(args.port, name)
                    for name in ("deputy", "town", "leadership", "office")}  # fmt: skip
        session_pk = find_session_pk(args.port, sessions["town"])
        pages = [
            Page("deputy file", "/deputies/mine/", "deputy"),
            Page("attendance grid", f"/activities/sessions/{session_pk}/attendance/", "town"),
            Page("dashboard", f"/dashboard/?year={args.year}", "leadership"),
        ]
        for page in pages:  # warm-up: first hit fills the caches and opens DB connections
            started = time.perf_counter()
            status, _, _ = fetch(args.port, "GET", page.path, dict(sessions[page.account]))
            print(f"warm-up {page.name:16} {page.path}: HTTP {status}, "
                  f"{(time.perf_counter() - started) * 1000:.0f} ms")  # fmt: skip
        deadline = time.monotonic() + args.duration
        cap = int(args.duration / max(think[0], 0.01)) + 1
        threads = []
        for i in range(args.users):
            page = pages[i % len(pages)]
            cookies = sessions[page.account]
            if page.name == "dashboard" and i % 2:
                cookies = sessions["office"]
            thread = threading.Thread(
                target=user_loop, args=(page, args.port, cookies, deadline, think, cap, i),
                daemon=True,
            )  # fmt: skip
            threads.append(thread)
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.duration + REQUEST_TIMEOUT + think[1] + 5)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    report = {"users": args.users, "duration_s": round(elapsed, 1), "think_s": list(think),
              "workers": args.workers, "cpus": os.cpu_count(),
              "loadavg_1m": os.getloadavg()[0], "pages": []}  # fmt: skip
    failed = False
    print(f"\n{args.users} users, {elapsed:.0f} s, think {think[0]:g}–{think[1]:g} s, "
          f"gunicorn {args.workers} workers, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'page':16} {'requests':>8} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'max ms':>7} {'errors':>6}")  # fmt: skip
    total_ok = total_err = 0
    for page in pages:
        ok, errors = page.latencies, sum(page.errors.values())
        total_ok, total_err = total_ok + len(ok) - errors, total_err + errors
        p50, p95 = percentile(ok, 0.5) * 1000, percentile(ok, 0.95) * 1000
        worst = max(ok) * 1000 if ok else float("nan")
        print(f"{page.name:16} {len(ok):8d} {len(ok) / elapsed:6.1f} "
              f"{p50:7.0f} {p95:7.0f} {worst:7.0f} {errors:6d}"
              + (f"  {page.errors}" if errors else ""))  # fmt: skip
        failed |= bool(errors) or not ok or p95 > args.target_ms
        report["pages"].append({"name": page.name, "path": page.path, "requests": len(ok),
                                "p50_ms": round(p50), "p95_ms": round(p95),
                                "mean_ms": round(statistics.mean(ok) * 1000) if ok else None,
                                "max_ms": round(worst), "errors": page.errors})  # fmt: skip
    print(f"{'total':16} {total_ok + total_err:8d} {(total_ok + total_err) / elapsed:6.1f} "
          f"{'':7} {'':7} {'':7} {total_err:6d}")  # fmt: skip
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"target: zero errors, p95 < {args.target_ms:.0f} ms — {'MISSED' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
