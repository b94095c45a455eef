"""The open API's clients: service accounts (DESIGN: issue 18, part 2).

A client is a User that cannot sign in (no usable password, inactive), holding RoleAssignment
rows like a person: its role and scope come from deputies.scopes.user_scope, so every list
and every masking rule of the pages applies to it unchanged. The token is shown once; only
its SHA-256 is kept.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ApiClient(models.Model):
    name = models.CharField(_("名称"), max_length=80, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("服务账号"),
    )
    # sha256 hex of the token; the token itself is never stored.
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    # The first characters of the token, to tell tokens apart on the page (not secret).
    token_prefix = models.CharField(_("令牌前缀"), max_length=12, editable=False)
    note = models.CharField(_("用途说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None
