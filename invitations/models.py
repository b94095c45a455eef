"""Invitations to an activity or a meeting (Art. 22–23), and each invited deputy's reply.

An invitation names exactly one target: an activities.Activity (列席常委会会议, 座谈会,
一府一委两院, training, group activities, 家站点 rota …) or an activities.Meeting. A reply is
not attendance: 参加 puts the deputy on the activity's roll as 受邀, and the QR sign-in (or
staff) records 出席 on the day. 请假 to a 必须参加 invitation becomes leave only when staff
accept it (InvitedDeputy.leave_decision).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.models import Activity, LeaveRequest, Meeting
from deputies.models import Deputy


class Invitation(models.Model):
    class Kind(models.TextChoices):
        REQUIRED = "required", _("必须参加")
        SIGNUP = "signup", _("报名参加")

    class Status(models.TextChoices):
        OPEN = "open", _("有效")
        CANCELLED = "cancelled", _("已取消")

    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("履职活动"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("大会会议"),
    )
    kind = models.CharField(_("邀请类型"), max_length=10, choices=Kind.choices)
    reply_deadline = models.DateTimeField(_("回复截止时间"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    # How many times the time or place was changed (each change is told to the invited once).
    revision = models.PositiveIntegerField(_("变更次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("发出人"),
    )
    created_at = models.DateTimeField(_("发出时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活动邀请")
        verbose_name_plural = _("活动邀请")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__isnull=False, meeting__isnull=True)
                | Q(activity__isnull=True, meeting__isnull=False),
                name="invitation_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.target_name}（{self.date}）"

    @property
    def target(self):
        return self.activity or self.meeting

    @property
    def target_name(self) -> str:
        return self.target.name

    @property
    def date(self):
        return self.target.date

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class InvitedDeputy(models.Model):
    """One deputy on an invitation, with the reply."""

    class Answer(models.TextChoices):
        NONE = "", _("未回复")
        ACCEPT = "accept", _("参加")
        DECLINE = "decline", _("请假")

    class LeaveDecision(models.TextChoices):
        NONE = "", _("无需审核")
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已同意请假")
        REFUSED = "refused", _("未同意请假")

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="invitees", verbose_name=_("邀请")
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("代表")
    )
    answer = models.CharField(_("回复"), max_length=10, choices=Answer.choices, blank=True)
    reason = models.TextField(_("请假事由"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    leave_decision = models.CharField(
        _("请假审核"), max_length=10, choices=LeaveDecision.choices, blank=True
    )
    leave_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("请假审核人"),
    )
    # For a meeting, accepted leave goes on as a 请假申请 to the head and the secretary-general.
    leave_request = models.ForeignKey(
        LeaveRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("请假申请"),
    )
    # The reply put the deputy on the activity's roll as 受邀 (a later 请假 takes it off again).
    added_to_roll = models.BooleanField(_("已加入参加名单"), default=False)
    chase_count = models.PositiveIntegerField(_("催复次数"), default=0)
    last_chased_at = models.DateTimeField(_("最近催复时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("受邀代表")
        verbose_name_plural = _("受邀代表")
        ordering = ["invitation", "deputy__code"]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "deputy"], name="invitee_once"),
            models.CheckConstraint(
                condition=~Q(answer="decline") | ~Q(reason=""), name="invitee_leave_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["deputy", "answer"])]

    def __str__(self):
        return f"{self.deputy.name} · {self.invitation} · {self.get_answer_display()}"
