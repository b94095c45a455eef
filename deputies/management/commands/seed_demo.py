"""python manage.py seed_demo [--reset] [--scale N]: the Jiading demo dataset and accounts."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from deputies import demo


class Command(BaseCommand):
    help = _("写入嘉定区第七届演示数据（代表、大会、活动、议案建议等）和各角色演示账号。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help=_("先删除已有的演示数据和演示账号再重新写入。")
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help=_("规模倍数（默认 1，约 300 名代表）；基准测试可用 67（约 2 万名代表）。"),
        )

    def handle(self, *args, reset=False, scale=1, **options):
        if scale < 1:
            raise CommandError(_("--scale 必须是正整数。"))
        if demo.demo_exists() and not reset:
            self.stdout.write(
                _("演示数据已存在（届次“%(term)s”），未作改动；如需重建请加 --reset。")
                % {"term": demo.TERM_NAME}
            )
            self.print_accounts()
            return
        if reset:
            self.refuse_closed_years()
        started = time.monotonic()
        quiet = options.get("verbosity", 1) < 1
        # One transaction: a failed run leaves the previous demo data in place.
        with transaction.atomic():
            if reset:
                self.stdout.write(_("删除已有演示数据…"))
                demo.reset_demo()
            self.stdout.write(_("写入演示数据（规模 ×%(scale)s）…") % {"scale": scale})
            demo.seed_demo(scale=scale, log=(lambda line: None) if quiet else self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                _("演示数据写入完成，用时 %(seconds).1f 秒。")
                % {"seconds": time.monotonic() - started}
            )
        )
        self.print_accounts()

    def refuse_closed_years(self):
        """--reset deletes the demo term's records with plain DELETEs, leaving no history. The
        demo term is named like the real one (第七届), so a term with a closed year is refused:
        its records are final (README 防篡改与结账)."""
        from deputies.models import Term
        from supervision.models import ClosedYear

        term = Term.objects.filter(name=demo.TERM_NAME).first()
        if term is None:
            return
        years = list(
            ClosedYear.objects.filter(
                year__range=(term.start_date.year, term.end_date.year)
            ).values_list("year", flat=True)
        )
        if years:
            raise CommandError(
                _(
                    "届次“%(term)s”有已结账年度（%(years)s），--reset 会删除其全部记录且不留"
                    "修改历史，已拒绝。确属演示库时，请先在“履职评价 › 已结账年度”"
                    "重新开放这些年度。"
                )
                % {"term": term, "years": "、".join(str(y) for y in sorted(years))}
            )

    def print_accounts(self):
        rows = demo.account_rows()
        self.stdout.write("")
        self.stdout.write(_("演示账号（密码相同）："))
        header = (_("用户名"), _("密码"), _("角色"))
        width = max(len(r[0]) for r in rows) + 2
        self.stdout.write(f"  {header[0]:<{width}}{header[1]:<22}{header[2]}")
        existing = set(
            get_user_model()
            .objects.filter(username__in=[r[0] for r in rows])
            .values_list("username", flat=True)
        )
        for username, password, role in rows:
            missing = "" if username in existing else _("（账号不存在）")
            self.stdout.write(f"  {username:<{width}}{password:<22}{role}{missing}")
