from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Briefing, BriefingAttachment, Receipt


class AttachmentInline(admin.TabularInline):
    model = BriefingAttachment
    extra = 0
    fields = ["original_name", "size", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Briefing)
class BriefingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organiser", "audience", "delegation", "group", "published_at"]
    list_filter = ["audience", "organiser", "term"]
    list_select_related = ["organiser", "delegation", "group"]
    search_fields = ["title"]
    readonly_fields = ["published_at", "published_by"]
    inlines = [AttachmentInline]


@admin.register(Receipt)
class ReceiptAdmin(SimpleHistoryAdmin):
    list_display = ["briefing", "deputy", "read_at"]
    list_filter = ["briefing"]
    list_select_related = ["briefing", "deputy"]
    search_fields = ["deputy__name", "deputy__code", "briefing__title"]
    raw_id_fields = ["briefing", "deputy"]
