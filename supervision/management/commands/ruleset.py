"""Export or import a rule set version (考核规则版本) as JSON.

    python manage.py ruleset list
    python manage.py ruleset export --id N [--output FILE.json]
    python manage.py ruleset import FILE.json --reason 理由 [--publish]

An import is all or nothing: any error is listed (in Chinese) and nothing is saved; the
command then exits non-zero. It runs as office staff would (deputies.permissions.COMMAND_LINE).
"""

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from deputies.permissions import COMMAND_LINE
from supervision.rulesets import services
from supervision.rulesets.models import RuleSet


class Command(BaseCommand):
    help = "导出或导入考核规则版本（JSON）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list")
        export = sub.add_parser("export")
        export.add_argument("--id", type=int, required=True)
        export.add_argument("--output")
        load = sub.add_parser("import")
        load.add_argument("file")
        load.add_argument("--reason", required=True)
        load.add_argument("--publish", action="store_true")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "list":
            for v in RuleSet.objects.all():
                self.stdout.write(f"{v.pk}\t{v.effective_date}\t{v.get_status_display()}\t{v.name}")
        elif action == "export":
            version = RuleSet.objects.filter(pk=options["id"]).first()
            if version is None:
                raise CommandError(f"没有编号为 {options['id']} 的规则版本。")
            text = json.dumps(services.export_version(version), ensure_ascii=False, indent=2)
            if options["output"]:
                Path(options["output"]).write_text(text + "\n", encoding="utf-8")
            else:
                sys.stdout.write(text + "\n")
        else:
            self._import(options)

    def _import(self, options):
        try:
            data = json.loads(Path(options["file"]).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"无法读取规则版本文件：{exc}") from exc
        try:
            with transaction.atomic():
                version = services.import_version(COMMAND_LINE, data, options["reason"])
                if options["publish"]:
                    version = services.publish(COMMAND_LINE, version, options["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError("导入失败，未保存任何内容。") from exc
        self.stdout.write(f"已导入：{version.pk}\t{version.name}（{version.get_status_display()}）")
