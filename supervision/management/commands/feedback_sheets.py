from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deputies.models import Delegation, Deputy, Term
from supervision.export_log.services import evaluation_description, log_unattended_export
from supervision.reports.bundle import write_feedback_dir


class Command(BaseCommand):
    help = "生成年度履职情况反馈表（每名代表一个 xlsx 文件）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度，如 2025")
        parser.add_argument("--output", required=True, help="输出目录")
        parser.add_argument("--term", help="届次名称（默认：与该年度重叠的届次）")
        parser.add_argument("--delegation", help="只生成该代表团的代表")

    def handle(self, *args, year, output, term=None, delegation=None, **options):
        term_obj = None
        if term:
            term_obj = Term.objects.filter(name=term).first()
            if term_obj is None:
                raise CommandError(f"届次「{term}」不存在。")
        deputy_ids = None
        if delegation:
            found = Delegation.objects.filter(name=delegation).first()
            if found is None:
                raise CommandError(f"代表团「{delegation}」不存在。")
            deputy_ids = list(Deputy.objects.filter(delegation=found).values_list("pk", flat=True))
        count = write_feedback_dir(year, Path(output), term_obj, deputy_ids)
        description = evaluation_description(year, term_obj, delegation) + f" → {output}"
        log_unattended_export("feedback_sheets", description, count)
        self.stdout.write(f"已生成 {count} 份 {year} 年度履职情况反馈表 → {output}")
