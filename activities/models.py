"""Congress sessions and their meetings, leave, speeches, activities and communications."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from deputies.models import Constituent, Delegation, Deputy, Organiser, Term


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class ParticipationStatus(models.TextChoices):
    """An activity's roll: the meeting statuses plus 受邀 (invited, not yet held or recorded).
    Only 出席 counts toward the rules."""

    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")
    INVITED = "invited", _("受邀")


class Session(models.Model):
    """区人民代表大会会议, e.g. 七届人大五次会议."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("届次")
    )
    name = models.CharField(_("名称"), max_length=80)
    start_date = models.DateField(_("开幕日期"))
    end_date = models.DateField(_("闭幕日期"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("大会")
        verbose_name_plural = _("大会")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="session_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="session_end_not_before_start"
            ),
        ]

    def __str__(self):
        return self.name


KIND_ORDER = ["preparatory", "plenary", "delegation"]


def kind_order():
    """预备会议 < 全体会议 < 代表团会议: the preparatory meeting opens the session on the day
    of the first plenary, and by name 第一次全体会议 would sort before 预备会议."""
    return models.Case(
        *(models.When(kind=k, then=models.Value(i)) for i, k in enumerate(KIND_ORDER)),
        default=models.Value(len(KIND_ORDER)),
    )


class MeetingQuerySet(models.QuerySet):
    def in_time_order(self):
        """By date, then kind (预备 < 全体 < 代表团), then name."""
        return self.alias(kind_order=kind_order()).order_by("date", "kind_order", "name", "pk")


class Meeting(models.Model):
    """A meeting of a session: 预备会议, 全体会议 or 代表团会议. Identity: (名称, 日期)."""

    class Kind(models.TextChoices):
        PREPARATORY = "preparatory", _("预备会议")
        PLENARY = "plenary", _("全体会议")
        DELEGATION = "delegation", _("代表团会议")

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("届次")
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("大会"),
    )
    name = models.CharField(_("会议名称"), max_length=120)
    kind = models.CharField(_("会议类型"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("日期"))
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("代表团（代表团会议）"),
    )
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("大会会议")
        verbose_name_plural = _("大会会议")
        ordering = ["date", kind_order(), "name"]
        constraints = [
            models.UniqueConstraint(fields=["term", "name", "date"], name="meeting_identity"),
        ]

    def __str__(self):
        return f"{self.name}（{self.date}）"


class Attendance(models.Model):
    """A deputy on a meeting's roll, with attendance. 请假 means approved leave."""

    class LeaveReason(models.TextChoices):
        ABROAD = "abroad", _("公务出国出境")
        IMPORTANT = "important", _("重要会议活动")
        ILLNESS = "illness", _("因病或特殊情况")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("会议")
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("代表")
    )
    status = models.CharField(_("出席情况"), max_length=10, choices=AttendanceStatus.choices)
    leave_reason = models.CharField(
        _("请假事由"), max_length=20, choices=LeaveReason.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "deputy"], name="attendance_one_per_roll"),
            models.CheckConstraint(
                condition=Q(status="leave") | Q(leave_reason=""),
                name="attendance_reason_only_for_leave",
            ),
        ]
        indexes = [models.Index(fields=["deputy", "status"])]

    def __str__(self):
        return f"{self.deputy.name} · {self.meeting} · {self.get_status_display()}"


