"""Load test (issue 7, item 7): gunicorn on the PostgreSQL bench database, 50 users for 60 s.

    python bench/load.py [--users 50] [--duration 60] [--workers 5] [--threads 1] [--think 1-3]

Starts gunicorn on 127.0.0.1 (loopback only) against BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/jdrenda_bench_67, seeded by `bench/run.py`; this script never
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
all requests, failed ones included) and errors, the CPU time gunicorn and the bench
database's PostgreSQL backends spent per request (read from /proc: on a shared machine the
latencies depend on what else runs, this much less), writes bench/out/load.json, and stops
gunicorn (also on Ctrl-C). Exit status 1 when there were errors or a page's p95 is over
--target-ms.

The cache is Redis database 5 (--redis-url; "" for per-process local memory), as in production
where the dashboard's per-year figures are shared by the workers.

Staff and leadership accounts must use TOTP (deputies.mfa): before starting, the script gives
`town`, `leadership` and `office` in the bench database a fresh TOTP authenticator
(bench/totp_enrol.py, through allauth's own TOTP.activate) and answers the TOTP step at login
with codes computed from those secrets.
"""

import argparse
import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jdrenda_bench_67"
PASSWORD = "jdrenda-demo-2026"
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30


@dataclass
class Page:
    name: str
    path: str
    account: str
    # Paths a user picks from at random (default: just `path`), e.g. several grid pages.
    paths: list = field(default_factory=list)
    latencies: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    stale: int = 0  # dashboard answers marked data-stale (older figures while recomputing)
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


def totp_code(secret: str, period: int, digits: int, at: float | None = None) -> str:
    """RFC 6238 (HMAC-SHA1), as allauth.mfa computes it and an authenticator app shows it."""
    counter = int(time.time() if at is None else at) // period
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter),
                      hashlib.sha1).digest()  # fmt: skip
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}}"


def enrol_totp(env: dict, usernames) -> dict:
    """Fresh TOTP authenticators for these bench accounts (staff and leadership must have one
    since MFA became mandatory): {"period", "digits", "secrets": {username: secret}}."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "totp_enrol.py"), *usernames],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def csrf_token(page: bytes) -> str | None:
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return token.group(1).decode() if token else None


def login(port: int, username: str, totp: dict | None = None) -> dict:
    """Log in through the form, answering allauth's TOTP step when it asks for one."""
    cookies: dict = {}
    status, _, page = fetch(port, "GET", "/accounts/login/", cookies)
    token = csrf_token(page)
    if status != 200 or not token:
        raise SystemExit(f"load: the login page answered {status} without a CSRF token")
    form = {"csrfmiddlewaretoken": token, "login": username, "password": PASSWORD}
    status, headers, _ = fetch(port, "POST", "/accounts/login/", cookies, form)
    location = headers.get("Location", "")
    if status == 302 and "/2fa/authenticate" in location:
        secret = (totp or {}).get("secrets", {}).get(username)
        if not secret:
            raise SystemExit(f"load: {username} is asked for a TOTP code and has no secret here")
        path = location.split(f"{port}", 1)[-1] if location.startswith("http") else location
        status, _, page = fetch(port, "GET", path, cookies)
        token = csrf_token(page)
        if status != 200 or not token:
            raise SystemExit(f"load: the TOTP page answered {status} without a CSRF token")
        code = totp_code(secret, totp["period"], totp["digits"])
        form = {"csrfmiddlewaretoken": token, "code": code}
        status, headers, _ = fetch(port, "POST", path, cookies, form)
        location = headers.get("Location", "")
    if status != 302 or "sessionid" not in cookies or "/accounts/" in location:
        raise SystemExit(f"load: logging in as {username} failed ({status} → {location or '-'}); "
                         "is the bench seeded?")  # fmt: skip
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
            path = rng.choice(page.paths) if page.paths else page.path
            status, headers, body = fetch(port, "GET", path, dict(cookies))
            if b" data-stale" in body:
                with page.lock:
                    page.stale += 1
            if status != 200:
                error = f"HTTP {status}" + (
                    f" → {headers.get('Location')}" if 300 <= status < 400 else ""
                )
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
        page.record(time.perf_counter() - started, error)
        time.sleep(rng.uniform(*think))


def bump_versions(redis_url: str, every: float, deadline: float, log: list) -> None:
    """Every `every` seconds, what any write does to the dashboard: a new data version
    (supervision.dashboard.services; django-redis stores the integer as is under ':1:<key>')."""
    import redis

    client = redis.Redis.from_url(redis_url)
    # A lock left by an interrupted run would keep this one from queueing anything.
    for key in client.scan_iter(":1:dashboard:refreshing:*"):
        client.delete(key)
    while time.monotonic() + every < deadline:
        time.sleep(every)
        client.set(":1:dashboard:data-version", time.time_ns())
        log.append(time.monotonic())


