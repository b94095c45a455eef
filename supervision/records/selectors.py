"""Reads for the records pages: each list's rows in the user's scope, and the table its
xlsx download holds (the same rows, the same order)."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from deputies.scopes import deputies_visible_to, records_visible_to
from supervision.evaluation import compliance
from supervision.evaluation.compliance import evaluate_year, terms_for_year
from supervision.models import ConstituencyReport, GroupAnnualReport, Interview
from supervision.records import services as records


@dataclass
class Table:
    """An xlsx download: its header row and its data rows."""

    header: list[str]
    rows: object  # an iterable of lists


def constituency_reports(user, year: int, delegation: int | None, query: str):
    qs = records_visible_to(user, ConstituencyReport.objects.all()).filter(date__year=year)
    qs = qs.select_related("deputy", "deputy__delegation")
    if delegation:
        qs = qs.filter(deputy__delegation_id=delegation)
    if query:
        qs = qs.filter(Q(deputy__name__icontains=query) | Q(deputy__code__icontains=query))
    return qs


def constituency_report_table(qs) -> Table:
    header = [_("日期"), _("代表编号"), _("姓名"), _("代表团"), _("形式"), _("内容摘要")]
    rows = (
        [
            r.date,
            r.deputy.code,
            r.deputy.name,
            r.deputy.delegation.name,
            r.get_form_display(),
            r.summary,
        ]  # fmt: skip
        for r in qs
    )
    return Table(header, rows)


def visible_delegation_ids(user):
    return deputies_visible_to(user).values("delegation_id")


def group_report_rows(user, groups, year: int, status: str) -> list[dict]:
    """One row per group: its report of `year` (if any), the report's status (已报送, 逾期报送,
    未报送) and whether `user` may submit it; only rows of `status` when one is given."""
    reports = {
        r.group_id: r
        for r in GroupAnnualReport.objects.filter(year=year, group__in=groups).select_related(
            "submitted_by"
        )
    }
    reportable = set(records.groups_reportable_by(user).values_list("pk", flat=True))
    rows = []
    for group in groups:
        report = reports.get(group.pk)
        group_status = records.group_report_status(report.submitted_date if report else None, year)
        if status and group_status != status:
            continue
        rows.append(
            {
                "group": group,
                "report": report,
                "status": group_status,
                "can_submit": group.pk in reportable,
            }  # fmt: skip
        )
    return rows


def groups_for_year(user, year: int):
    return records.groups_visible_to(user).filter(term__in=terms_for_year(year))


def group_report_table(rows: list[dict]) -> Table:
    header = [_("代表小组"), _("代表团"), _("组长"), _("状态"), _("报送日期"), _("报告内容")]
    data = (
        [
            r["group"].name,
            r["group"].delegation.name,
            r["group"].leader.name if r["group"].leader else "",
            r["status"],
            r["report"].submitted_date if r["report"] else None,
            r["report"].content if r["report"] else "",
        ]
        for r in rows
    )
    return Table(header, data)


@dataclass
class Candidates:
    rows: list
    done: set  # deputy ids already interviewed or warned this year
    recordable: set  # deputy ids the user may record an interview for
    as_of: object
    running: bool


def interview_candidates(user, year: int) -> Candidates:
    """evaluate_year's interview candidates for the year as of today, in the user's scope:
    none while the year runs (DESIGN "Status as of a date")."""
    as_of = compliance.as_of_today()
    ids = list(deputies_visible_to(user).values_list("pk", flat=True))
    evaluation = evaluate_year(year, deputy_ids=ids, as_of=as_of)
    rows = [row for row in evaluation.rows if row.interview_candidate]
    recordable = set(records.interview_deputies(user).values_list("pk", flat=True))
    done = set(
        Interview.objects.filter(year=year, deputy_id__in=[r.deputy.pk for r in rows]).values_list(
            "deputy_id", flat=True
        )
    )
    return Candidates(rows, done, recordable, as_of, evaluation.running)


def candidate_table(candidates: Candidates) -> Table:
    header = [_("代表编号"), _("姓名"), _("代表团"), _("代表小组"), _("事由"), _("已约谈告诫")]
    data = (
        [
            r.deputy.code,
            r.deputy.name,
            r.deputy.delegation.name,
            r.deputy.group.name if r.deputy.group else "",
            "；".join(r.interview_reasons),
            _("是") if r.deputy.pk in candidates.done else _("否"),
        ]
        for r in candidates.rows
    )
    return Table(header, data)


def interviews(user, year: int, kind: str):
    qs = records_visible_to(user, Interview.objects.filter(year=year))
    qs = qs.select_related("deputy", "deputy__delegation")
    if kind in Interview.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def interview_table(qs) -> Table:
    header = [_("日期"), _("代表编号"), _("姓名"), _("代表团"), _("方式"), _("实施主体"),
              _("事由"), _("后续情况")]  # fmt: skip
    rows = (
        [
            i.date,
            i.deputy.code,
            i.deputy.name,
            i.deputy.delegation.name,
            i.get_kind_display(),
            i.get_conducted_by_display(),
            i.reasons,
            i.follow_up,
        ]  # fmt: skip
        for i in qs
    )
    return Table(header, rows)


def awards(user, year: int | None, kind: str):
    qs = records.awards_visible_to(user)
    if year:
        qs = qs.filter(year=year)
    if kind in records.Award.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def award_table(qs) -> Table:
    header = [_("年度"), _("类别"), _("代表"), _("议案建议"), _("说明")]
    rows = (
        [
            a.year,
            a.get_kind_display(),
            a.deputy.name if a.deputy else "",
            f"{a.proposal.number} {a.proposal.title}" if a.proposal else "",
            a.note,
        ]
        for a in qs
    )
    return Table(header, rows)
