"""`manage.py restore FILE`: pg_restore a `backup` dump into the default database.

Restoring replaces the database's contents, so without --yes (or YES=1, or CI set) the operator
types the database name to confirm; with no terminal to ask, the command refuses.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from supervision.management.commands.backup import libpq_args, postgres_settings


def confirmed_by_environment() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("YES", "").lower() in {"1", "true", "yes"}


class Command(BaseCommand):
    help = "用 pg_restore 把备份恢复到 DATABASE_URL 的 PostgreSQL 数据库（覆盖其内容）。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="备份文件（backups/jdrenda-*.dump）")
        parser.add_argument("--yes", action="store_true", help="不询问，直接恢复")

    def handle(self, *args, file=None, yes=False, **options):
        if not file:
            raise CommandError("请指定备份文件：make restore FILE=backups/jdrenda-….dump")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"备份文件不存在：{path}")
        db = postgres_settings()
        name = db["NAME"]
        if not (yes or confirmed_by_environment()):
            self.confirm(name)
        conn_args, env = libpq_args(db)
        # --clean --if-exists replaces what is there; one transaction means a failed restore
        # leaves the database as it was rather than half-replaced.
        command = [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *conn_args,
            "--dbname",
            name,
            str(path),
        ]
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True)
        except FileNotFoundError as exc:
            raise CommandError("找不到 pg_restore；请安装 PostgreSQL 客户端。") from exc
        if result.returncode != 0:
            raise CommandError(
                f"pg_restore 失败（{result.returncode}），数据库未改动：{result.stderr.strip()}"
            )
        self.stdout.write(f"已从 {path} 恢复数据库 {name}")

    def confirm(self, name: str) -> None:
        if not sys.stdin.isatty():
            raise CommandError("恢复会覆盖数据库内容；非交互运行时请加 --yes（或 YES=1）。")
        self.stdout.write(f"恢复将覆盖数据库 {name} 的全部内容。请输入数据库名确认：")
        try:
            answer = input().strip()
        except EOFError:
            answer = ""
        if answer != name:
            raise CommandError("输入与数据库名不符，未恢复。")
