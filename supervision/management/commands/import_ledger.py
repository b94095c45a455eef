"""python manage.py import_ledger FILE.xlsx --term NAME [--dry-run]
[--closed-year-reason TEXT --user USERNAME]"""

import contextlib

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision.closing.services import closed_year_change, is_office
from supervision.ledger.services import import_ledger


class Command(BaseCommand):
    help = "导入履职台账工作簿（整个工作簿一次导入，有错误则不保存）"

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("台账工作簿（.xlsx）"))
        parser.add_argument("--term", required=True, help=_("届次名称，如 第七届"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查，不保存"))
        parser.add_argument(
            "--closed-year-reason",
            default="",
            help=_("更正理由：允许修改已结账年度的记录（人事代表工委使用，须同时给出 --user）"),
        )
        parser.add_argument(
            "--user", default="", help=_("操作人的用户名（记入修改历史；已结账年度须为工委账号）")
        )

    def handle(self, *args, file, term, dry_run, closed_year_reason, user, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(_("用户 %(user)s 不存在。") % {"user": user})
        reason = closed_year_reason.strip()
        if reason and not (account and is_office(account)):
            raise CommandError(_("修改已结账年度须用 --user 指定人事代表工委工作人员的账号。"))
        override = closed_year_change(account, reason) if reason else contextlib.nullcontext()
        with override:
            result = import_ledger(file, term, dry_run=dry_run, user=account)
        for stats in result.sheets.values():
            self.stdout.write(
                _(
                    "%(name)s：读取 %(rows)s 行，新增 %(created)s，更新 %(updated)s，"
                    "无变化 %(unchanged)s，重复行 %(duplicates)s，警告 %(warnings)s"
                )
                % vars(stats)
            )
        for warning in result.warnings:
            self.stdout.write(_("警告：") + str(warning))
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(_("发现 %(n)s 处错误，未保存任何数据。") % {"n": len(result.errors)})
        if dry_run:
            self.stdout.write(self.style.SUCCESS(_("检查通过（试运行，未保存）。")))
        else:
            self.stdout.write(self.style.SUCCESS(_("导入完成。")))
