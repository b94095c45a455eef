"""Draft reports to constituents (述职报告草稿)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from deputies.models import Deputy


class ReportDraft(models.Model):
    """A deputy's draft 述职报告 (Art. 26) for the term: the five areas the article names, first
    filled from the records (supervision.documents.drafts), then revised by the deputy or staff."""

    deputy = models.OneToOneField(
        Deputy, on_delete=models.CASCADE, related_name="report_draft", verbose_name=_("代表")
    )
    rights = models.TextField(_("行使代表权利"), blank=True)
    duties = models.TextField(_("履行代表义务"), blank=True)
    contact = models.TextField(_("联系人民群众"), blank=True)
    opinions = models.TextField(_("反映社情民意"), blank=True)
    deeds = models.TextField(_("为群众办实事"), blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人"),
    )
    history = HistoricalRecords()

    SECTIONS = ("rights", "duties", "contact", "opinions", "deeds")

    class Meta:
        verbose_name = _("述职报告草稿")
        verbose_name_plural = _("述职报告草稿")

    def __str__(self):
        return f"{self.deputy.name} 述职报告草稿"