class LeaveRequest(models.Model):
    """请假 (Art. 5): in writing to the delegation head, approved by the secretary-general,
    filed (备案) with the secretariat."""

    class Status(models.TextChoices):
        PENDING_HEAD = "pending_head", _("待代表团团长审核")
        PENDING_SG = "pending_sg", _("待大会秘书长批准")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")
        # Approved, then the attendance grid was corrected (the deputy attended after all, or
        # the mark was cleared) after a confirmation; the history row says who and why.
        CANCELLED = "cancelled", _("已撤销")

    # The first (earliest) meeting asked for: what lists sort and filter by, and what the
    # closed-year guard dates the request by. `meetings` holds every meeting covered (a whole
    # session may be asked for at once); it always includes `meeting`.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="leave_requests", verbose_name=_("会议")
    )
    meetings = models.ManyToManyField(
        Meeting, related_name="leave_requests_covering", verbose_name=_("请假会议")
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="leave_requests", verbose_name=_("代表")
    )
    reason = models.CharField(_("请假事由"), max_length=20, choices=Attendance.LeaveReason.choices)
    explanation = models.TextField(_("具体说明"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING_HEAD
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    requested_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    head_approved = models.BooleanField(_("团长意见"), null=True)
    head_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("代表团团长"),
    )
    head_at = models.DateTimeField(_("团长审核时间"), null=True, blank=True)
    head_comment = models.CharField(_("团长意见说明"), max_length=200, blank=True)
    sg_approved = models.BooleanField(_("秘书长意见"), null=True)
    sg_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("大会秘书长"),
    )
    sg_at = models.DateTimeField(_("秘书长审批时间"), null=True, blank=True)
    sg_comment = models.CharField(_("秘书长意见说明"), max_length=200, blank=True)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    # The covered meetings are part of each history row (a grid correction drops one).
    history = HistoricalRecords(m2m_fields=[meetings])

    class Meta:
        verbose_name = _("请假申请")
        verbose_name_plural = _("请假申请")
        ordering = ["-requested_at"]
        constraints = [
            # The secretary-general decides only after the delegation head has agreed.
            models.CheckConstraint(
                # Spelled with isnull so that a NULL head decision fails the check (SQL's
                # NULL = true is unknown, which a CHECK lets through).
                condition=Q(sg_approved__isnull=True)
                | Q(head_approved__isnull=False, head_approved=True),
                name="leave_sg_after_head",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(
                    head_approved__isnull=False,
                    sg_approved__isnull=False,
                    head_approved=True,
                    sg_approved=True,
                ),
                name="leave_approved_needs_both",
            ),
            models.CheckConstraint(
                condition=Q(filed_at__isnull=True) | Q(sg_approved__isnull=False),
                name="leave_filed_after_decision",
            ),
        ]

    def __str__(self):
        return f"{self.deputy.name} · {self.meeting} · {self.get_status_display()}"


class Speech(models.Model):
    """大会发言 at a delegation or group meeting (Art. 8).

    Identity: (deputy, date, meeting name, topic).
    """

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="speeches", verbose_name=_("代表")
    )
    date = models.DateField(_("日期"))
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speeches",
        verbose_name=_("会议"),
    )
    meeting_name = models.CharField(_("会议名称"), max_length=120, blank=True)
    topic = models.CharField(_("发言主题"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("大会发言")
        verbose_name_plural = _("大会发言")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "date", "meeting_name", "topic"], name="speech_identity"
            ),
        ]
        indexes = [models.Index(fields=["deputy", "date"])]

    def __str__(self):
        return f"{self.deputy.name} · {self.date} · {self.topic}"


class ActivityType(models.TextChoices):
    RESEARCH = "research", _("专题调研")
    INSPECTION = "inspection", _("集中视察")
    LAW_ENFORCEMENT = "law_check", _("执法检查")
    SC_MEETING = "sc_meeting", _("列席常委会会议")
    FORUM = "forum", _("代表座谈会")
    GOVERNMENT = "government", _("一府一委两院会议活动")
    TRAINING = "training", _("履职学习培训")
    GROUP = "group", _("代表小组活动")
    RECEPTION = "reception", _("家站点接待")
    PROPOSAL_FOLLOWUP = "proposal_followup", _("议案建议督办")
    OTHER = "other", _("其他")


class Activity(models.Model):
    """A duty activity. Identity: (名称, 日期) within the term."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="activities", verbose_name=_("届次")
    )
    name = models.CharField(_("活动名称"), max_length=200)
    type = models.CharField(_("活动类型"), max_length=20, choices=ActivityType.choices)
    date = models.DateField(_("日期"))
    organiser = models.ForeignKey(
        Organiser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("组织单位"),
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    topic = models.CharField(_("主题"), max_length=200, blank=True)
    group = models.ForeignKey(
        "deputies.DeputyGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("代表小组（小组活动）"),
    )
    signin_opens_at = models.DateTimeField(_("签到开始"), null=True, blank=True)
    signin_closes_at = models.DateTimeField(_("签到截止"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("履职活动")
        verbose_name_plural = _("履职活动")
        ordering = ["-date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["term", "name", "date"], name="activity_identity"),
            models.CheckConstraint(
                condition=Q(signin_closes_at__isnull=True)
                | Q(signin_opens_at__isnull=True)
                | Q(signin_closes_at__gt=F("signin_opens_at")),
                name="activity_signin_window",
            ),
        ]
        indexes = [models.Index(fields=["type", "date"])]

    def __str__(self):
        return f"{self.name}（{self.date}）"


class Participation(models.Model):
    """A deputy on an activity's roll. Only 出席 counts toward the rules."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participations", verbose_name=_("活动")
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="participations", verbose_name=_("代表")
    )
    status = models.CharField(
        _("参加情况"),
        max_length=10,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.PRESENT,
    )
    signed_in_at = models.DateTimeField(_("扫码签到时间"), null=True, blank=True)
    # For 家站点接待: what was received, or an explicit 无来访; a sign-in alone is not a reception.
    reception_notes = models.TextField(_("接待情况"), blank=True)
    no_visitors = models.BooleanField(_("无来访"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活动参加情况")
        verbose_name_plural = _("活动参加情况")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "deputy"], name="participation_one_per_roll"
            ),
        ]
        indexes = [models.Index(fields=["deputy", "status"])]

    def __str__(self):
        return f"{self.deputy.name} · {self.activity} · {self.get_status_display()}"


