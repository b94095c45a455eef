"""A group leader's reminder to the members behind on the rules (issue 16 item 4): who sent
it, when, and to whom. The notifications themselves are supervision.Notification rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from deputies.models import Deputy, DeputyGroup


class GroupReminder(models.Model):
    group = models.ForeignKey(
        DeputyGroup, on_delete=models.CASCADE, related_name="+", verbose_name=_("代表小组")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提醒人"),
    )
    sent_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)
    recipients = models.ManyToManyField(
        Deputy, related_name="group_reminders", verbose_name=_("被提醒的组员")
    )
    history = HistoricalRecords(m2m_fields=[recipients])

    class Meta:
        verbose_name = _("组长履职提醒")
        verbose_name_plural = _("组长履职提醒")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.group} · {self.sent_at:%Y-%m-%d %H:%M}"
