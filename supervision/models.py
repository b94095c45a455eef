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
        FEEDBACK_PDF = "feedback_pdf", _("年度履职情况反馈表（PDF）")
        EVALUATION = "evaluation", _("年度履职评价工作簿")

    FEEDBACK_KINDS = (Kind.FEEDBACK_ZIP, Kind.FEEDBACK_PDF)

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
    """A user's switch for one kind of outcome notification (supervision.notifications
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


class JobRun(models.Model):
    """The last runs of each scheduled job, for the health view."""

    name = models.CharField(_("任务"), max_length=80)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    succeeded = models.BooleanField(_("成功"), null=True)
    detail = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["name", "succeeded", "started_at"])]

    def __str__(self):
        return f"{self.name} {self.started_at}"


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


class ReportDraft(models.Model):
    """A deputy's draft 述职报告 (Art. 26) for the term: the five areas the article names, first
    filled from the records (supervision.report_drafts), then revised by the deputy or staff."""

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


from .rulesets.models import (  # noqa: E402, F401
    HistoricalRuleSet,
    HistoricalRuleSetRule,
    HistoricalYearJudgement,
    RuleSet,
    RuleSetRule,
    YearJudgement,
)
