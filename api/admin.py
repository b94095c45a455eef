"""The data management's view of the API clients: read, and revoke (creating one is on the
office's page 接口客户端, which shows the token once)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(SimpleHistoryAdmin):
    list_display = ["name", "token_prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "token_hash", "token_prefix", "created_by", "created_at",
                       "last_used_at", "revoked_at"]  # fmt: skip
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("撤销所选客户端的访问令牌"))
    def revoke(self, request, queryset):
        for client in queryset:
            services.revoke_client(client)
        self.message_user(request, _("已撤销 %(n)s 个客户端。") % {"n": queryset.count()})
