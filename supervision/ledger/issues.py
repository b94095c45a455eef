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


@dataclass
class SheetStats:
    name: str
    rows: int = 0  # non-empty data rows read
    created: int = 0  # records new to the database
    updated: int = 0  # records present whose values the workbook changes
    unchanged: int = 0  # records present and identical
    duplicates: int = 0  # rows repeating a record already given above
    warnings: int = 0


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
