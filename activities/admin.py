"""Data management for sessions, meetings, attendance, activities and communications."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from activities.models import (
    Activity,
    ActivityAttachment,
    Attendance,
    Communication,
    LeaveRequest,
    LiaisonCommunication,
    Meeting,
    Participation,
    PublicOpinion,
    Session,
    Speech,
)


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    fields = ["name", "kind", "date", "delegation", "term"]
    show_change_link = True


@admin.register(Session)
class SessionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "term", "start_date", "end_date"]
    list_filter = ["term"]
    list_select_related = ["term"]
    search_fields = ["name"]
    inlines = [MeetingInline]


class AttendanceInline(admin.TabularInline):
    """The meeting's roll."""

    model = Attendance
    extra = 0
    autocomplete_fields = ["deputy"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "date", "session", "delegation", "term"]
    list_filter = ["term", "kind", "session", "delegation"]
    list_select_related = ["session", "delegation", "term"]
    search_fields = ["name"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "deputy", "status", "leave_reason"]
    list_filter = ["status", "leave_reason", "meeting__term", "deputy__delegation"]
    list_select_related = ["meeting", "deputy"]
    search_fields = ["meeting__name", "deputy__name", "deputy__code"]
    autocomplete_fields = ["meeting", "deputy"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "meeting", "reason", "status", "requested_at"]
    list_filter = ["status", "reason", "meeting__term", "deputy__delegation"]
    list_select_related = ["deputy", "meeting"]
    search_fields = ["deputy__name", "deputy__code", "meeting__name"]
    autocomplete_fields = ["meeting", "deputy", "requested_by", "head_by", "sg_by"]
    readonly_fields = ["requested_at"]


@admin.register(Speech)
class SpeechAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "date", "meeting_name", "topic"]
    list_filter = ["deputy__term", "deputy__delegation"]
    list_select_related = ["deputy"]
    search_fields = ["deputy__name", "deputy__code", "meeting_name", "topic"]
    autocomplete_fields = ["deputy", "meeting"]
    date_hierarchy = "date"


class ParticipationInline(admin.TabularInline):
    """The activity's roll."""

    model = Participation
    extra = 0
    autocomplete_fields = ["deputy"]
    fields = ["deputy", "status", "signed_in_at", "no_visitors", "reception_notes"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "type", "date", "organiser", "group", "term"]
    list_filter = ["term", "type", "organiser"]
    list_select_related = ["organiser", "group", "term"]
    search_fields = ["name", "topic", "place"]
    autocomplete_fields = ["organiser", "group"]
    date_hierarchy = "date"
    inlines = [ParticipationInline]


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ["activity", "deputy", "status", "signed_in_at"]
    list_filter = ["status", "activity__type", "activity__term", "deputy__delegation"]
    list_select_related = ["activity", "deputy"]
    search_fields = ["activity__name", "deputy__name", "deputy__code"]
    autocomplete_fields = ["activity", "deputy"]


@admin.register(Communication)
class CommunicationAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "date", "method"]
    list_filter = ["method", "deputy__term", "deputy__delegation"]
    list_select_related = ["deputy"]
    search_fields = ["deputy__name", "deputy__code", "constituents__name", "content"]
    autocomplete_fields = ["deputy", "constituents"]
    date_hierarchy = "date"


@admin.register(LiaisonCommunication)
class LiaisonCommunicationAdmin(SimpleHistoryAdmin):
    list_display = ["member", "deputy", "date", "method"]
    list_filter = ["method", "member__term"]
    list_select_related = ["member", "deputy"]
    search_fields = ["member__name", "member__code", "deputy__name", "deputy__code"]
    autocomplete_fields = ["member", "deputy"]
    date_hierarchy = "date"


@admin.register(PublicOpinion)
class PublicOpinionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "deputy", "date", "hotline_ticket", "hotline_status"]
    list_filter = ["hotline_status", "deputy__term", "deputy__delegation"]
    list_select_related = ["deputy"]
    search_fields = ["title", "hotline_ticket", "deputy__name", "deputy__code"]
    autocomplete_fields = ["deputy"]
    date_hierarchy = "date"


@admin.register(ActivityAttachment)
class ActivityAttachmentAdmin(SimpleHistoryAdmin):
    """Listed for data management; files are added only on the activity page, where their
    content is checked, so the admin neither adds nor changes them."""

    list_display = ["original_name", "activity", "kind", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["activity", "uploaded_by"]
    search_fields = ["original_name", "activity__name"]
    readonly_fields = [f.name for f in ActivityAttachment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
