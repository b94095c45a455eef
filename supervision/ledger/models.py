"""The ledger import as a background job: its state and progress, which the browser polls."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LedgerImportJob(models.Model):
    """One preview (dry run) or apply of an uploaded ledger, run as a Celery task
    (supervision.tasks.run_ledger_job) so that no request waits on a large workbook."""

    class State(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    ACTIVE = (State.PENDING, State.RUNNING)

    class Phase(models.TextChoices):
        WAITING = "", _("等待开始")
        READING = "reading", _("读取工作簿")
        VALIDATING = "validating", _("检查数据")
        WRITING = "writing", _("保存数据")

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
    token = models.CharField(_("上传标识"), max_length=64)
    term_name = models.CharField(_("届次"), max_length=100)
    dry_run = models.BooleanField(_("仅预览"), default=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    phase = models.CharField(_("阶段"), max_length=12, choices=Phase.choices, blank=True)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    # supervision.ledger.services.result_to_json: the counts, errors and warnings shown.
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("台账导入任务")
        verbose_name_plural = _("台账导入任务")
        ordering = ["-created_at"]
        constraints = [
            # A double click finds the job already waiting or running for the same upload
            # and action, even when the two requests race.
            models.UniqueConstraint(
                fields=["token", "dry_run"],
                condition=Q(state__in=["pending", "running"]),
                name="ledger_job_one_active_per_upload",
            )
        ]

    def __str__(self):
        action = _("预览") if self.dry_run else _("导入")
        return f"{action} {self.term_name} · {self.get_state_display()}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    # The share of the bar each phase fills: one bar from start to end, never restarting.
    SPANS = {"": (0, 0), "reading": (0, 20), "validating": (20, 60), "writing": (60, 100)}

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        low, high = self.SPANS.get(self.phase, (0, 0))
        share = min(self.done, self.total) / self.total if self.total else 0
        return int(low + (high - low) * share)
