"""Group leaders' pages, the award pre-screening and the points view (履职积分).

Each view checks the role (404 for a role that may not use the page, as elsewhere), looks
objects up in the user's scope, calls one selector in supervision.groups.selectors or
supervision.records.points, and renders.
"""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from deputies.models import Delegation
from deputies.scopes import can_export_evaluation, deputies_visible_to, user_scope
from jdrenda import listing
from jdrenda.params import int_param, text_param
from planner.selectors import reminder_panel
from supervision.evaluation import compliance
from supervision.evaluation.compliance import Status, evaluate_year, terms_for_year
from supervision.groups import selectors as leaders
from supervision.models import Award
from supervision.records import points
from supervision.records import services as records
from supervision.records.views import _require, _year, _years

# --- group leaders' pages ---------------------------------------------------------------------

# By the number in the name (第二 before 第十), not as text (DeputyGroup's ordering).
GROUP_SORTS = {
    "group": ("number", "name"),
    "delegation": ("delegation__order", "number", "name"),
}


@login_required
def group_list(request):
    """The groups in the user's scope for the year: members, 全部达标, report, pending."""
    _require(leaders.can_use_group_pages(request.user))
    year = _year(request)
    groups = leaders.groups_for_leaders_page(request.user).filter(term__in=terms_for_year(year))
    groups, current = listing.sort(request, groups, GROUP_SORTS, "delegation")
    if listing.wants_xlsx(request):
        header = [
            _("代表小组"),
            _("代表团"),
            _("组长"),
            _("组员"),
            _("全部达标"),
            _("年度报告"),
            _("待审核填报"),
        ]
        data = (
            [
                s.group.name,
                s.group.delegation.name,
                s.group.leader.name if s.group.leader else "",
                s.members,
                f"{s.met}/{s.evaluated}",
                s.report_status,
                s.pending,
            ]
            for s in leaders.group_summaries(list(groups), year)
        )
        return listing.xlsx_response(_("%(y)s年代表小组履职.xlsx") % {"y": year}, header, data)
    page = listing.paginate(request, groups)
    as_of = compliance.as_of_today()
    context = {
        "page": page,
        "rows": leaders.group_summaries(list(page), year, as_of),
        "sort": current,
        "year": year,
        "years": _years(),
        "as_of": as_of,
        "running": as_of <= date(year, 12, 31),
    }
    return render(request, "supervision/groups/list.html", context)


@login_required
def group_detail(request, pk):
    _require(leaders.can_use_group_pages(request.user))
    group = get_object_or_404(leaders.groups_for_leaders_page(request.user), pk=pk)
    year = _year(request)
    table = leaders.group_table(group, year)
    reportable = records.groups_reportable_by(request.user).filter(pk=group.pk).exists()
    context = {
        "table": table,
        "group": group,
        "year": year,
        "years": [y for y in _years() if y in group.term.years()] or [year],
        "can_submit": reportable and year in group.term.years(),
        "reviews_url": leaders.reviews_url(group.pk),
        # Issue 16: the members behind, for the group's own leader to remind (planner app).
        "reminder": reminder_panel(request.user, group, table),
    }
    return render(request, "supervision/groups/detail.html", context)


# --- award pre-screening (Art. 28) ------------------------------------------------------------


def _office_or_leadership(user) -> bool:
    return can_export_evaluation(user)


@login_required
def award_candidates(request):
    """积极履职代表 candidates (?list=deputies, default) or 优秀代表建议 (?list=proposals)."""
    _require(_office_or_leadership(request.user))
    year = _year(request)
    which = "proposals" if request.GET.get("list") == "proposals" else "deputies"
    can_record = records.can_record_awards(request.user)
    if which == "deputies":
        rows = leaders.active_deputy_candidates(year)
        if listing.wants_xlsx(request):
            return _deputy_candidates_xlsx(year, rows)
        basis = leaders.ACTIVE_BASIS
    else:
        rows = leaders.proposal_candidates(year)
        if listing.wants_xlsx(request):
            return _proposal_candidates_xlsx(year, rows)
        basis = leaders.PROPOSAL_BASIS
    page = listing.paginate(request, rows)
    offset = page.start_index() - 1 if page.paginator.count else 0
    context = {
        "page": page,
        "list": which,
        "year": year,
        "years": _years(),
        "basis": basis,
        "offset": offset,
        "can_record": can_record,
        "kinds": Award.Kind,
    }
    return render(request, "supervision/groups/award_candidates.html", context)


