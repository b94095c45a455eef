"""Deputies' self-reports and their 错重漏 flags."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from deputies.models import Deputy


class SelfReport(models.Model):
    """填报→审核: a deputy reports work the office did not organise ("谁组织谁记录" covers the
    rest). It counts only once the group leader or town staff confirm it, which writes the
    real record (a Communication, or an Activity with the deputy's Participation)."""

    class Kind(models.TextChoices):
        COMMUNICATION = "communication", _("联系选民")
        RECEPTION = "reception", _("家站点接待")
        ACTIVITY = "activity", _("自行组织的履职活动")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已退回")

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="self_reports", verbose_name=_("代表")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("日期"))
    title = models.CharField(_("名称或主题"), max_length=200, blank=True)
    activity_type = models.CharField(_("活动类型"), max_length=20, blank=True)
    method = models.CharField(_("联系方式"), max_length=10, blank=True)
    constituents = models.ManyToManyField(
        "deputies.Constituent", blank=True, related_name="self_reports", verbose_name=_("选民")
    )
    content = models.TextField(_("内容"), blank=True)
    no_visitors = models.BooleanField(_("无来访"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报人"),
    )
    submitted_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reject_reason = models.TextField(_("退回原因"), blank=True)
    communication = models.ForeignKey(
        "activities.Communication",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成的联系记录"),
    )
    participation = models.ForeignKey(
        "activities.Participation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成的参加记录"),
    )
    history = HistoricalRecords(m2m_fields=[constituents])

    class Meta:
        verbose_name = _("代表填报")
        verbose_name_plural = _("代表填报")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="self_report_rejection_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "deputy"])]

    def __str__(self):
        return f"{self.deputy.name} · {self.get_kind_display()} · {self.date}"


class RecordFlag(models.Model):
    """错重漏反馈: a deputy says a record in their file is wrong, duplicated or missing."""

    class Kind(models.TextChoices):
        WRONG = "wrong", _("记录有误")
        DUPLICATE = "duplicate", _("重复记录")
        MISSING = "missing", _("漏记")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        RESOLVED = "resolved", _("已处理")

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="record_flags", verbose_name=_("代表")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    rule_code = models.CharField(_("考核项目"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    record = models.CharField(_("涉及记录"), max_length=300, blank=True)
    comment = models.TextField(_("说明"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("反馈人"),
    )
    created_at = models.DateTimeField(_("反馈时间"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("错重漏反馈")
        verbose_name_plural = _("错重漏反馈")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(resolution=""),
                name="record_flag_resolution_text",
            ),
        ]

    def __str__(self):
        return f"{self.deputy.name} · {self.get_kind_display()} · {self.year}"
