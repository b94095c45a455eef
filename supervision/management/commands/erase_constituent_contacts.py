from django.core.management.base import BaseCommand
from django.utils import timezone

from deputies.privacy import erase_expired_constituent_contacts


class Command(BaseCommand):
    help = (
        "删除任职结束已超过保存期限（CONSTITUENT_CONTACT_RETENTION_DAYS 天）的代表的联系选民"
        "电话和住址，包括历史记录；选民姓名保留。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args, dry_run=False, **options):
        result = erase_expired_constituent_contacts(timezone.localdate(), dry_run=dry_run)
        self.stdout.write(result.summary)
