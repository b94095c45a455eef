"""Data management: the group leaders' reminders (read only: they record what was sent)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import GroupReminder


@admin.register(GroupReminder)
class GroupReminderAdmin(SimpleHistoryAdmin):
    list_display = ["group", "year", "sent_by", "sent_at"]
    list_filter = ["year", "group__term", "group__delegation"]
    list_select_related = ["group", "sent_by"]
    search_fields = ["group__name", "sent_by__username"]
    readonly_fields = ["group", "year", "sent_by", "sent_at", "recipients"]

    def has_add_permission(self, request):
        return False
