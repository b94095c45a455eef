"""Create the default schedules of the scheduled jobs (django-celery-beat rows).

Idempotent: a schedule that exists is left as staff set it in the admin (定时任务 → Periodic
tasks) unless --reset is given. Times are Asia/Shanghai.
"""

import json

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

TIMEZONE = "Asia/Shanghai"

# name, task, crontab (minute, hour, day_of_month, month_of_year, day_of_week), kwargs, what
DEFAULTS = [
    (
        "每周未达标扫描",
        "supervision.tasks.scan_shortfalls",
        ("0", "2", "*", "*", "1"),
        {},
        "每周一 02:00 按全部履职规则评价当年度（截至当日），更新未达标标记；"
        "年度结束后才产生未达标标记，1 月份同时评价上一年度。",
    ),
    (
        "季度末履职提醒",
        "supervision.tasks.shortfall_reminders",
        ("0", "9", "28", "3,6,9,12", "*"),
        {"occasion": "quarter"},
        "3、6、9、12 月 28 日 09:00 提醒有未达标（年度结束前为预警）项的代表及其代表小组组长。",
    ),
    (
        "11月1日履职提醒",
        "supervision.tasks.shortfall_reminders",
        ("0", "9", "1", "11", "*"),
        {"occasion": "november"},
        "11 月 1 日 09:00 提醒有预警项（进度落后）的代表及其代表小组组长。",
    ),
    (
        "代表小组年度报告提醒",
        "supervision.tasks.group_report_reminders",
        ("0", "9", "1", "12", "*"),
        {},
        "12 月 1 日 09:00 提醒尚未报送年度报告（第二十六条）的代表小组组长。",
    ),
    (
        "年度履职情况反馈表",
        "supervision.tasks.year_end_feedback",
        ("0", "20", "31", "12", "*"),
        {},
        "12 月 31 日 20:00 生成全区年度履职情况反馈表并通知代表和人事代表工委。",
    ),
    (
        "删除过期的选民联系方式",
        "supervision.tasks.erase_constituent_contacts",
        ("0", "3", "1", "*", "*"),
        {},
        "每月 1 日 03:00 删除任职结束已超过保存期限（CONSTITUENT_CONTACT_RETENTION_DAYS）"
        "的代表的联系选民电话和住址（含历史记录）。",
    ),
    (
        "群众留言超期提醒",
        "citizens.tasks.remind_unanswered",
        ("0", "9", "*", "*", "*"),
        {},
        "每天 09:00 提醒有群众留言（代表码）超过 CITIZEN_UNANSWERED_DAYS 天未答复的代表。",
    ),
    (
        "清理过期会话",
        "supervision.tasks.clear_expired_sessions",
        ("30", "3", "*", "*", "*"),
        {},
        "每天 03:30 删除已过期的登录会话（会话保存在数据库中）。",
    ),
]


def setup_schedules(reset: bool = False) -> tuple[int, int]:
    """Returns (created, reset) counts."""
    created = changed = 0
    with transaction.atomic():
        for name, task, cron, kwargs, description in DEFAULTS:
            minute, hour, day_of_month, month_of_year, day_of_week = cron
            schedule, _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_month=day_of_month,
                month_of_year=month_of_year,
                day_of_week=day_of_week,
                timezone=TIMEZONE,
            )
            values = {
                "task": task,
                "crontab": schedule,
                "interval": None,
                "kwargs": json.dumps(kwargs),
                "description": description,
                "enabled": True,
            }
            existing = PeriodicTask.objects.filter(name=name).first()
            if existing is None:
                PeriodicTask.objects.create(name=name, **values)
                created += 1
            elif reset:
                for field, value in values.items():
                    setattr(existing, field, value)
                existing.save()
                changed += 1
    return created, changed


class Command(BaseCommand):
    help = "创建定时任务的默认计划（已存在的计划保持管理员的修改，除非使用 --reset）。"

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="恢复全部默认计划")

    def handle(self, *args, reset=False, **options):
        created, changed = setup_schedules(reset)
        if options["verbosity"]:
            self.stdout.write(f"定时任务：新建 {created} 项，恢复默认 {changed} 项。")
