"""python manage.py ledger_template OUT.xlsx: the blank ledger workbook."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from supervision.ledger.template import template_bytes


class Command(BaseCommand):
    help = "生成空白履职台账模板工作簿"

    def add_arguments(self, parser):
        parser.add_argument("output", help=_("输出文件（.xlsx）"))

    def handle(self, *args, output, **options):
        Path(output).write_bytes(template_bytes())
        self.stdout.write(self.style.SUCCESS(_("已生成 %(path)s") % {"path": output}))
