"""The app's models, defined in each capability's own models module and gathered here
(Django looks for an app's models in `supervision.models`; migrations name them from here)."""

from supervision.closing.models import ClosedYear, ClosedYearFigures
from supervision.documents.models import ReportDraft
from supervision.export_log.models import ExportLog
from supervision.notifications.models import (
    Notification,
    NotificationPreference,
    NotificationSetting,
    ShortfallFlag,
)
from supervision.records.models import (
    Award,
    ConstituencyReport,
    GroupAnnualReport,
    Interview,
    PointWeight,
)
from supervision.reports.models import ExportChunk, ExportJob, JobRun
from supervision.rulesets.models import (
    HistoricalRuleSet,
    HistoricalRuleSetRule,
    HistoricalYearJudgement,
    RuleSet,
    RuleSetRule,
    YearJudgement,
)
from supervision.self_reports.models import RecordFlag, SelfReport

# isort: off
# Last: importing supervision.ledger loads the import itself, which needs the models above.
from supervision.ledger.models import LedgerImportJob
# isort: on

__all__ = [
    "ClosedYearFigures",
    "ConstituencyReport",
    "GroupAnnualReport",
    "Interview",
    "Award",
    "PointWeight",
    "ExportJob",
    "ExportChunk",
    "JobRun",
    "ShortfallFlag",
    "Notification",
    "NotificationSetting",
    "NotificationPreference",
    "SelfReport",
    "RecordFlag",
    "ExportLog",
    "LedgerImportJob",
    "ClosedYear",
    "ReportDraft",
    "RuleSet",
    "RuleSetRule",
    "YearJudgement",
    "HistoricalRuleSet",
    "HistoricalRuleSetRule",
    "HistoricalYearJudgement",
]