class ContactMethod(models.TextChoices):
    VISIT = "visit", _("走访")
    MEETING = "meeting", _("座谈")
    PHONE = "phone", _("电话")
    ONLINE = "online", _("网络")


class Communication(models.Model):
    """A deputy's communication with one or more constituents (Art. 15).

    Identity of one contact: (deputy, constituent, date, method), so a communication is
    (deputy, date, method) and its constituents.
    """

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="communications", verbose_name=_("代表")
    )
    date = models.DateField(_("日期"))
    method = models.CharField(
        _("联系方式"), max_length=10, choices=ContactMethod.choices, blank=True
    )
    content = models.TextField(_("内容"), blank=True)
    constituents = models.ManyToManyField(
        Constituent, related_name="communications", verbose_name=_("选民")
    )
    history = HistoricalRecords(m2m_fields=[constituents])

    class Meta:
        verbose_name = _("联系选民")
        verbose_name_plural = _("联系选民")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "date", "method"], name="communication_identity"
            ),
        ]

    def __str__(self):
        return f"{self.deputy.name} · {self.date} · {self.get_method_display()}"


class LiaisonCommunication(models.Model):
    """A standing-committee member's communication with a deputy (Art. 15).

    Identity: (member, deputy, date, method).
    """

    member = models.ForeignKey(
        Deputy,
        on_delete=models.CASCADE,
        related_name="liaison_communications_made",
        verbose_name=_("常委会组成人员"),
    )
    deputy = models.ForeignKey(
        Deputy,
        on_delete=models.CASCADE,
        related_name="liaison_communications_received",
        verbose_name=_("代表"),
    )
    date = models.DateField(_("日期"))
    method = models.CharField(
        _("联系方式"), max_length=10, choices=ContactMethod.choices, blank=True
    )
    content = models.TextField(_("内容"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联系代表")
        verbose_name_plural = _("联系代表")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "deputy", "date", "method"], name="liaison_communication_identity"
            ),
            models.CheckConstraint(
                condition=~Q(member=F("deputy")), name="liaison_communication_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.member.name} → {self.deputy.name} · {self.date}"


class PublicOpinion(models.Model):
    """社情民意 a deputy collected, optionally referred to the 12345 hotline (Art. 17)."""

    class HotlineStatus(models.TextChoices):
        NOT_REFERRED = "", _("未转办")
        REFERRED = "referred", _("已转12345")
        HANDLING = "handling", _("办理中")
        REPLIED = "replied", _("已答复")
        CLOSED = "closed", _("已办结")

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="public_opinions", verbose_name=_("代表")
    )
    date = models.DateField(_("收集日期"))
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    hotline_ticket = models.CharField(_("12345工单号"), max_length=50, blank=True)
    hotline_status = models.CharField(
        _("工单状态"), max_length=10, choices=HotlineStatus.choices, blank=True
    )
    hotline_outcome = models.TextField(_("办理结果"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("社情民意")
        verbose_name_plural = _("社情民意")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hotline_status="") | ~Q(hotline_ticket=""),
                name="opinion_referral_needs_ticket",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.hotline_status and not self.hotline_ticket:
            raise ValidationError({"hotline_ticket": _("转办12345须填写工单号。")})


def _attachment_path(instance, filename):
    """A random stored name (never the uploader's): not guessable, nothing to escape."""
    import uuid
    from pathlib import PurePath

    return f"activity_attachments/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ActivityAttachment(models.Model):
    """A photo or PDF on an activity (家站点接待 included). Stored under MEDIA_ROOT and served
    only by activities:attachment_download, which checks the activity's scope."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("图片")
        PDF = "pdf", _("PDF")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("活动")
    )
    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    content_type = models.CharField(_("内容类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活动附件")
        verbose_name_plural = _("活动附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


@receiver(post_delete, sender=ActivityAttachment)
def _remove_attachment_file(sender, instance, **kwargs):
    """The file goes with its row (also when the activity is deleted), once that commits."""
    from django.db import transaction

    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
