"""Notifications: the in-app inbox and, for users who chose it, email.

Outcomes that concern a deputy (leave decided, self-report reviewed, proposal replied,
evaluation requested, activity invitation, flag resolved) go through `notify(outcomes)`, called
by the services: it waits for the transaction to commit (a rolled-back write tells no one),
puts each outcome in the inbox and sends each recipient ONE email per call, a digest when the
call holds several of theirs (a ledger import adding 30 activities). Each outcome kind can be
switched off per user (NotificationPreference): that stops its email; the inbox entry stays,
as the record of what happened to the deputy. Scheduled reminders use `send(kind, period,
messages)`. A notification is unique per (recipient,
kind, period), so a job that is retried, redelivered or run twice creates no second message;
emails go out only for rows still waiting (PENDING), and each row records whether its email
was delivered. An email may at worst go out twice if the worker dies between sending it and
recording it (SMTP gives no way to make that atomic); the inbox never duplicates.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deputies.models import Role
from jdrenda.queue import enqueue
from supervision.models import Notification, NotificationPreference, NotificationSetting

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    recipient_id: int
    subject: str
    body: str
    url: str = ""


@dataclass
class SendResult:
    created: int = 0  # new inbox rows (a repeated run creates none)
    emailed: int = 0
    failed: int = 0
    pending_ids: list[int] = field(default_factory=list)  # rows whose email is still to go

    def __str__(self) -> str:
        return f"{self.created} new, {self.emailed} emailed, {self.failed} email failures"


def send(kind: str, period: str, messages: list[Message]) -> SendResult:
    """Put each message in its recipient's inbox once per (kind, period), then email the
    ones whose recipients asked for email and that are not sent yet."""
    result = SendResult()
    if not messages:
        return result
    recipient_ids = {m.recipient_id for m in messages}
    wants_email = set(
        NotificationSetting.objects.filter(user_id__in=recipient_ids, email=True).values_list(
            "user_id", flat=True
        )
    )
    with transaction.atomic():
        before = Notification.objects.filter(kind=kind, period=period).count()
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=m.recipient_id,
                    kind=kind,
                    period=period,
                    subject=m.subject[:200],
                    body=m.body,
                    url=m.url,
                    delivery=(
                        Notification.Delivery.PENDING
                        if m.recipient_id in wants_email
                        else Notification.Delivery.INBOX
                    ),
                )
                for m in messages
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        result.created = Notification.objects.filter(kind=kind, period=period).count() - before
    emailed, failed = deliver_pending(kind, period)
    result.emailed, result.failed = emailed, failed
    return result


def deliver_pending(kind: str, period: str) -> tuple[int, int]:
    """Email every notification of (kind, period) still waiting; returns (sent, failed)."""
    pending = list(
        Notification.objects.filter(
            kind=kind, period=period, delivery=Notification.Delivery.PENDING
        ).select_related("recipient")
    )
    if not pending:
        return 0, 0
    sent = failed = 0
    connection = mail.get_connection()
    for notification in pending:
        address = notification.recipient.email
        if not address:
            _record(notification, Notification.Delivery.FAILED, _("账号未设置电子邮箱"))
            failed += 1
            continue
        if _send_recorded(
            [notification.pk], notification.subject, notification.body, address, connection
        ):
            sent += 1
        else:
            failed += 1
    return sent, failed


def _record(notification: Notification, delivery: str, error: str) -> None:
    Notification.objects.filter(pk=notification.pk).update(delivery=delivery, delivery_error=error)


def _send_recorded(ids, subject: str, body: str, address: str, connection) -> bool:
    """Send one e-mail for these notifications and record the delivery on each of them;
    an SMTP, socket or TLS error is recorded and logged, never raised."""
    email = mail.EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        connection=connection,
    )
    try:
        email.send()
    except Exception as exc:  # noqa: BLE001 - SMTP, socket or TLS errors: record, go on
        logger.warning("email for notifications %s failed: %s", ids, exc)
        Notification.objects.filter(pk__in=ids).update(
            delivery=Notification.Delivery.FAILED, delivery_error=str(exc)[:1000]
        )
        return False
    Notification.objects.filter(pk__in=ids).update(
        delivery=Notification.Delivery.SENT, delivery_error=""
    )
    return True


# --- outcomes that concern a deputy (issue 14 item 10) ----------------------------------------

# The switch (settings page) each kind belongs to, and its label there.
OUTCOME_KINDS = {
    "leave": gettext_lazy("请假申请的审批结果"),
    "self_report": gettext_lazy("代表填报的审核结果（确认或退回）"),
    "proposal_replied": gettext_lazy("我附议的议案建议已答复"),
    "evaluation_requested": gettext_lazy("我领衔的议案建议已答复，请评价办理结果"),
    "activity_invited": gettext_lazy("被邀请或登记参加履职活动"),
    "flag_resolved": gettext_lazy("错重漏反馈已处理"),
    "group_reminder": gettext_lazy("代表小组组长的履职提醒"),
    "invitation": gettext_lazy("活动邀请、催复、变更与取消，请假审核结果"),
    "briefing": gettext_lazy("代表通报（知情知政）"),
}
SWITCH_OF = {
    "leave_approved": "leave",
    "leave_rejected": "leave",
    "self_report_confirmed": "self_report",
    "self_report_rejected": "self_report",
    "proposal_replied": "proposal_replied",
    "evaluation_requested": "evaluation_requested",
    "activity_invited": "activity_invited",
    "flag_resolved": "flag_resolved",
    "group_reminder": "group_reminder",
    "invitation": "invitation",  # invitations.services
    "invitation_chase": "invitation",  # invitations.services
    "invitation_changed": "invitation",  # invitations.services
    "invitation_cancelled": "invitation",  # invitations.services
    "invitation_leave": "invitation",  # invitations.services
    "briefing": "briefing",
}


@dataclass(frozen=True)
class Outcome:
    """One thing that happened to one user. (recipient, kind, period) identifies it: the same
    outcome notified twice is stored once."""

    recipient_id: int | None
    kind: str
    period: str
    subject: str
    body: str
    url: str = ""


def notify(outcomes: Iterable[Outcome]) -> None:
    """THE way services tell deputies what happened: delivered once the current transaction
    commits (at once outside one). Outcomes without a recipient (a deputy with no account)
    are dropped."""
    batch = [o for o in outcomes if o.recipient_id]
    collecting = getattr(_digest, "batch", None)
    if collecting is not None:
        collecting.extend(batch)
    elif batch:
        transaction.on_commit(lambda: _record_and_enqueue(batch))


def _record_and_enqueue(outcomes: list[Outcome]) -> None:
    """After the commit: the inbox rows now, in the request (cheap, seen at once); the emails
    by a Celery task (tasks.email_notifications), so no SMTP round trip holds the request."""
    ids = record(outcomes).pending_ids
    if ids:
        # With the queue down the rows stay waiting; email_pending sends only waiting rows.
        enqueue("supervision.tasks.email_notifications", ids)


_digest = threading.local()


@contextmanager
def digest():
    """One run of many writes (adding deputies to 30 activities): every notify() inside is
    held and sent as one batch at the end, so each deputy gets one digest email. If the block
    raises, nothing is sent. Nested blocks join the outermost."""
    if getattr(_digest, "batch", None) is not None:
        yield
        return
    _digest.batch = []
    try:
        yield
    except BaseException:
        _digest.batch = None
        raise
    batch, _digest.batch = _digest.batch, None
    notify(batch)


def email_switched_off(recipient_ids) -> set[tuple[int, str]]:
    return set(
        NotificationPreference.objects.filter(user_id__in=recipient_ids, email=False).values_list(
            "user_id", "kind"
        )
    )


def deliver(outcomes: list[Outcome]) -> SendResult:
    """Inbox rows for every outcome; one email per recipient who wants email for at least one
    of them (a digest when several). notify() does the same in two steps: the rows after the
    commit, the emails in a Celery task."""
    result = record(outcomes)
    sent = email_pending(result.pending_ids)
    result.emailed, result.failed = sent.emailed, sent.failed
    return result


def record(outcomes: list[Outcome]) -> SendResult:
    """The inbox rows of these outcomes (a row already there is not made twice); the rows
    whose email is still to be sent are in `pending_ids`."""
    result = SendResult()
    recipient_ids = {o.recipient_id for o in outcomes}
    email_on = set(
        NotificationSetting.objects.filter(user_id__in=recipient_ids, email=True).values_list(
            "user_id", flat=True
        )
    )
    off = email_switched_off(recipient_ids)

    def wants(o: Outcome) -> bool:
        return o.recipient_id in email_on and (o.recipient_id, SWITCH_OF.get(o.kind)) not in off

    keys = {(o.recipient_id, o.kind, o.period) for o in outcomes}
    existing = _rows_for(keys)
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=o.recipient_id,
                    kind=o.kind,
                    period=o.period,
                    subject=o.subject[:200],
                    body=o.body,
                    url=o.url,
                    delivery=(
                        Notification.Delivery.PENDING if wants(o) else Notification.Delivery.INBOX
                    ),
                )
                for o in outcomes
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
    rows = _rows_for(keys)
    result.created = len(rows) - len(existing)
    result.pending_ids = sorted(
        row.pk for row in rows if row.delivery == Notification.Delivery.PENDING
    )
    return result


def email_pending(ids: list[int]) -> SendResult:
    """Email the notifications among `ids` still waiting: one email per recipient, a digest
    when several. A row already sent (a task run twice) is not sent again."""
    result = SendResult()
    pending = defaultdict(list)
    rows = Notification.objects.filter(pk__in=ids, delivery=Notification.Delivery.PENDING)
    for row in rows.select_related("recipient").order_by("pk"):
        pending[row.recipient_id].append(row)
    if not pending:
        return result
    connection = mail.get_connection()
    for group in pending.values():
        ok = _email(group, connection)
        result.emailed += len(group) if ok else 0
        result.failed += 0 if ok else len(group)
    return result


def _rows_for(keys: set[tuple[int, str, str]]) -> list[Notification]:
    if not keys:
        return []
    candidates = Notification.objects.filter(
        recipient_id__in={k[0] for k in keys},
        kind__in={k[1] for k in keys},
        period__in={k[2] for k in keys},
    ).select_related("recipient")
    return [n for n in candidates if (n.recipient_id, n.kind, n.period) in keys]


def _email(group: list[Notification], connection) -> bool:
    """One email for a recipient's notifications of one run: the notification itself, or a
    digest listing each."""
    group.sort(key=lambda n: n.pk)
    address = group[0].recipient.email
    ids = [n.pk for n in group]
    if not address:
        Notification.objects.filter(pk__in=ids).update(
            delivery=Notification.Delivery.FAILED, delivery_error=_("账号未设置电子邮箱")
        )
        return False
    if len(group) == 1:
        subject, body = group[0].subject, group[0].body
    else:
        subject = _("您有 %(n)s 条新通知") % {"n": len(group)}
        body = "\n\n".join(f"{i}. {n.subject}\n{n.body}" for i, n in enumerate(group, 1))
    body += "\n\n" + _("请登录代表履职管理系统，在“通知”中查看详情。")
    return _send_recorded(ids, subject, body, address, connection)


def email_switches(user) -> dict[str, bool]:
    """Each outcome switch of the settings page: on unless the user turned it off."""
    off = {kind for _user, kind in email_switched_off([user.pk])}
    return {kind: kind not in off for kind in OUTCOME_KINDS}


def set_email_switches(user, switches: dict[str, bool]) -> None:
    for kind in OUTCOME_KINDS:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": bool(switches.get(kind))}
        )


# --- recipients ------------------------------------------------------------------------------


def office_staff_ids() -> list[int]:
    """Users who run the office: 人事代表工委工作人员 and superusers."""
    return list(
        get_user_model()
        .objects.filter(
            Q(is_superuser=True) | Q(role_assignments__role=Role.OFFICE_STAFF), is_active=True
        )
        .distinct()
        .values_list("pk", flat=True)
    )


# --- inbox -------------------------------------------------------------------------------------


def inbox(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())


def wants_email(user) -> bool:
    return NotificationSetting.objects.filter(user=user, email=True).exists()


def set_email_preference(user, email: bool) -> NotificationSetting:
    setting, _created = NotificationSetting.objects.update_or_create(
        user=user, defaults={"email": email}
    )
    return setting
