from django.core.management.base import BaseCommand
from django.utils import timezone

from citizens.services import erase_expired_contacts
from deputies.privacy import erase_expired_constituent_contacts


class Command(BaseCommand):
    help = (
        "删除任职结束已超过保存期限（CONSTITUENT_CONTACT_RETENTION_DAYS 天）的代表的联系选民"
        "电话和住址，包括历史记录；选民姓名保留。同时删除超过 CITIZEN_CONTACT_RETENTION_DAYS 天的"
        "群众留言（代表码）的称呼和联系电话。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        result = erase_expired_constituent_contacts(today, dry_run=dry_run)
        self.stdout.write(result.summary)
        # Citizens' names and phones on 代表码 messages (CITIZEN_CONTACT_RETENTION_DAYS).
        self.stdout.write(erase_expired_contacts(today, dry_run=dry_run).summary)
