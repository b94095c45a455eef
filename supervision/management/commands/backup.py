"""`manage.py backup`: pg_dump (custom format) of the default database into backups/.

A Python command rather than a shell script: the connection comes from the same settings the
app uses (DATABASE_URL parsed by dj-database-url), so the dump is always of the database the
app writes to, and the test can dump its own test database without building a URL.
"""

import os
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


def postgres_settings(alias: str = DEFAULT_DB_ALIAS) -> dict:
    """The alias's settings, or a CommandError naming the engine when it is not PostgreSQL."""
    db = connections[alias].settings_dict
    if "postgresql" not in db["ENGINE"]:
        raise CommandError(
            f"备份与恢复仅支持 PostgreSQL；当前数据库引擎为 {db['ENGINE']}"
            "（SQLite 请直接复制数据库文件）。"
        )
    return db


def libpq_args(db: dict) -> tuple[list[str], dict]:
    """Connection options for pg_dump/pg_restore; the password travels in the environment."""
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args + ["--no-password"], env


class Command(BaseCommand):
    help = "用 pg_dump（自定义格式）备份 DATABASE_URL 指向的 PostgreSQL 数据库到 backups/。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="输出文件（默认 backups/jdrenda-YYYYmmdd-HHMMSS.dump）",
        )

    def handle(self, *args, output=None, **options):
        db = postgres_settings()
        if output:
            path = Path(output)
        else:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            path = Path(settings.BASE_DIR) / "backups" / f"jdrenda-{stamp}.dump"
        path.parent.mkdir(parents=True, exist_ok=True)
        conn_args, env = libpq_args(db)
        # Write to a temporary name first so a failed dump never leaves a file that looks whole.
        partial = path.with_name(path.name + ".partial")
        command = ["pg_dump", "--format=custom", "--file", str(partial), *conn_args, db["NAME"]]
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True)
        except FileNotFoundError as exc:
            raise CommandError("找不到 pg_dump；请安装 PostgreSQL 客户端。") from exc
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump 失败（{result.returncode}）：{result.stderr.strip()}")
        partial.replace(path)
        size_kib = path.stat().st_size / 1024
        # A dump holds every phone, address and birth date in full: an export of personal
        # data like any other, recorded once the file is whole (个人信息保护法).
        from supervision.export_log.services import log_unattended_export

        log_unattended_export("backup", str(path), None, masked=False)
        self.stdout.write(f"已备份数据库 {db['NAME']} → {path}（{size_kib:.0f} KiB）")
