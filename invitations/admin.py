"""Data management for invitations and replies."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Invitation, InvitedDeputy


class InvitedDeputyInline(admin.TabularInline):
    model = InvitedDeputy
    extra = 0
    fields = ["deputy", "answer", "reason", "replied_at", "leave_decision", "chase_count"]
    raw_id_fields = ["deputy"]
    show_change_link = True


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "reply_deadline", "status", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["activity", "meeting"]
    search_fields = ["activity__name", "meeting__name"]
    inlines = [InvitedDeputyInline]


@admin.register(InvitedDeputy)
class InvitedDeputyAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "invitation", "answer", "replied_at", "leave_decision", "chase_count"]
    list_filter = ["answer", "leave_decision"]
    list_select_related = ["deputy", "invitation__activity", "invitation__meeting"]
    raw_id_fields = ["deputy", "invitation", "leave_request"]
    search_fields = ["deputy__name", "deputy__code"]
