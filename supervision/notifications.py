"""Notifications: the in-app inbox and, for users who chose it, email.

`send(kind, period, messages)` is the one way in. A notification is unique per (recipient,
kind, period), so a job that is retried, redelivered or run twice creates no second message;
emails go out only for rows still waiting (PENDING), and each row records whether its email
was delivered. An email may at worst go out twice if the worker dies between sending it and
recording it (SMTP gives no way to make that atomic); the inbox never duplicates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Role

from .models import Notification, NotificationSetting

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
        email = mail.EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            connection=connection,
        )
        try:
            email.send()
        except Exception as exc:  # noqa: BLE001 - SMTP, socket or TLS errors: record, go on
            logger.warning("email for notification %s failed: %s", notification.pk, exc)
            _record(notification, Notification.Delivery.FAILED, str(exc)[:1000])
            failed += 1
        else:
            _record(notification, Notification.Delivery.SENT, "")
            sent += 1
    return sent, failed


def _record(notification: Notification, delivery: str, error: str) -> None:
    Notification.objects.filter(pk=notification.pk).update(delivery=delivery, delivery_error=error)


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
