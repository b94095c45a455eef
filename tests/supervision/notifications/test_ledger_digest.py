"""A ledger import that puts a deputy on several activities' rolls: one inbox entry per
activity, one digest email for the import; a dry run (preview) tells no one."""

import pytest
from django.core import mail

from supervision.models import Notification, NotificationSetting
from tests.supervision.ledger.conftest import ROSTER_HEADER, workbook_bytes

pytestmark = pytest.mark.django_db

TERM = [["名称", "开始日期", "结束日期"], ["第七届", "2022-01-01", "2026-12-31"]]
ROSTER = [ROSTER_HEADER, ["D001", "张三", "嘉定镇街道", None, "男", "否", None, None]]
ACTIVITIES = [
    ["活动名称", "活动类型", "日期", "代表编号", "组织单位", "参加情况"],
    ["城市更新专题调研", "专题调研", "2024-03-05", "D001", "城建环保工委", None],
    ["河道整治视察", "集中视察", "2024-04-10", "D001", "城建环保工委", None],
    ["养老服务座谈", "代表座谈会", "2024-05-20", "D001", "城建环保工委", None],
]


def test_import_sends_one_digest_and_lists_each_in_the_inbox(
    make_user, django_capture_on_commit_callbacks
):
    from deputies.models import Deputy
    from supervision.ledger import import_ledger

    import_ledger(workbook_bytes({"届次": TERM, "代表名册": ROSTER}), "第七届")
    user = make_user("zhangsan", email="zs@example.org")
    NotificationSetting.objects.create(user=user, email=True)
    Deputy.objects.filter(code="D001").update(user=user)
    sheets = {"届次": TERM, "代表名册": ROSTER, "履职活动": ACTIVITIES}

    with django_capture_on_commit_callbacks(execute=True):
        result = import_ledger(workbook_bytes(sheets), "第七届", dry_run=True)
    assert not result.errors, result.errors
    assert not Notification.objects.exists() and not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        result = import_ledger(workbook_bytes(sheets), "第七届")
    assert not result.errors, result.errors
    subjects = sorted(Notification.objects.filter(recipient=user).values_list("subject", flat=True))
    assert subjects == [
        "您已被登记参加履职活动：养老服务座谈（2024-05-20）",
        "您已被登记参加履职活动：城市更新专题调研（2024-03-05）",
        "您已被登记参加履职活动：河道整治视察（2024-04-10）",
    ]
    assert [(m.to, m.subject) for m in mail.outbox] == [(["zs@example.org"], "您有 3 条新通知")]
