"""代表码: a deputy's public page (reached by a QR code) and the messages citizens leave there.

A citizen's message is followed to its end: the deputy's reply, a 社情民意 record
(activities.PublicOpinion) and, through it, a 12345 referral (ticket and status live on the
PublicOpinion; the 承办单位, the 回访 and the satisfaction are not there, so they are kept
here, on the message).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from deputies.models import Deputy


class DeputyPage(models.Model):
    """The public page of one deputy. Its address carries `token` (random, not the deputy's
    id): the QR code on the poster points to it, and nobody reaches another deputy's page by
    changing a number."""

    deputy = models.OneToOneField(
        Deputy, on_delete=models.CASCADE, related_name="citizen_page", verbose_name=_("代表")
    )
    token = models.CharField(_("页面码"), max_length=32, unique=True)
    accepting = models.BooleanField(_("接收留言"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表码页面")
        verbose_name_plural = _("代表码页面")

    def __str__(self):
        return str(self.deputy)


class Category(models.TextChoices):
    URBAN = "urban", _("城市建设与管理")
    LIVELIHOOD = "livelihood", _("民生保障")
    ECONOMY = "economy", _("经济发展")
    GOVERNANCE = "governance", _("社会治理与平安")
    ENVIRONMENT = "environment", _("生态环境")
    OTHER = "other", _("其他")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class CitizenMessageQuerySet(models.QuerySet):
    def shown(self):
        """Not hidden as spam."""
        return self.filter(hidden_at__isnull=True)

    def unanswered_since(self, before):
        """Shown, received before `before`, with neither a reply nor a referral."""
        return self.shown().filter(first_answer_at__isnull=True, received_at__lt=before)


class CitizenMessage(models.Model):
    """A message a citizen left on a deputy's page."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="citizen_messages", verbose_name=_("代表")
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    content = models.TextField(_("留言内容"))
    name = models.CharField(_("称呼"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    consent_version = models.CharField(_("同意的告知版本"), max_length=20)
    received_at = models.DateTimeField(_("留言时间"), default=timezone.now, db_index=True)
    # sha256 of the lookup code: the code itself is shown once, on the receipt, and kept
    # nowhere.
    lookup_digest = models.CharField(_("查询码摘要"), max_length=64, unique=True)
    reply = models.TextField(_("代表答复"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    opinion = models.ForeignKey(
        "activities.PublicOpinion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen_messages",
        verbose_name=_("社情民意"),
    )
    referred_at = models.DateTimeField(_("转办12345时间"), null=True, blank=True)
    # Not on PublicOpinion (no activities migration here): the unit the ticket went to, the
    # 回访 after 办结 and the citizen's satisfaction.
    hotline_unit = models.CharField(_("承办单位"), max_length=100, blank=True)
    callback_result = models.TextField(_("回访情况"), blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    # The first reply or referral, whichever came first: the figures' time to first answer.
    first_answer_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("屏蔽时间"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("屏蔽人"),
    )
    hidden_reason = models.CharField(_("屏蔽原因"), max_length=200, blank=True)
    contact_erased_on = models.DateField(_("联系方式删除日期"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CitizenMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众留言")
        verbose_name_plural = _("群众留言")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["deputy", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction="") | Q(callback_at__isnull=False),
                name="citizen_message_satisfaction_with_callback",
            ),
        ]

    def __str__(self):
        return f"{self.deputy.name} · {timezone.localtime(self.received_at):%Y-%m-%d %H:%M}"

    @property
    def hotline_status(self) -> str:
        return self.opinion.hotline_status if self.opinion_id else ""
