"""The leadership dashboard (领导驾驶舱): read-only, for leadership and office staff."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from deputies.scopes import can_export_evaluation
from jdrenda.params import year_param
from supervision.dashboard import services as dashboard

# The charts' words, translated here: dashboard.js holds no user-facing text of its own.
CHART_LABELS = {
    "rate": _("达标率"),
    "met_all": _("全部达标"),
    "shortfall": _("有未达标项"),
    "met_all_rate": _("全部达标率"),
    "shortfall_people": _("有未达标项人数"),
    "people": _("人"),
    "click": _("点击查看名单"),
    "year": _("年"),
    "handling": _("答复时限"),
    "satisfaction": _("满意度"),
    "pieces": _("件"),
    "none": _("暂无数据"),
}

# A running year has no 未达标 (DESIGN "Status as of a date"): the deputies not yet meeting
# every rule are 进行中/预警, and the charts say so.
RUNNING_LABELS = {"shortfall": _("尚未全部完成")}

HANDLING_LABELS = {
    "on_time": _("按时答复"),
    "late": _("逾期答复"),
    "overdue": _("逾期未答复"),
    "pending": _("办理期内"),
}


def _year(request) -> int:
    return year_param(request) or dashboard.default_year()


def deputy_list_url(year: int, term_id: int, delegation_id: int, compliance: str = "") -> str:
    """The deputies list narrowed to one delegation of the term (and 达标/未达标) in `year`;
    the parameter names are deputies.selectors.DeputyFilters'."""
    params = {"term": term_id, "delegation": delegation_id, "year": year}
    if compliance:
        params["compliance"] = compliance
    return f"{reverse('deputies:list')}?{urlencode(params)}"


def _charts(summary: dict) -> dict:
    """What dashboard.js draws (the tables on the page show the same numbers)."""
    if summary["term"] is None:
        return {}
    figures = summary["figures"]
    keys = ("name", "met_all", "shortfall", "pct", "url", "met_url", "shortfall_url")
    delegations = [{k: d[k] for k in keys} for d in _delegation_rows(summary)]
    proposals = summary["proposals"]
    labels = {**CHART_LABELS, **(RUNNING_LABELS if figures.get("running") else {})}
    return {
        "labels": {key: str(text) for key, text in labels.items()},
        "rules": [{"name": r["name"], "pct": r["pct"]} for r in figures["rules"]],
        "delegations": delegations,
        "trend": [
            {"year": t["year"], "pct": t.get("met_all_pct"), "shortfall": t.get("shortfall")}
            for t in summary["trend"]
        ],
        "handling": [
            {"key": key, "label": str(label), "count": proposals[key]}
            for key, label in HANDLING_LABELS.items()
        ],
        "satisfaction": [
            {"key": s["key"], "label": s["label"], "count": s["count"]}
            for s in proposals["satisfaction"]
        ],
    }


def _delegation_rows(summary: dict) -> list[dict]:
    """The table under the delegation chart: each row with its drill-down links (new dicts:
    the cached summary is shared and stays unchanged)."""
    year, term_id = summary["year"], summary["term"]["id"]
    # The complement of 全部达标: 未达标 once the year has ended, 进行中/预警 before.
    not_met = "open" if summary["figures"].get("running") else "shortfall"
    return [
        {
            **d,
            "url": deputy_list_url(year, term_id, d["id"]),
            "met_url": deputy_list_url(year, term_id, d["id"], "met"),
            "shortfall_url": deputy_list_url(year, term_id, d["id"], not_met),
        }
        for d in summary["figures"]["delegations"]
    ]


@login_required
def dashboard_view(request):
    if not can_export_evaluation(request.user):
        raise Http404
    summary = dashboard.summary(_year(request))
    context = {"s": summary, "year": summary["year"]}
    if summary["term"]:
        context["delegations"] = _delegation_rows(summary)
        context["charts"] = _charts(summary)
    return render(request, "supervision/dashboard/index.html", context)
