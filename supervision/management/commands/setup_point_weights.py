"""Create the default weights of the points view (履职积分), one PointWeight row per kind of
record declared in supervision.records.points.

Idempotent: an existing row is never changed (the office edits the weights in the admin).
"""

from django.core.management.base import BaseCommand

from supervision.records.points import setup_point_weights


class Command(BaseCommand):
    help = "创建履职积分的默认分值（已存在的分值保持管理员的修改）。"

    def handle(self, *args, **options):
        created = setup_point_weights()
        if options["verbosity"]:
            self.stdout.write(f"履职积分分值：新建 {created} 项。")
