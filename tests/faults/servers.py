"""Private servers for the fault tests: a Redis, a PostgreSQL cluster and gunicorn, each a
subprocess on a free loopback port, so a test can stop and start them without touching the
shared PostgreSQL/Redis that other tests (and other people) use. And a tiny cookie-keeping
HTTP client, so the pages are requested over a real socket as a browser would.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {seconds} s")


def missing(reason: str):
    """A requirement of the test is missing: skip, or in CI (where nothing may be skipped)
    fail with the reason, as the markers in tests/conftest.py do."""
    if os.environ.get("CI"):
        pytest.fail(f"[CI] {reason}", pytrace=False)
    pytest.skip(reason)


def stop_group(process: subprocess.Popen, seconds: float = 10) -> None:
    """SIGTERM the process group started with start_new_session, SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- Redis -----------------------------------------------------------------------------------


class RedisServer:
    """redis-server on a free port, nothing saved to disk. stop() and start() again on the
    same port, as a Redis restart."""

    def __init__(self):
        if not shutil.which("redis-server"):
            missing("the fault tests need the redis-server binary (Debian package redis-server)")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
             "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        wait_for_port(self.port, self.process, 10)

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process)
            self.process = None

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)


# --- PostgreSQL ----------------------------------------------------------------------------


class PostgresCluster:
    """A throw-away cluster (initdb) in a temporary folder on a free port, run as the
    `postgres` user when the test runs as root (PostgreSQL refuses to run as root)."""

    def __init__(self):
        for tool in ("initdb", "pg_ctl"):
            if not (PG_BIN / tool).exists():
                missing(f"the PostgreSQL restart test needs {PG_BIN / tool} (postgresql-15)")
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:
            if not shutil.which("runuser"):
                missing("running PostgreSQL as root needs runuser (util-linux) to drop to postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="jdrenda-pg-"))
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        self.started = False

    def url(self, name: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{name}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(
            [*self.as_postgres, *args], capture_output=True, text=True, timeout=timeout
        )
        if result.returncode:
            log = self.dir / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stderr or result.stdout}\n{tail}")

    def pg_ctl(self, *args: str) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
                  "-w", "-t", "30", *args)  # fmt: skip

    def init_and_start(self) -> None:
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        # The socket goes in the temp folder (the default /var/run/postgresql is the shared
        # server's); fsync off: nothing here needs to survive a power cut.
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c fsync=off"
        self.pg_ctl("-o", options, "start")
        self.started = True

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every connection is closed, the server comes back."""
        self.pg_ctl("-m", "fast", "restart")

    def destroy(self) -> None:
        if self.started:
            with contextlib.suppress(RuntimeError):
                self.pg_ctl("-m", "immediate", "stop")
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)


# --- gunicorn ----------------------------------------------------------------------------------


class Gunicorn:
    """The production server (2 sync workers, as in bench/load.py) with the given
    environment on top of this one's."""

    def __init__(self, env: dict[str, str], workers: int = 2):
        self.port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        # Open for the server's lifetime (closed in stop()), read back by output().
        self.log = tempfile.NamedTemporaryFile(prefix="jdrenda-gunicorn-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(gunicorn), "jdrenda.wsgi", "--bind", f"{HOST}:{self.port}",
             "--workers", str(workers), "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT,
            env={**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING",
                 "PYTHONWARNINGS": "ignore:No directory at:UserWarning", **env},
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for_port(self.port, self.process, 60)

    def output(self) -> str:
        """What gunicorn and the app logged (tracebacks of 500s included)."""
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        stop_group(self.process, 15)
        self.log.close()


# --- a browser of sorts --------------------------------------------------------------------


class Browser:
    """Requests over a real socket with a cookie jar; no redirects followed."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, form: dict | None = None, timeout: float = 30):
        """-> (status, headers, text, seconds)."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        started = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode("utf-8", errors="replace")
        finally:
            conn.close()
        elapsed = time.monotonic() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), content, elapsed

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict, **kwargs):
        """POST with the CSRF token: the cookie's, which Django accepts as the form's."""
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        return self.request(
            "POST", path, {"csrfmiddlewaretoken": self.cookies["csrftoken"], **form}, **kwargs
        )

    def login(self, username: str, password: str):
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"login": username, "password": password})


def csrf_token(html: str) -> str | None:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else None
