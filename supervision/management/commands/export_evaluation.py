from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deputies.models import Term
from supervision.evaluation.compliance import evaluate_year
from supervision.export_log.services import evaluation_description, log_unattended_export
from supervision.reports.workbook import export_to_path


class Command(BaseCommand):
    help = "导出年度履职评价工作簿（年度履职评价、未达标名单、约谈告诫建议名单等）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="考核年度，如 2025")
        parser.add_argument("--term", help="届次名称（默认：与该年度重叠的届次）")
        parser.add_argument("--output", required=True, help="输出文件路径 (.xlsx)")

    def handle(self, *args, year, term=None, output, **options):
        if not 1900 <= year <= 9999:
            raise CommandError(f"年度 {year} 无效。")
        term_obj = None
        if term:
            term_obj = Term.objects.filter(name=term).first()
            if term_obj is None:
                raise CommandError(f"届次「{term}」不存在。")
        evaluation = evaluate_year(year, term_obj)
        path = export_to_path(evaluation, Path(output))
        shortfalls = sum(1 for row in evaluation.rows if not row.meets_all)
        candidates = sum(1 for row in evaluation.rows if row.interview_candidate)
        description = f"{evaluation_description(year, term_obj)} → {path}"
        log_unattended_export("evaluation", description, len(evaluation.rows))
        self.stdout.write(
            f"已导出 {year} 年度履职评价：{len(evaluation.rows)} 名代表，"
            f"{shortfalls} 名未达标，{candidates} 名约谈告诫建议 → {path}"
        )
