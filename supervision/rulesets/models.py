"""A rule set (考核规则版本) and its rules: everything a measures document states is data;
the kinds of counting stay code (supervision.rules.Counts, one counter each in compliance.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.models import ActivityType
from supervision.rules import Art29, Counts, Period

PERIOD_CHOICES = [(Period.YEAR.value, _("每年")), (Period.TERM.value, _("每届"))]
COUNTS_CHOICES = [
    (Counts.SESSION_ATTENDANCE.value, _("出席大会会议（出席或经批准请假 / 名单内会议）")),
    (Counts.SPEECHES.value, _("大会发言次数")),
    (Counts.ACTIVITIES.value, _("出席所列类型的履职活动次数")),
    (Counts.CONSTITUENTS.value, _("联系的选民人数（每人达到联系次数）")),
    (Counts.LIAISON_DEPUTIES.value, _("常委会组成人员联系的代表人数（每人达到联系次数）")),
    (Counts.PROPOSALS.value, _("领衔或附议的议案建议（撤回的不计）")),
    (Counts.CONSTITUENCY_REPORTS.value, _("向选民述职次数")),
]
ART29_CHOICES = [
    (Art29.ABSENCE.value, _("无故缺席大会会议")),
    (Art29.COLLECTIVE.value, _("不参加常委会和代表小组组织的履职活动（所列规则合计为 0）")),
    (Art29.CONTACT.value, _("未按要求联系人民群众")),
    (Art29.PROPOSAL.value, _("任期内未领衔或附议议案建议")),
]


class RuleSet(models.Model):
    """A named version of the measures' rules. A draft is never used for judging; a published
    version judges every year whose end falls on or after its effective date, until a later
    version takes effect (supervision.rulesets.selectors)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    name = models.CharField(_("名称"), max_length=200, unique=True)
    source_document = models.CharField(_("依据文件"), max_length=300, blank=True)
    effective_date = models.DateField(_("生效日期"))
    reason = models.TextField(_("制定或修订理由"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核规则版本")
        verbose_name_plural = _("考核规则版本")
        ordering = ["-effective_date", "-pk"]

    def __str__(self):
        return self.name


class RuleSetRule(models.Model):
    """One rule of a version: the columns of DESIGN.md's rule table."""

    ruleset = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("规则版本")
    )
    code = models.CharField(_("规则代码"), max_length=40)
    articles = models.CharField(
        _("条款"), max_length=40, help_text=_("条款序号，多个用逗号分隔，如 5,7")
    )
    short_name = models.CharField(_("简称（导出表列名）"), max_length=20)
    period = models.CharField(_("周期"), max_length=10, choices=PERIOD_CHOICES)
    counts = models.CharField(_("统计内容"), max_length=30, choices=COUNTS_CHOICES)
    quota = models.PositiveIntegerField(
        _("要求数"), null=True, blank=True, help_text=_("出席大会留空：名单内的全部会议")
    )
    activity_types = models.JSONField(_("活动类型"), default=list, blank=True)
    times = models.PositiveSmallIntegerField(
        _("每人联系次数"),
        null=True,
        blank=True,
        help_text=_("联系选民、联系代表：每人至少联系几次"),
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)
    art29 = models.CharField(
        _("第二十九条约谈告诫事由"), max_length=20, choices=ART29_CHOICES, blank=True
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核规则")
        verbose_name_plural = _("考核规则")
        ordering = ["ruleset", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "code"], name="ruleset_rule_code"),
            models.UniqueConstraint(fields=["ruleset", "short_name"], name="ruleset_rule_name"),
        ]

    def __str__(self):
        return f"{self.ruleset.name} · {self.short_name}"

    @property
    def activity_type_names(self) -> str:
        labels = dict(ActivityType.choices)
        return "、".join(str(labels.get(t, t)) for t in self.activity_types)


class YearJudgement(models.Model):
    """Staff re-judged a year with another version, explicitly and with a reason: from then
    on that version judges the year, whatever the effective dates say."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    ruleset = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="judgements", verbose_name=_("规则版本")
    )
    reason = models.TextField(_("理由"))
    judged_at = models.DateTimeField(_("时间"), auto_now=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度考核依据（重新评定）")
        verbose_name_plural = _("年度考核依据（重新评定）")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} · {self.ruleset.name}"
