"""议案 and 建议 (Art. 18, 19): lead and co-signing deputies, handling, evaluation."""

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from deputies.models import Deputy, Term


class HandlingUnit(models.Model):
    """承办单位."""

    name = models.CharField(_("名称"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProposalQuerySet(models.QuerySet):
    def counting(self):
        """Proposals that count toward Art. 18: every one not withdrawn."""
        return self.exclude(status=Proposal.Status.WITHDRAWN)


class Proposal(models.Model):
    class Kind(models.TextChoices):
        MOTION = "motion", _("议案")
        SUGGESTION = "suggestion", _("建议")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("提交")
        REGISTERED = "registered", _("立案")
        ASSIGNED = "assigned", _("交办")
        HANDLING = "handling", _("办理中")
        REPLIED = "replied", _("答复")
        CLOSED = "closed", _("办结")
        WITHDRAWN = "withdrawn", _("撤回")

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("届次")
    )
    number = models.CharField(_("编号"), max_length=30)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=300)
    content = models.TextField(_("正文"), blank=True)
    submitted_date = models.DateField(_("提出日期"))
    lead = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="led_proposals", verbose_name=_("领衔代表")
    )
    cosigners = models.ManyToManyField(
        Deputy, through="Cosignature", related_name="cosigned_proposals", verbose_name=_("附议代表")
    )
    handling_units = models.ManyToManyField(
        HandlingUnit, blank=True, related_name="proposals", verbose_name=_("承办单位")
    )
    status = models.CharField(
        _("办理状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    # The proposal's reply as a whole: the 主办 units' replies once every one has replied
    # (services.sync_reply), or a date fed by the ledger's 答复日期. Dashboard and to-dos read it.
    reply = models.TextField(_("答复内容"), blank=True)
    reply_date = models.DateField(_("答复日期"), null=True, blank=True)
    reopened = models.BooleanField(_("已重新办理"), default=False)
    # 撤回 asks for a reason and remembers the state it left, so office staff can undo it.
    withdraw_reason = models.TextField(_("撤回理由"), blank=True)
    withdrawn_from = models.CharField(
        _("撤回前的办理状态"), max_length=12, choices=Status.choices, blank=True
    )
    history = HistoricalRecords(m2m_fields=[handling_units])

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("议案建议")
        verbose_name_plural = _("议案建议")
        ordering = ["-submitted_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="proposal_unique_number"),
        ]
        indexes = [models.Index(fields=["lead", "status"])]

    def __str__(self):
        return f"{self.number} {self.title}"


def _reply_letter_path(instance, filename):
    """A random stored name: not guessable; served only by proposals:unit_letter."""
    import uuid
    from pathlib import PurePath

    return f"reply_letters/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Assignment(models.Model):
    """One handling unit's part in a proposal (交办): 主办 or 会办, its own 办理期限 and its own
    reply, with an optional 答复函 (PDF or image). The set of units stays
    Proposal.handling_units; services.set_units keeps one Assignment per unit."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        ASSIST = "assist", _("会办")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("议案建议")
    )
    unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("承办单位"),
    )
    role = models.CharField(_("承办方式"), max_length=8, choices=Role.choices, default=Role.LEAD)
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    reply_date = models.DateField(_("答复日期"), null=True, blank=True)
    letter = models.FileField(_("答复函"), upload_to=_reply_letter_path, max_length=200, blank=True)
    letter_name = models.CharField(_("答复函文件名"), max_length=200, blank=True)
    letter_type = models.CharField(_("答复函内容类型"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("承办")
        verbose_name_plural = _("承办")
        ordering = ["-role", "unit__name"]  # 主办 ("lead") before 会办 ("assist")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "unit"], name="assignment_once"),
        ]

    def __str__(self):
        return f"{self.proposal.number} · {self.unit.name}（{self.get_role_display()}）"

    @property
    def replied(self) -> bool:
        return bool(self.reply_date and self.reply.strip())


@receiver(post_delete, sender=Assignment)
def _remove_letter_file(sender, instance, **kwargs):
    """The 答复函 goes with its Assignment (a unit taken off, the proposal deleted)."""
    name, storage = instance.letter.name, instance.letter.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


class Cosignature(models.Model):
    """附议: a deputy co-signing a proposal. The lead is never a co-signer of their own."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="cosignatures", verbose_name=_("议案建议")
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="cosignatures", verbose_name=_("附议代表")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "deputy"], name="cosignature_once"),
        ]

    def __str__(self):
        return f"{self.deputy.name} 附议 {self.proposal.number}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.proposal_id and self.deputy_id and self.proposal.lead_id == self.deputy_id:
            raise ValidationError(_("领衔代表不能同时是附议代表。"))


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ProposalEvaluation(models.Model):
    """The lead deputy's evaluation of the handling (Art. 19): attitude, result, overall."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="evaluation", verbose_name=_("议案建议")
    )
    attitude = models.CharField(
        _("办理态度"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    result = models.CharField(
        _("办理结果"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    overall = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("评价人"),
    )
    evaluated_at = models.DateTimeField(_("评价时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("办理评价")
        verbose_name_plural = _("办理评价")

    def __str__(self):
        return f"{self.proposal.number} · {self.get_overall_display()}"