def _deputy_candidates_xlsx(year, rows):
    header = [
        _("排名"),
        _("代表编号"),
        _("姓名"),
        _("代表团"),
        _("代表小组"),
        _("履职活跃度"),
        _("完成数合计"),
        _("按届项目进行中"),
        _("已表彰"),
    ]
    data = (
        [
            c.rank,
            c.deputy.code,
            c.deputy.name,
            c.deputy.delegation.name,
            c.deputy.group.name if c.deputy.group else "",
            float(round(c.activity, 2)),
            c.records,
            c.in_progress,
            _("是") if c.awarded else _("否"),
        ]
        for c in rows
    )
    return listing.xlsx_response(_("%(y)s年积极履职代表候选.xlsx") % {"y": year}, header, data)


def _proposal_candidates_xlsx(year, rows):
    header = [
        _("排名"),
        _("编号"),
        _("类型"),
        _("标题"),
        _("领衔代表"),
        _("代表团"),
        _("满意度"),
        _("办理态度"),
        _("办理结果"),
        _("附议人数"),
        _("已表彰"),
    ]
    data = (
        [
            i,
            p.number,
            p.get_kind_display(),
            p.title,
            p.lead.name,
            p.lead.delegation.name,
            p.evaluation.get_overall_display(),
            p.evaluation.get_attitude_display(),
            p.evaluation.get_result_display(),
            p.n_cosigners,
            _("是") if p.awarded else _("否"),
        ]
        for i, p in enumerate(rows, start=1)
    )
    return listing.xlsx_response(_("%(y)s年优秀代表建议候选.xlsx") % {"y": year}, header, data)


# --- points (履职积分) -------------------------------------------------------------------------

MET_ORDER = {Status.MET: 3, Status.IN_PROGRESS: 2, Status.WARNING: 1, Status.SHORTFALL: 0}

POINT_SORTS = {
    "score": lambda r: r.score,
    "code": lambda r: r.deputy.code,
    "name": lambda r: r.deputy.name,
    "delegation": lambda r: (r.deputy.delegation.order, r.deputy.delegation.name),
    # 达标 first when descending: 达标 > 进行中 > 预警 > 未达标 (as of today).
    "met": lambda r: MET_ORDER[r.evaluation.overall],
}


def _sort_rows(request, rows, default="-score"):
    key = request.GET.get("sort") or default
    if key.lstrip("-") not in POINT_SORTS:
        key = default
    # Ties stay in code order whatever the direction (Python's sort is stable, reversed too).
    rows.sort(key=lambda r: r.deputy.code)
    rows.sort(key=POINT_SORTS[key.lstrip("-")], reverse=key.startswith("-"))
    return rows, key


@login_required
def points_view(request):
    """Per-deputy score beside the rule-by-rule status, in the user's scope."""
    _require(_office_or_leadership(request.user))
    year = _year(request)
    delegation = int_param(request, "delegation")
    q = text_param(request, "q")
    visible = deputies_visible_to(request.user)
    if delegation:
        visible = visible.filter(delegation_id=delegation)
    if q:
        visible = visible.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(name_initials__startswith=q.lower())
        )
    narrowed = delegation or q or not user_scope(request.user).district_wide
    ids = visible.values("pk") if narrowed else None
    weight_list = points.weights()
    evaluation = evaluate_year(year, deputy_ids=ids, as_of=compliance.as_of_today())
    rows = points.score_rows(year, evaluation.rows, ids, weight_list)
    rows, current = _sort_rows(request, rows)
    if listing.wants_xlsx(request):
        return _points_xlsx(year, rows, weight_list)
    context = {
        "page": listing.paginate(request, rows),
        "sort": current,
        "year": year,
        "years": _years(),
        "q": q,
        "delegation": delegation,
        "delegations": Delegation.objects.all(),
        "weights": weight_list,
        "rule_count": len(evaluation.rules),
        "rule_version": evaluation.version,
        "as_of": evaluation.as_of,
        "running": evaluation.running,
    }
    return render(request, "supervision/records/points.html", context)


def _met_text(status) -> str:
    """是否达标: 是/否 once the year is judged; 进行中/预警 while it runs."""
    return {Status.MET: _("是"), Status.SHORTFALL: _("否")}.get(status) or status.label


def _points_xlsx(year, rows, weight_list):
    header = [
        _("排名"),
        _("代表编号"),
        _("姓名"),
        _("代表团"),
        _("是否达标"),
        _("未达标项"),
        _("积分"),
    ] + [f"{w.label}（{w.points_text}分）" for w in weight_list]
    data = (
        [
            r.rank,
            r.deputy.code,
            r.deputy.name,
            r.deputy.delegation.name,
            _met_text(r.evaluation.overall),
            r.evaluation.shortfall_names,
            float(r.score),
        ]
        + [r.counts.get(w.code, 0) for w in weight_list]
        for r in rows
    )
    return listing.xlsx_response(_("%(y)s年履职积分.xlsx") % {"y": year}, header, data)
