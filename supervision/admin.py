"""Data management for reports to constituents, group reports, interviews and awards."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from supervision.models import (
    Award,
    ClosedYear,
    ClosedYearFigures,
    ConstituencyReport,
    ExportChunk,
    ExportJob,
    GroupAnnualReport,
    Interview,
    JobRun,
    LedgerImportJob,
    Notification,
    NotificationPreference,
    NotificationSetting,
    PointWeight,
    RecordFlag,
    ReportDraft,
    SelfReport,
    ShortfallFlag,
)


@admin.register(ConstituencyReport)
class ConstituencyReportAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "date", "form"]
    list_filter = ["form", "deputy__term", "deputy__delegation"]
    list_select_related = ["deputy"]
    search_fields = ["deputy__name", "deputy__code", "summary"]
    autocomplete_fields = ["deputy"]
    date_hierarchy = "date"


@admin.register(ReportDraft)
class ReportDraftAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "updated_at", "updated_by"]
    list_filter = ["deputy__term", "deputy__delegation"]
    list_select_related = ["deputy", "updated_by"]
    search_fields = ["deputy__name", "deputy__code"]
    autocomplete_fields = ["deputy"]
    readonly_fields = ["updated_at", "updated_by"]


@admin.register(GroupAnnualReport)
class GroupAnnualReportAdmin(SimpleHistoryAdmin):
    list_display = ["group", "year", "submitted_date", "submitted_by"]
    list_filter = ["year", "group__term", "group__delegation"]
    list_select_related = ["group", "submitted_by"]
    search_fields = ["group__name"]
    autocomplete_fields = ["group", "submitted_by"]


@admin.register(Interview)
class InterviewAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "year", "kind", "conducted_by", "date"]
    list_filter = ["year", "kind", "conducted_by", "deputy__term", "deputy__delegation"]
    list_select_related = ["deputy"]
    search_fields = ["deputy__name", "deputy__code", "reasons"]
    autocomplete_fields = ["deputy", "recorded_by"]
    date_hierarchy = "date"


@admin.register(Award)
class AwardAdmin(SimpleHistoryAdmin):
    list_display = ["year", "kind", "deputy", "proposal", "note"]
    list_filter = ["year", "kind"]
    list_select_related = ["deputy", "proposal"]
    search_fields = ["deputy__name", "deputy__code", "proposal__number", "proposal__title"]
    autocomplete_fields = ["deputy", "proposal"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Export jobs are started from the export pages and written by the Celery task; here they
    are only looked at (e.g. to read a failure's error)."""

    list_display = ["kind", "year", "term", "delegation", "state", "percent", "created_by"]
    list_filter = ["kind", "state", "year"]
    list_select_related = ["term", "delegation", "created_by"]
    search_fields = ["created_by__username", "file"]
    date_hierarchy = "created_at"

    @admin.display(description=_("进度（%）"))
    def percent(self, job):
        return job.percent

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ExportChunk)
class ExportChunkAdmin(admin.ModelAdmin):
    """The chunks of feedback jobs (supervision.reports.jobs), written by the Celery tasks;
    here only looked at (which chunk of a stalled job has not finished)."""

    list_display = ["job", "index", "done", "total", "finished_at"]
    search_fields = ["job__created_by__username", "job__file"]
    list_select_related = ["job"]
    readonly_fields = ["deputy_ids"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the scheduled jobs: looked at here, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ShortfallFlag)
class ShortfallFlagAdmin(ReadOnlyAdmin):
    list_display = ["deputy", "year", "rule_code", "opened_at", "resolved_at"]
    list_filter = ["year", "rule_code"]
    list_select_related = ["deputy"]
    search_fields = ["deputy__name", "deputy__code"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "period", "subject", "created_at", "read_at", "delivery"]
    list_filter = ["kind", "delivery"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "subject"]


@admin.register(NotificationSetting)
class NotificationSettingAdmin(admin.ModelAdmin):
    list_display = ["user", "email"]
    list_select_related = ["user"]
    search_fields = ["user__username"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email"]
    list_filter = ["kind", "email"]
    list_select_related = ["user"]
    search_fields = ["user__username", "kind"]


@admin.register(ClosedYearFigures)
class ClosedYearFiguresAdmin(ReadOnlyAdmin):
    """Kept by the dashboard; deleting a row only makes the next page compute it again."""

    list_display = ["closed_year", "term", "computed_at"]
    list_select_related = ["closed_year", "term"]


@admin.register(LedgerImportJob)
class LedgerImportJobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_by", "created_at", "term_name", "dry_run", "state", "phase"]
    list_filter = ["state", "dry_run"]
    list_select_related = ["created_by"]
    exclude = ["result"]  # a whole preview, kept for its job page


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "started_at", "finished_at", "succeeded"]
    list_filter = ["name", "succeeded"]


@admin.register(SelfReport)
class SelfReportAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "kind", "date", "status", "submitted_at", "reviewed_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["deputy", "reviewed_by"]
    search_fields = ["deputy__name", "deputy__code", "title"]
    autocomplete_fields = ["deputy"]
    raw_id_fields = ["communication", "participation"]
    filter_horizontal = ["constituents"]


@admin.register(RecordFlag)
class RecordFlagAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "year", "kind", "rule_code", "status", "created_at"]
    list_filter = ["kind", "status", "year"]
    list_select_related = ["deputy"]
    search_fields = ["deputy__name", "deputy__code", "comment"]
    autocomplete_fields = ["deputy"]


@admin.register(PointWeight)
class PointWeightAdmin(admin.ModelAdmin):
    """The weights of the optional points view (履职积分), edited here by the office."""

    list_display = ["label", "kind", "points", "order"]
    list_editable = ["points", "order"]
    search_fields = ["label", "kind"]


# 导出记录 (issue 7.3): rows are only ever added, by the exports themselves.
from supervision.models import ExportLog  # noqa: E402


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "kind", "description", "rows", "masked", "ip_address"]
    list_filter = ["kind", "masked"]
    search_fields = ["username", "description"]
    date_hierarchy = "at"

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClosedYear)
class ClosedYearAdmin(SimpleHistoryAdmin):
    """Read-only here: closing and re-opening ask for a reason on /supervision/closed-years/."""

    list_display = ["year", "closed_at", "closed_by", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# 考核规则版本 (supervision.rulesets): shown here, changed only on /rulesets/, where every
# change asks for a reason and a version that judged a closed year stays as it was.
from supervision.models import RuleSet, RuleSetRule, YearJudgement  # noqa: E402


class _RuleSetsReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RuleSet)
class RuleSetAdmin(_RuleSetsReadOnly):
    list_display = ["name", "effective_date", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["name", "source_document"]


@admin.register(RuleSetRule)
class RuleSetRuleAdmin(_RuleSetsReadOnly):
    list_display = ["ruleset", "order", "code", "short_name", "period", "quota"]
    list_filter = ["ruleset", "period"]
    list_select_related = ["ruleset"]
    search_fields = ["code", "short_name"]


@admin.register(YearJudgement)
class YearJudgementAdmin(_RuleSetsReadOnly):
    list_display = ["year", "ruleset", "judged_by", "judged_at"]
    list_select_related = ["ruleset", "judged_by"]
    search_fields = ["reason"]
