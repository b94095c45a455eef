"""Closed years."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ClosedYear(models.Model):
    """A year whose feedback sheets were issued: its counted records are frozen. Changing one
    afterwards needs office-staff rights and a reason, kept in the record's history."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    closed_at = models.DateTimeField(_("结账时间"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("结账人"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("已结账年度")
        verbose_name_plural = _("已结账年度")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class ClosedYearFigures(models.Model):
    """The dashboard's figures of a closed year, computed once and kept with the closing: a
    closed year's records change only under an override with a reason, which drops them
    (closing.services.refuse_or_allow); re-opening the year deletes them with its row."""

    closed_year = models.ForeignKey(ClosedYear, on_delete=models.CASCADE, related_name="figures")
    term = models.ForeignKey("deputies.Term", on_delete=models.CASCADE, related_name="+")
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["closed_year", "term"], name="closed_year_figures_once")
        ]

    def __str__(self):
        return f"{self.closed_year} · {self.term}"
