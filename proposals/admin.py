"""Data management for 议案 and 建议, their co-signers, handling and evaluation."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assignment, Cosignature, HandlingUnit, Proposal, ProposalEvaluation


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class CosignatureInline(admin.TabularInline):
    model = Cosignature
    extra = 0
    autocomplete_fields = ["deputy"]


class ProposalEvaluationInline(admin.StackedInline):
    """The lead deputy's evaluation of the handling (Art. 19)."""

    model = ProposalEvaluation
    extra = 0
    max_num = 1
    autocomplete_fields = ["evaluated_by"]
    readonly_fields = ["evaluated_at"]


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["number", "kind", "title", "lead", "submitted_date", "status", "term"]
    list_display_links = ["number", "title"]
    list_filter = ["term", "kind", "status", "reopened", "handling_units"]
    list_select_related = ["lead", "term"]
    search_fields = ["number", "title", "lead__name", "lead__code"]
    autocomplete_fields = ["lead", "handling_units"]
    date_hierarchy = "submitted_date"
    inlines = [CosignatureInline, ProposalEvaluationInline]


@admin.register(Cosignature)
class CosignatureAdmin(SimpleHistoryAdmin):
    list_display = ["proposal", "deputy"]
    list_filter = ["proposal__term", "proposal__kind"]
    list_select_related = ["proposal", "deputy"]
    search_fields = ["proposal__number", "proposal__title", "deputy__name", "deputy__code"]
    autocomplete_fields = ["proposal", "deputy"]


@admin.register(ProposalEvaluation)
class ProposalEvaluationAdmin(SimpleHistoryAdmin):
    list_display = ["proposal", "attitude", "result", "overall", "evaluated_at"]
    list_filter = ["overall", "attitude", "result", "proposal__term"]
    list_select_related = ["proposal"]
    search_fields = ["proposal__number", "proposal__title"]
    autocomplete_fields = ["proposal", "evaluated_by"]
    readonly_fields = ["evaluated_at"]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    """主办/会办 and each unit's reply. Replies and 答复函 are recorded on the proposal page
    (their checks and the proposal's reply state live in proposals.services)."""

    list_display = ["proposal", "unit", "role", "due_date", "reply_date"]
    list_filter = ["role"]
    list_select_related = ["proposal", "unit"]
    search_fields = ["proposal__number", "unit__name"]
    readonly_fields = [f.name for f in Assignment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
