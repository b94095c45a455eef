"""Reports to constituents, group annual reports, interviews and warnings, awards."""

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


class ExportJob(models.Model):
    """A long export run as a Celery task (feedback-sheet zip, evaluation workbook), with the
    progress the browser polls and the file it leaves for download."""

    class Kind(models.TextChoices):
        FEEDBACK_ZIP = "feedback_zip", _("年度履职情况反馈表")
        EVALUATION = "evaluation", _("年度履职评价工作簿")

    class State(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    term = models.ForeignKey(
        "deputies.Term", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("届次")
    )
    delegation = models.ForeignKey(
        "deputies.Delegation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("代表团"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    file = models.CharField(_("文件"), max_length=300, blank=True)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year} · {self.get_state_display()}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return self.done * 100 // self.total if self.total else 0
