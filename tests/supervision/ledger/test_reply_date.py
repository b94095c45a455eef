"""答复日期 on the 议案建议 sheet (issue 14, item 7): optional, fed to the on-time rate;
a blank cell keeps the stored date, （清空） clears it, and a date before 提出日期 is refused.
Units the ledger names become 主办 units with the default 办理期限."""

from datetime import date

import pytest

from proposals.models import Proposal
from supervision.ledger import import_ledger
from supervision.ledger.schema import SHEETS
from supervision.ledger.template import build_template

from .conftest import ROSTER_HEADER, workbook_bytes

pytestmark = pytest.mark.django_db

HEADER = ["编号", "类型", "标题", "提出日期", "领衔代表编号", "承办单位", "答复日期"]
ROSTER = [ROSTER_HEADER, ["D001", "张三", "嘉定镇街道", "第一小组", "男", "是", None, None]]


def run(*rows):
    sheets = {"代表名册": ROSTER, "议案建议": [HEADER, *rows]}
    return import_ledger(workbook_bytes(sheets), "第七届")


def test_reply_date_imported_kept_when_blank_and_cleared_on_marker(term):
    result = run(["J1", "建议", "标题", "2024-01-11", "D001", "区建管委", "2024年3月1日"])
    assert result.applied, [str(e) for e in result.errors]
    proposal = Proposal.objects.get()
    assert proposal.reply_date == date(2024, 3, 1)
    [assignment] = proposal.assignments.all()
    assert (assignment.unit.name, assignment.role, assignment.due_date) == (
        "区建管委", "lead", date(2024, 4, 11),
    )  # fmt: skip
    assert run(["J1", "建议", "标题", "2024-01-11", "D001", None, None]).applied
    proposal.refresh_from_db()
    assert proposal.reply_date == date(2024, 3, 1)  # blank never erases
    assert run(["J1", "建议", "标题", "2024-01-11", "D001", None, "（清空）"]).applied
    proposal.refresh_from_db()
    assert proposal.reply_date is None


def test_reply_before_submission_refused(term):
    result = run(["J1", "建议", "标题", "2024-01-11", "D001", None, "2024-01-10"])
    assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
        ("议案建议", 2, "答复日期", "答复日期不能早于提出日期")
    ]
    assert not Proposal.objects.exists()


def test_template_has_the_column_after_the_status():
    headers = [c.value for c in build_template()["议案建议"][1]]
    assert headers == [c.header for c in SHEETS["议案建议"]]
    assert headers[headers.index("办理状态") + 1] == "答复日期"
