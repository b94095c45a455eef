"""Shortfall flags, notifications, and each user's e-mail switches."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy


class ShortfallFlag(models.Model):
    """An open (or resolved) shortfall of one deputy against one rule in one year, kept by the
    scheduled scan so pages and reminders can say since when it has been open."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="shortfall_flags", verbose_name=_("代表")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    rule_code = models.CharField(_("规则"), max_length=40)
    opened_at = models.DateTimeField(_("首次发现"))
    last_seen_at = models.DateTimeField(_("最近确认"))
    resolved_at = models.DateTimeField(_("已达标于"), null=True, blank=True)

    class Meta:
        verbose_name = _("未达标标记")
        verbose_name_plural = _("未达标标记")
        ordering = ["-year", "deputy", "rule_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "year", "rule_code"], name="shortfall_flag_once"
            ),
        ]
        indexes = [models.Index(fields=["year", "resolved_at"])]

    def __str__(self):
        return f"{self.deputy} {self.year} {self.rule_code}"


class Notification(models.Model):
    """A message in a user's inbox (and, if they chose, by email). One per recipient, kind
    and period: a retried or repeated job never sends the same reminder twice."""

    class Delivery(models.TextChoices):
        INBOX = "inbox", _("仅站内")
        PENDING = "pending", _("待发送邮件")
        SENT = "sent", _("邮件已发送")
        FAILED = "failed", _("邮件发送失败")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类型"), max_length=40)
    period = models.CharField(_("周期"), max_length=40)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    delivery = models.CharField(
        _("送达"), max_length=10, choices=Delivery.choices, default=Delivery.INBOX
    )
    delivery_error = models.TextField(_("发送错误"), blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period"], name="notification_once_per_period"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.subject


class NotificationSetting(models.Model):
    """A user's choice to receive notifications by email as well as in the inbox."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_setting",
        verbose_name=_("用户"),
    )
    email = models.BooleanField(_("同时发送邮件"), default=False)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self):
        return f"{self.user} · {'邮件' if self.email else '仅站内'}"


class NotificationPreference(models.Model):
    """A user's switch for one kind of outcome notification (supervision.notifications.services
    OUTCOME_KINDS). No row means on; off stops that kind's email, the inbox keeps it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("用户"),
    )
    kind = models.CharField(_("类型"), max_length=40)
    email = models.BooleanField(_("发送邮件"), default=True)

    class Meta:
        verbose_name = _("通知类型设置")
        verbose_name_plural = _("通知类型设置")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.kind} · {'邮件' if self.email else '仅站内'}"
