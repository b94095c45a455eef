"""What an import reports: errors and warnings by sheet, row and column, and counts per sheet."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Issue:
    sheet: str  # "" for the file as a whole
    row: int  # as Excel shows it; 0 for the file as a whole
    column: str
    message: str

    def __str__(self):
        if not self.sheet:
            return self.message
        if self.column:
            return _("工作表 %(sheet)s 第 %(row)s 行 「%(column)s」：%(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("工作表 %(sheet)s 第 %(row)s 行：%(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "message": self.message,
        }


# What one data row of each sheet is, for counts that say what they count (issue 13).
RECORD_NOUNS = {
    "届次": "届次",
    "代表名册": "代表任职记录",
    "暂停职务": "暂停职务记录",
    "大会会议": "出席记录",
    "大会发言": "发言记录",
    "履职活动": "活动参加记录",
    "联系选民": "联系选民记录",
    "联系代表": "联系代表记录",
    "议案建议": "议案建议",
    "向选民述职": "述职记录",
}


@dataclass
class SheetStats:
    name: str
    rows: int = 0  # non-empty data rows read
    created: int = 0  # records new to the database
    updated: int = 0  # records present whose values the workbook changes
    unchanged: int = 0  # records present and identical
    duplicates: int = 0  # rows repeating a record already given above
    warnings: int = 0
    counted: bool = True  # False: the sheet has errors, its rows were not counted
    # A few records as they will be saved: [(新增/更新, record text, [(field, old, new)])]
    samples: list = field(default_factory=list)

    @property
    def summary(self) -> str:
        """E.g. "新增 12 条出席记录，更新 3 条，不变 40 条" (one record per data row)."""
        if not self.counted:
            return _("本表有错误，未计数")
        text = _("新增 %(created)s 条%(noun)s，更新 %(updated)s 条，不变 %(unchanged)s 条") % {
            "created": self.created,
            "noun": _(RECORD_NOUNS.get(self.name, "记录")),
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.duplicates:
            text += _("；重复行 %(n)s 行（只计一次）") % {"n": self.duplicates}
        return text


@dataclass
class LedgerResult:
    term_name: str
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    sheets: dict = field(default_factory=dict)  # sheet name -> SheetStats, in workbook order
    applied: bool = False  # True once saved (never for a dry run or with errors)

    @property
    def ok(self) -> bool:
        return not self.errors
