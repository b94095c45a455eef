"""Briefings (通报, Art. 22–23): the Standing Committee's office and the 一府一委两院 tell the
deputies about their work. A briefing is addressed, when it is published, to all deputies,
a delegation, a group or the SC members of the term; each deputy addressed gets a Receipt row
then (the audience is fixed at publication, so 应读 does not move when deputies come or go),
and the first time the deputy opens the briefing the receipt records when (已读)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from deputies.models import Delegation, Deputy, DeputyGroup, Organiser, Term


class Briefing(models.Model):
    class Audience(models.TextChoices):
        ALL = "all", _("全体代表")
        DELEGATION = "delegation", _("一个代表团")
        GROUP = "group", _("一个代表小组")
        SC_MEMBERS = "sc_members", _("常委会组成人员")

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="briefings", verbose_name=_("届次")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    # 发布单位: an 一府一委两院 body (区政府办公室 …); empty = 区人大常委会 (Art. 22).
    organiser = models.ForeignKey(
        Organiser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="briefings",
        verbose_name=_("发布单位"),
    )
    audience = models.CharField(_("通报对象"), max_length=12, choices=Audience.choices)
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="briefings",
        verbose_name=_("代表团"),
    )
    group = models.ForeignKey(
        DeputyGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="briefings",
        verbose_name=_("代表小组"),
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表通报")
        verbose_name_plural = _("代表通报")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(audience="delegation", delegation__isnull=False, group__isnull=True)
                    | Q(audience="group", group__isnull=False, delegation__isnull=True)
                    | Q(
                        audience__in=["all", "sc_members"],
                        delegation__isnull=True,
                        group__isnull=True,
                    )
                ),
                name="briefing_audience_scope",
            ),  # fmt: skip
        ]

    def __str__(self):
        return self.title

    @property
    def publisher_name(self) -> str:
        return self.organiser.name if self.organiser_id else str(_("区人大常委会"))

    @property
    def audience_text(self) -> str:
        if self.audience == self.Audience.DELEGATION:
            return f"{self.delegation}代表团"
        if self.audience == self.Audience.GROUP:
            return str(self.group)
        return str(self.get_audience_display())


class Receipt(models.Model):
    """One deputy addressed by one briefing; read_at is set the first time they open it."""

    briefing = models.ForeignKey(
        Briefing, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("通报")
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="briefing_receipts", verbose_name=_("代表")
    )
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("通报阅读回执")
        verbose_name_plural = _("通报阅读回执")
        ordering = ["briefing", "deputy"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "deputy"], name="receipt_once"),
        ]
        indexes = [models.Index(fields=["deputy", "read_at"])]

    def __str__(self):
        return f"{self.briefing} · {self.deputy.name}"


def _attachment_path(instance, filename):
    """A random stored name (never the uploader's), as activities' attachments."""
    import uuid
    from pathlib import PurePath

    return f"briefing_attachments/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class BriefingAttachment(models.Model):
    """A PDF with a briefing, under MEDIA_ROOT, served only by briefings:attachment to those
    who may read the briefing."""

    briefing = models.ForeignKey(
        Briefing, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("通报")
    )
    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("内容类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("通报附件")
        verbose_name_plural = _("通报附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


@receiver(post_delete, sender=BriefingAttachment)
def _remove_attachment_file(sender, instance, **kwargs):
    """The file goes with its row, once that commits."""
    from django.db import transaction

    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