# --- CPU accounting: what the requests cost, apart from whatever else runs on the machine ---

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of one process so far (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def process_tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # the process has just exited
                todo.extend(int(child) for child in task.read_text().split())
    return pids


def postgres_backends(database_url: str) -> list[int]:
    """PostgreSQL server processes serving the bench database (gunicorn's connections)."""
    import psycopg2

    name = database_url.rsplit("/", 1)[1].split("?", 1)[0]
    with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                       "AND pid <> pg_backend_pid()", [name])  # fmt: skip
        pids = [row[0] for row in cursor.fetchall()]
    conn.close()
    return pids


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU seconds spent by gunicorn (master and workers) and the bench database's PostgreSQL
    backends between start() and stop(). Sampled every second meanwhile, so a process that
    exits during the run (a backend closed after CONN_MAX_AGE) keeps what it had spent at its
    last sample; one that appears counts from zero."""

    def __init__(self, server_pid: int, database_url: str):
        self.server_pid, self.database_url = server_pid, database_url
        self.baseline: dict = {"app": {}, "db": {}}
        self.latest: dict = {"app": {}, "db": {}}
        self.done = threading.Event()

    def sample(self) -> None:
        for kind, pids in (("app", process_tree(self.server_pid)),
                           ("db", postgres_backends(self.database_url))):  # fmt: skip
            for pid in pids:
                value = cpu_seconds(pid)
                if value is not None:
                    self.latest[kind][pid] = value

    def start(self) -> None:
        self.sample()
        self.baseline = {kind: dict(values) for kind, values in self.latest.items()}
        self.machine = machine_busy()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(1.0):
            self.sample()

    def stop(self) -> dict:
        self.done.set()
        self.thread.join()
        self.sample()
        now = machine_busy()
        busy, total = now[0] - self.machine[0], now[1] - self.machine[1]

        def spent(kind):
            base = self.baseline[kind]
            return sum(v - base.get(pid, 0.0) for pid, v in self.latest[kind].items())

        return {"app_s": spent("app"), "db_s": spent("db"),
                "machine_busy_pct": 100.0 * busy / total if total else float("nan")}  # fmt: skip


def server_times(log: Path, offset: int, pages) -> dict[str, list[float]]:
    """{page name: gunicorn's own milliseconds for each of its requests in the timed run}."""
    by_path = {}
    for page in pages:
        for path in page.paths or [page.path]:
            by_path[path.split("?", 1)[0]] = page.name
    times = {page.name: [] for page in pages}
    with log.open(encoding="utf-8", errors="replace") as lines:
        lines.seek(offset)
        for line in lines:
            parts = line.split()
            if len(parts) == 3 and parts[0] in by_path and parts[2].isdigit():
                times[by_path[parts[0]]].append(int(parts[2]) / 1000)
    return times


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
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (> 1: the gthread worker class)")  # fmt: skip
    parser.add_argument("--think", default="1-3", help="think time range in seconds, LOW-HIGH")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--target-ms", type=float, default=500.0)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--bump-every", type=float, default=0.0,
                        help="seconds: change the dashboard's data version this often (as a "
                             "write would), with a Celery worker to recompute; 0: off")  # fmt: skip
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
    # Staff and leadership need a second factor (deputies.mfa): enrol the accounts used here.
    totp = enrol_totp(env, ["town", "leadership", "office"])
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # The server's own time per request (gunicorn's %(D)s, microseconds from reading the
    # request to the response written), apart from the time the client waited for a worker.
    access_log = Path(tempfile.mkstemp(prefix="load-access-", suffix=".log")[1])
    server = subprocess.Popen(
        [str(gunicorn), "jdrenda.wsgi", "--bind", f"{HOST}:{args.port}",
         "--workers", str(args.workers), "--threads", str(args.threads),
         "--worker-class", "gthread" if args.threads > 1 else "sync",
         "--timeout", "60", "--log-level", "warning",
         "--access-logfile", str(access_log), "--access-logformat", "%(U)s %(s)s %(D)s"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    worker = None
    if args.bump_every > 0:
        # One worker process for the recomputations (their CPU is not in the per-request
        # figures, but it competes with the requests for the two cores, as in production).
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("celery")), "-A", "jdrenda", "worker",
             "--pool", "solo", "--loglevel", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
    try:
        wait_until_up(args.port, server)
        sessions = {name: login(args.port, name, totp)
                    for name in ("deputy", "town", "leadership", "office")}  # fmt: skip
        session_pk = find_session_pk(args.port, sessions["town"])
        grid = f"/activities/sessions/{session_pk}/attendance/"
        pages = [
            Page("deputy file", "/deputies/mine/", "deputy"),
            # A town clerk at the grid: its first page, or one of the next few (50 deputies
            # each) of the delegation, as when working down the roll.
            Page(
                "attendance grid", grid, "town", [grid] + [f"{grid}?page={n}" for n in range(2, 6)]
            ),  # fmt: skip
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
        bumps: list = []
        if args.bump_every > 0:
            threads.append(threading.Thread(
                target=bump_versions, args=(args.redis_url, args.bump_every, deadline, bumps),
                daemon=True))  # fmt: skip
        logged_before_run = access_log.stat().st_size  # the warm-up's lines are not counted
        meter = CpuMeter(server.pid, env["DATABASE_URL"])
        meter.start()
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.duration + REQUEST_TIMEOUT + think[1] + 5)
        elapsed = time.monotonic() - started
        cpu = meter.stop()
    finally:
        for process in filter(None, (server, worker)):
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    server_ms = server_times(access_log, logged_before_run, pages)
    access_log.unlink(missing_ok=True)
    report = {"users": args.users, "duration_s": round(elapsed, 1), "think_s": list(think),
              "bump_every_s": args.bump_every,
              "workers": args.workers, "threads": args.threads, "cpus": os.cpu_count(),
              "loadavg_1m": os.getloadavg()[0], "pages": []}  # fmt: skip
    failed = False
    print(f"\n{args.users} users, {elapsed:.0f} s, think {think[0]:g}–{think[1]:g} s, "
          f"gunicorn {args.workers} workers × {args.threads} threads, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'page':16} {'requests':>8} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'max ms':>7} {'errors':>6} {'server p95 ms':>14}")  # fmt: skip
    total_ok = total_err = 0
    for page in pages:
        ok, errors = page.latencies, sum(page.errors.values())
        total_ok, total_err = total_ok + len(ok) - errors, total_err + errors
        p50, p95 = percentile(ok, 0.5) * 1000, percentile(ok, 0.95) * 1000
        worst = max(ok) * 1000 if ok else float("nan")
        server_p95 = percentile(server_ms[page.name], 0.95)
        print(f"{page.name:16} {len(ok):8d} {len(ok) / elapsed:6.1f} "
              f"{p50:7.0f} {p95:7.0f} {worst:7.0f} {errors:6d} {server_p95:14.0f}"
              + (f"  {page.errors}" if errors else "")
              + (f"  ({page.stale} stale)" if page.stale else ""))  # fmt: skip
        failed |= bool(errors) or not ok or p95 > args.target_ms
        report["pages"].append({"name": page.name, "path": page.path, "requests": len(ok),
                                "p50_ms": round(p50), "p95_ms": round(p95),
                                "mean_ms": round(statistics.mean(ok) * 1000) if ok else None,
                                "max_ms": round(worst), "errors": page.errors,
                                "server_p50_ms": round(percentile(server_ms[page.name], 0.5)),
                                "server_p95_ms": round(server_p95),
                                "stale": page.stale})  # fmt: skip
    if args.bump_every > 0:
        print(f"data version changed {len(bumps)} times (every {args.bump_every:g} s)")
    print(f"{'total':16} {total_ok + total_err:8d} {(total_ok + total_err) / elapsed:6.1f} "
          f"{'':7} {'':7} {'':7} {total_err:6d}")  # fmt: skip
    n = max(total_ok + total_err, 1)
    report["cpu"] = {
        "app_ms_per_request": round(cpu["app_s"] * 1000 / n, 1),
        "db_ms_per_request": round(cpu["db_s"] * 1000 / n, 1),
        "machine_busy_pct": round(cpu["machine_busy_pct"], 1),
    }
    print(f"CPU per request: gunicorn {cpu['app_s'] * 1000 / n:.1f} ms + PostgreSQL "
          f"{cpu['db_s'] * 1000 / n:.1f} ms; machine busy {cpu['machine_busy_pct']:.0f}% "
          f"of {os.cpu_count()} CPUs in the run (this script and other work included)")  # fmt: skip
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"target: zero errors, p95 < {args.target_ms:.0f} ms — {'MISSED' if failed else 'met'}")
    server_p95 = {p["name"]: p["server_p95_ms"] for p in report["pages"]}
    held = all(server_p95[name] <= 100 for name in ("deputy file", "attendance grid"))
    print("server time: deputy file and grid page p95 ≤ 100 ms — "
          f"{'met' if held else 'MISSED'} ({server_p95})")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
