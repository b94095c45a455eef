"""Reports to constituents, group annual reports, interviews and warnings, awards, point weights."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from deputies.models import Deputy, DeputyGroup


class ConstituencyReport(models.Model):
    """向原选区选民报告履职情况 (Art. 26). Identity: (deputy, date, form)."""

    class Form(models.TextChoices):
        ORAL = "oral", _("口头")
        WRITTEN = "written", _("书面")

    deputy = models.ForeignKey(
        Deputy,
        on_delete=models.CASCADE,
        related_name="constituency_reports",
        verbose_name=_("代表"),
    )
    date = models.DateField(_("日期"))
    form = models.CharField(_("形式"), max_length=10, choices=Form.choices, blank=True)
    summary = models.TextField(_("内容摘要"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("向选民述职")
        verbose_name_plural = _("向选民述职")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "date", "form"], name="constituency_report_identity"
            ),
        ]

    def __str__(self):
        return f"{self.deputy.name} · {self.date}"


class GroupAnnualReport(models.Model):
    """A group's yearly report on its members' constituency reports, due by 31 December."""

    group = models.ForeignKey(
        DeputyGroup,
        on_delete=models.CASCADE,
        related_name="annual_reports",
        verbose_name=_("代表小组"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    submitted_date = models.DateField(_("报送日期"), null=True, blank=True)
    content = models.TextField(_("报告内容"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报送人"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表小组年度报告")
        verbose_name_plural = _("代表小组年度报告")
        ordering = ["-year", "group"]
        constraints = [
            models.UniqueConstraint(fields=["group", "year"], name="group_report_once_a_year"),
        ]

    def __str__(self):
        return f"{self.group} {self.year}"


class Interview(models.Model):
    """约谈 or 告诫 (Art. 29)."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("约谈")
        WARNING = "warning", _("告诫")

    class By(models.TextChoices):
        QUALIFICATION = "qualification", _("代表资格审查委员会")
        GROUP = "group", _("代表小组")

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="interviews", verbose_name=_("代表")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("方式"), max_length=10, choices=Kind.choices)
    conducted_by = models.CharField(_("实施主体"), max_length=15, choices=By.choices)
    date = models.DateField(_("日期"))
    reasons = models.TextField(_("事由"))
    follow_up = models.TextField(_("后续情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("约谈告诫")
        verbose_name_plural = _("约谈告诫")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.deputy.name} · {self.get_kind_display()} · {self.date}"


class Award(models.Model):
    """评比表彰 (Art. 28): 积极履职代表 (a deputy) or 优秀代表建议 (a proposal)."""

    class Kind(models.TextChoices):
        ACTIVE_DEPUTY = "active_deputy", _("积极履职代表")
        EXCELLENT_PROPOSAL = "excellent_proposal", _("优秀代表建议")

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    deputy = models.ForeignKey(
        Deputy,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("代表"),
    )
    proposal = models.ForeignKey(
        "proposals.Proposal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("议案建议"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评比表彰")
        verbose_name_plural = _("评比表彰")
        ordering = ["-year", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="active_deputy", deputy__isnull=False, proposal__isnull=True)
                    | Q(kind="excellent_proposal", proposal__isnull=False, deputy__isnull=True)
                ),
                name="award_subject_matches_kind",
            ),
            models.UniqueConstraint(fields=["year", "kind", "deputy"], name="award_deputy_once"),
            models.UniqueConstraint(
                fields=["year", "kind", "proposal"], name="award_proposal_once"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()} {self.deputy or self.proposal}"


class PointWeight(models.Model):
    """履职积分: the points one record of a kind is worth, for offices that rank by points.
    Shown beside, never instead of, the rule-by-rule status."""

    kind = models.CharField(_("记录类型"), max_length=40, unique=True)
    label = models.CharField(_("名称"), max_length=60)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("积分权重")
        verbose_name_plural = _("积分权重")
        ordering = ["order", "kind"]

    def __str__(self):
        return f"{self.label} {self.points}"
