from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CitizenMessage, DeputyPage


@admin.register(DeputyPage)
class DeputyPageAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "accepting", "created_at"]
    list_filter = ["accepting"]
    search_fields = ["deputy__name", "deputy__code"]
    readonly_fields = ["token", "created_at"]
    raw_id_fields = ["deputy"]


@admin.register(CitizenMessage)
class CitizenMessageAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "category", "received_at", "first_answer_at", "hidden_at"]
    list_filter = ["category"]
    search_fields = ["deputy__name", "deputy__code"]
    readonly_fields = ["lookup_digest", "consent_version", "received_at"]
    raw_id_fields = ["deputy", "opinion", "replied_by", "hidden_by"]
