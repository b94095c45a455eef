"""`manage.py backup` / `restore` (make backup / make restore): a dump restored into a fresh
database gives the same evaluation workbook, cell by cell; restore never runs unconfirmed."""

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from activities.models import Activity, Participation
from proposals.models import Proposal

ROOT = Path(__file__).resolve().parents[2]


def database_url(name: str) -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def admin_sql(statement: str) -> None:
    """CREATE/DROP DATABASE cannot run inside the test's transaction: use a separate one."""
    import psycopg2

    admin = psycopg2.connect(database_url("postgres"))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(statement)
    finally:
        admin.close()


def manage(*args, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def sheets(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


@pytest.fixture
def dataset(term, make_delegation, make_group, make_deputy):
    town = make_delegation("南翔镇")
    group = make_group(term, town, "南翔镇第一代表小组")
    active = make_deputy(term, "B001", name="王五", group=group)
    make_deputy(term, "B002", name="赵六", group=group)
    make_deputy(term, "B003", name="=SUM(A1)", delegation=town)
    for when in (date(2025, 3, 1), date(2025, 6, 1)):
        activity = Activity.objects.create(
            term=term, name=f"调研{when}", type="research", date=when
        )
        Participation.objects.create(activity=activity, deputy=active)
    Proposal.objects.create(
        term=term,
        number="J7",
        kind="suggestion",
        title="关于社区停车的建议",
        submitted_date=date(2025, 2, 10),
        lead=active,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restored_database_gives_the_same_evaluation_workbook(dataset, tmp_path):
    before, after, dump = tmp_path / "before.xlsx", tmp_path / "after.xlsx", tmp_path / "db.dump"
    call_command("export_evaluation", year=2025, output=str(before), stdout=io.StringIO())
    call_command("backup", output=str(dump), stdout=io.StringIO())
    assert dump.stat().st_size > 0

    fresh = f"jdrenda_restore_check_{os.getpid()}"
    admin_sql(f'DROP DATABASE IF EXISTS "{fresh}"')
    admin_sql(f'CREATE DATABASE "{fresh}"')
    try:
        url = database_url(fresh)
        restored = manage("restore", str(dump), "--yes", url=url)
        assert restored.returncode == 0, restored.stderr
        exported = manage("export_evaluation", "--year", "2025", "--output", str(after), url=url)
        assert exported.returncode == 0, exported.stderr
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')

    original, copy = sheets(before), sheets(after)
    codes = {row[0] for row in original["年度履职评价"][1:]}
    assert {"B001", "B002", "B003"} <= codes  # the comparison is over real rows
    assert list(copy) == list(original)
    for title, rows in original.items():
        assert len(copy[title]) == len(rows), title
        for number, (mine, theirs) in enumerate(zip(rows, copy[title], strict=True), start=1):
            assert theirs == mine, f"{title} row {number}"


def test_restore_refuses_without_a_file():
    with pytest.raises(CommandError, match="请指定备份文件"):
        call_command("restore")


@pytest.mark.postgres
@pytest.mark.django_db
def test_restore_asks_for_the_database_name_and_refuses_a_wrong_answer(tmp_path, monkeypatch):
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"not used: refused before pg_restore runs")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("YES", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda: "some-other-db")
    with pytest.raises(CommandError, match="输入与数据库名不符"):
        call_command("restore", str(dump), stdout=io.StringIO())
    # No terminal at all: refuse rather than wait for an answer nobody can type.
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(dump))


def test_backup_on_sqlite_says_postgresql_only_and_fails(tmp_path):
    result = manage("backup", url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode != 0
    assert "仅支持 PostgreSQL" in result.stderr
