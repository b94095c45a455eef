"""Export jobs started from the browser and the runs of the scheduled jobs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    # The year-end job of the schedule (year_end_feedback): when its file is ready, the
    # deputies and the office are told.
    scheduled = models.BooleanField(_("定时任务"), default=False)

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


class ExportChunk(models.Model):
    """One slice of a feedback job: a fixed list of deputies (in code order) whose sheets one
    Celery task writes into one file of the job's directory. `done` is this chunk's own count,
    reset when the chunk runs again, so the job's progress (the sum) never counts a sheet
    twice; `finished_at` is set once the chunk's file is in place."""

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField(_("序号"))
    deputy_ids = models.JSONField(_("代表"), default=list)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出分块")
        verbose_name_plural = _("导出分块")
        ordering = ["job", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="export_chunk_job_index")
        ]

    def __str__(self):
        return f"{self.job_id}#{self.index} {self.done}/{self.total}"


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
