"""One row per export of personal data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportLog(models.Model):
    """Who exported what, and when (个人信息保护法): one row per download or generated file
    holding personal data. Rows are only ever added."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导出人"),
    )
    # Kept as text so the log still names the person after the account is deleted.
    username = models.CharField(_("用户名"), max_length=150)
    at = models.DateTimeField(_("导出时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("导出内容"), max_length=60, db_index=True)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    rows = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    masked = models.BooleanField(_("已脱敏"), default=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.kind}"
