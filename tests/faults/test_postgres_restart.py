"""PostgreSQL restarted under a running server (issue 7, item 6).

A private PostgreSQL cluster (initdb in a temporary folder, its own port) gets the schema of
the migrated test database (pg_dump | pg_restore: seconds, where migrating takes ~25 s) and a
deputy with a password; gunicorn (2 sync workers, persistent connections as in production)
serves it. After `pg_ctl restart -m fast` every connection the workers keep is dead; with
CONN_HEALTH_CHECKS each worker notices on its next request and reconnects, so every request
after the restart succeeds, and the user is still logged in (sessions are in the database).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from tests.faults.servers import ROOT, Browser, Gunicorn, PostgresCluster

pytestmark = pytest.mark.postgres

PASSWORD = "Jiading-Fault-2026"
PAGES = ["/deputies/mine/", "/notifications/", "/healthz"]
SETUP = f"""
from datetime import date
from django.contrib.auth import get_user_model
from deputies.models import Delegation, Deputy, ServicePeriod, Term
term = Term.objects.create(name="测试届", start_date=date(2022, 1, 1), end_date=date(2031, 12, 31))
town = Delegation.objects.create(name="甲镇")
user = get_user_model().objects.create_user(username="daibiao", password="{PASSWORD}")
deputy = Deputy.objects.create(term=term, code="P001", name="王代表", delegation=town, user=user)
ServicePeriod.objects.create(deputy=deputy, start_date=term.start_date)
"""


def run(*args: str, env: dict | None = None, timeout: float = 60) -> None:
    result = subprocess.run(
        list(args), capture_output=True, text=True, timeout=timeout, cwd=ROOT,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert result.returncode == 0, f"{args[0]}: {result.stderr[-600:]}"


@pytest.fixture
def cluster(db):
    """The private cluster with a copy of the (migrated, empty) test database."""
    pg = PostgresCluster()
    try:
        pg.init_and_start()
        test_db = connection.settings_dict  # the test database, migrated and committed
        host, port = test_db["HOST"] or "127.0.0.1", test_db["PORT"] or 5432
        source = f"postgres://{test_db['USER']}@{host}:{port}/{test_db['NAME']}"
        run("createdb", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "jdrenda")
        dump = pg.dir / "schema.dump"
        run("pg_dump", "--format=custom", f"--file={dump}", source)
        run("pg_restore", "--no-owner", "--dbname", pg.url("jdrenda"), str(dump))
        run(
            sys.executable, "manage.py", "shell", "-c", SETUP,
            env={"DATABASE_URL": pg.url("jdrenda"), "REDIS_URL": ""},
        )  # fmt: skip
        yield pg
    finally:
        pg.destroy()


@pytest.fixture
def server(cluster, tmp_path):
    # No Redis: local-memory cache, tasks in-process; only PostgreSQL is under test here.
    gunicorn = Gunicorn({"DATABASE_URL": cluster.url("jdrenda"), "REDIS_URL": ""})
    yield gunicorn
    gunicorn.stop()


def use_pages(browser: Browser, server: Gunicorn, rounds: int) -> None:
    """Every page, `rounds` times over (new connections, so both workers get requests)."""
    for _ in range(rounds):
        for path in PAGES:
            status, headers, text, _ = browser.get(path)
            assert status == 200, (
                f"{path}: HTTP {status} {headers.get('Location', '')}\n{server.output()[-3000:]}"
            )
            if path == "/deputies/mine/":
                assert "王代表" in text


def test_requests_after_a_postgres_restart_succeed(cluster, server):
    started = time.monotonic()
    deputy = Browser(server.port)
    status, headers, _, _ = deputy.login("daibiao", PASSWORD)
    assert status == 302 and "/accounts/login/" not in headers["Location"]
    use_pages(deputy, server, rounds=5)  # each worker now keeps a connection

    cluster.restart()

    use_pages(deputy, server, rounds=5)
    assert "Internal Server Error" not in server.output()
    assert time.monotonic() - started < 30
