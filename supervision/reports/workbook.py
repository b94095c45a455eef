"""The evaluation workbook (DESIGN.md, "The evaluation workbook, the export contract").

It is the year-end evaluation: evaluate_year without an as-of date, so the full year is judged
(未达标 and 约谈告诫 even for a year still running), and its title says so (TITLE_SUFFIX)."""

from collections import defaultdict
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook

from jdrenda.percent import PERCENT_FORMAT, share
from jdrenda.xlsx import made_at, write_table
from supervision.evaluation.compliance import Evaluation
from supervision.rules import RULES, Counts, Rule

EVALUATION_SHEET = "年度履职评价"
SHORTFALL_SHEET = "未达标名单"
INTERVIEW_SHEET = "约谈告诫建议名单"
DELEGATION_SHEET = "按代表团汇总"
GROUP_SHEET = "代表小组述职报告"

IDENTITY_HEADER = ["代表编号", "姓名", "代表团", "代表小组"]
YES, NO = "是", "否"
TITLE_SUFFIX = "（按全年评价）"  # the workbook and the feedback sheets judge the full year


def workbook_title(year: int) -> str:
    return f"{year}年度代表履职评价{TITLE_SUFFIX}"


def evaluation_header(rules: "tuple[Rule, ...] | None" = None) -> list[str]:
    """The header of 年度履职评价: the rules of the evaluation's version (default: the
    version judging the current year)."""
    rules = RULES if rules is None else rules
    return [*IDENTITY_HEADER, *(rule.short_name for rule in rules), "是否达标", "未达标项",
            "约谈告诫建议"]  # fmt: skip


def version_note(evaluation: Evaluation) -> str:
    """考核依据：<the version's name>, printed with the title (the headers stay the contract's)."""
    return f"考核依据：{evaluation.version.name}" if evaluation.version else ""


def _identity(row) -> list:
    deputy = row.deputy
    return [
        deputy.code,
        deputy.name,
        deputy.delegation.name,
        deputy.group.name if deputy.group else "",
    ]


def _rate(met: int, applicable: int):
    """The rate as a number (the one rounding rule, jdrenda.percent) or 不适用."""
    return share(met, applicable) if applicable else "不适用"


def write_evaluation_workbook(evaluation: Evaluation, output) -> None:
    """Write the workbook to a path or a binary file object (openpyxl write-only mode)."""
    wb = Workbook(write_only=True)
    wb.properties.title = workbook_title(evaluation.year)
    wb.properties.subject = version_note(evaluation)
    terms = "、".join(term.name for term in evaluation.terms)
    # Printed at the top of every page (row 1 stays the header, as the contract says), with
    # the rule set version that judged the year.
    title = f"{workbook_title(evaluation.year)}　{terms}　{version_note(evaluation)}　{made_at()}"
    rules = evaluation.rules
    n_rules = len(rules)
    first_rule_col = len(IDENTITY_HEADER)

    # 年度履职评价: one row per deputy in office at any time in the year.
    rows = []
    for row in evaluation.rows:
        rows.append(
            [
                *_identity(row),
                *(result.text for result in row.results),
                YES if row.meets_all else NO,
                row.shortfall_names,
                YES if row.interview_candidate else NO,
            ]
        )

    def shortfall_cell(r: int, c: int) -> bool:
        row = evaluation.rows[r]
        if first_rule_col <= c < first_rule_col + n_rules:
            return row.results[c - first_rule_col].is_shortfall
        return c == first_rule_col + n_rules and not row.meets_all

    write_table(
        wb.create_sheet(EVALUATION_SHEET),
        evaluation_header(rules),
        rows,
        red=shortfall_cell,
        title=f"{EVALUATION_SHEET}　{title}",
        identity_columns=2,
    )

    # 未达标名单
    shortfall_rows = [
        [
            *_identity(row),
            row.shortfall_names,
            "；".join(f"{r.rule.short_name} {r.achieved}/{r.required}" for r in row.shortfalls),
        ]
        for row in evaluation.rows
        if not row.meets_all
    ]
    write_table(
        wb.create_sheet(SHORTFALL_SHEET),
        [*IDENTITY_HEADER, "未达标项", "完成情况"],
        shortfall_rows,
        title=f"{SHORTFALL_SHEET}　{title}",
        identity_columns=2,
    )

    # 约谈告诫建议名单, with the reasons.
    interview_rows = [
        [*_identity(row), "；".join(row.interview_reasons)]
        for row in evaluation.rows
        if row.interview_candidate
    ]
    write_table(
        wb.create_sheet(INTERVIEW_SHEET),
        [*IDENTITY_HEADER, "约谈告诫事由"],
        interview_rows,
        title=f"{INTERVIEW_SHEET}　{title}",
        identity_columns=2,
    )

    # 按代表团汇总: rates per delegation and rule (met / applicable), then the district.
    by_delegation = defaultdict(list)
    for row in evaluation.rows:
        by_delegation[row.deputy.delegation].append(row)
    summary_header = ["代表团", "代表人数", "全部达标人数", "全部达标率",
                      *(rule.short_name for rule in rules)]  # fmt: skip
    summary = []
    groups = sorted(by_delegation.items(), key=lambda item: (item[0].order, item[0].name))
    groups.append((None, evaluation.rows))
    for delegation, members in groups:
        met_all = sum(1 for m in members if m.meets_all)
        summary.append(
            [
                delegation.name if delegation else _("全区合计"),
                len(members),
                met_all,
                _rate(met_all, len(members)),
                *(_rate(*evaluation.rate(rule, members)) for rule in rules),
            ]
        )
    ws = wb.create_sheet(DELEGATION_SHEET)
    write_table(
        ws,
        summary_header,
        summary,
        title=f"{DELEGATION_SHEET}　{title}",
        identity_columns=1,
        float_format=PERCENT_FORMAT,
    )

    # 代表小组述职报告: each group's reports to constituents and its annual report (Art. 26).
    reported = defaultdict(int)
    members_in_year = defaultdict(int)
    for row in evaluation.rows:
        if row.deputy.group_id:
            members_in_year[row.deputy.group_id] += 1
            report = next(
                (
                    r
                    for r in row.results
                    if r.rule.counts == Counts.CONSTITUENCY_REPORTS and r.achieved
                ),
                None,
            )
            if report:
                reported[row.deputy.group_id] += 1
    group_rows = [
        [
            status.group.delegation.name,
            status.group.name,
            status.group.leader.name if status.group.leader else "",
            members_in_year[status.group.pk],
            reported[status.group.pk],
            status.status,
            status.submitted_date.isoformat() if status.submitted_date else "",
        ]
        for status in evaluation.groups
    ]
    write_table(
        wb.create_sheet(GROUP_SHEET),
        ["代表团", "代表小组", "组长", "代表人数", "本届已向选民述职人数", "年度报告", "报送日期"],
        group_rows,
        title=f"{GROUP_SHEET}　{title}",
        identity_columns=2,
    )
    wb.save(output)


def export_filename(year: int) -> str:
    return f"{year}年度代表履职评价.xlsx"


def export_to_path(evaluation: Evaluation, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_evaluation_workbook(evaluation, path)
    return path
