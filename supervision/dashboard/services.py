"""The leadership dashboard's figures: everything the page shows, as plain numbers, cached.

Computing a year costs one evaluate_year (about 2 s at 20,000 deputies), so the figures are
kept in Django's cache (Redis in production, local memory in development) under a key holding
the term, the year and a *data version*. Any change to a record that counts bumps the version
(signals registered in SupervisionConfig.ready(), plus an explicit bump_data_version() after
bulk writes that bypass signals: the ledger import, seed_demo, the weekly scan), so the next
request computes fresh figures and older entries simply expire. The page does not wait for
them: `summary` shows the last figures (marked with their time) while a Celery task
recomputes (stale-while-revalidate, see there).

The figures of one evaluated year (`year_figures`) are cached on their own: the trend across
the term reads every elapsed year's, and the page for another year reuses them. Proposal
handling depends on today's date (a reply becomes overdue by waiting), so the page summary's
key also holds the date.

On time (按时答复): a proposal is answered on time when its reply date is not after its due
date: the latest 办理期限 of its 主办 units (proposals.Assignment), or, where none is set,
ON_TIME_MONTHS months after its submission date (the practice for 代表建议: a reply within
three months of being assigned). The on-time rate counts only proposals whose due date has
passed (issue 14): one answered early while its time still runs is counted once it is due,
so the rate does not rise early in the year on the quick answers alone.
"""

from __future__ import annotations

import calendar
import time
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Delegation, DeputyGroup, Term
from jdrenda.percent import percent
from jdrenda.queue import enqueue
from proposals.models import Assignment, Proposal, Satisfaction
from supervision.closing.services import closed_years
from supervision.evaluation import compliance
from supervision.evaluation.compliance import Status, _rows, evaluate_year
from supervision.models import ClosedYear, ClosedYearFigures, GroupAnnualReport
from supervision.rules import Period

VERSION_KEY = "dashboard:data-version"
ON_TIME_MONTHS = 3
YEAR_TIMEOUT = 7 * 24 * 3600  # a stale version's entries are never read again; let them go
SUMMARY_TIMEOUT = 24 * 3600
# The last summary of a year, shown (marked stale) while a newer one is computed.
LATEST_TIMEOUT = 30 * 24 * 3600
# A recomputation takes ~10 s at city scale; a lock older than the task's time limit belongs
# to a worker that died, and expires so the next request queues another.
REFRESH_LOCK_TIMEOUT = 15 * 60


# ---------------------------------------------------------------------------------------------
# Data version


def _new_version() -> None:
    # A fresh random-enough value rather than an increment, so a version key lost from the
    # cache (eviction, restart) can never come back equal to an older one.
    cache.set(VERSION_KEY, time.time_ns(), None)


def bump_data_version() -> None:
    """Invalidate every cached figure: the next dashboard request computes afresh.

    Now, so this process sees the change at once; and again after the transaction commits,
    so figures computed meanwhile by another request (which could not see the uncommitted
    rows) are not kept. One after-commit bump per transaction, however many rows it writes."""
    _new_version()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        item[1] is _new_version for item in connection.run_on_commit
    ):
        transaction.on_commit(_new_version)


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def _record_changed(sender=None, **kwargs) -> None:
    bump_data_version()


def counted_models() -> list:
    """Every model whose rows change a figure of the dashboard."""
    from activities.models import (
        Activity,
        Attendance,
        Communication,
        LiaisonCommunication,
        Meeting,
        Participation,
        Speech,
    )
    from deputies.models import (
        Constituent,
        Delegation,
        Deputy,
        DeputyGroup,
        LiaisonAssignment,
        ServicePeriod,
        Suspension,
        Termination,
    )
    from proposals.models import Assignment, Cosignature, ProposalEvaluation
    from supervision.models import ConstituencyReport, GroupAnnualReport

    return [
        Attendance, Meeting, Speech, Participation, Activity, Communication,
        Communication.constituents.through, LiaisonCommunication, Proposal, Cosignature,
        ProposalEvaluation, ConstituencyReport, GroupAnnualReport, ServicePeriod, Suspension,
        Termination, Deputy, Term, Delegation, DeputyGroup, Constituent, LiaisonAssignment,
        Assignment,  # a 主办 unit's 办理期限 moves the on-time figures
    ]  # fmt: skip


def connect_signals() -> None:
    from activities.models import Communication

    for model in counted_models():
        uid = f"dashboard-{model._meta.label_lower}"
        post_save.connect(_record_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=uid + "-delete")
    m2m_changed.connect(
        _record_changed,
        sender=Communication.constituents.through,
        dispatch_uid="dashboard-communication-constituents",
    )


# ---------------------------------------------------------------------------------------------
# One evaluated year


def _pct(part: int, whole: int) -> float | None:
    # The one rounding rule of every percentage shown (jdrenda.percent): half up, 1 decimal.
    return percent(part, whole)


def as_of_key(year: int, as_of: date | None) -> str:
    """The part of a cache key that depends on the as-of date: a running year's figures
    change with the day (进行中 turns 预警), an ended year's do not."""
    if as_of is None or as_of > date(year, 12, 31):
        return "final"
    return as_of.isoformat()


def compute_year_figures(year: int, term: Term, evaluation=None, as_of: date | None = None) -> dict:
    """The compliance figures of one year of a term, from one evaluation (as of `as_of`:
    a running year has no 未达标, its unfinished deputies count as 进行中/预警)."""
    evaluation = evaluation or evaluate_year(year, term, as_of=as_of)
    rules = evaluation.rules
    n_rules = len(rules)
    met, applicable = [0] * n_rules, [0] * n_rules
    short, warn = [0] * n_rules, [0] * n_rules
    delegations: dict[int, dict] = {}
    totals = {"deputies": 0, "met_all": 0, "shortfall": 0, "warning": 0, "candidates": 0,
              "open": 0}  # fmt: skip
    for row in evaluation.rows:
        if row.term.pk != term.pk:
            continue
        delegation = row.deputy.delegation
        d = delegations.get(delegation.pk)
        if d is None:
            d = delegations[delegation.pk] = {
                "id": delegation.pk,
                "name": delegation.name,
                "order": (delegation.order, delegation.name),
                "deputies": 0,
                "met_all": 0,
                "candidates": 0,
                "met": [0] * n_rules,
                "applicable": [0] * n_rules,
            }
        has_short = has_warn = False
        d_met, d_app = d["met"], d["applicable"]
        for i, result in enumerate(row.results):
            if not result.applies:
                continue
            applicable[i] += 1
            d_app[i] += 1
            status = result.status
            if status == Status.MET:
                met[i] += 1
                d_met[i] += 1
            elif status == Status.SHORTFALL:
                short[i] += 1
                has_short = True
            elif status == Status.WARNING:
                warn[i] += 1
                has_warn = True
        totals["deputies"] += 1
        d["deputies"] += 1
        # Running year: a deciding rule still open (进行中/预警) is not yet 全部达标.
        has_open = not has_short and row.running and bool(row.open_results)
        if not has_short and not has_open:
            totals["met_all"] += 1
            d["met_all"] += 1
        totals["open"] += has_open
        totals["shortfall"] += has_short
        totals["warning"] += has_warn
        if row.interview_reasons:
            totals["candidates"] += 1
            d["candidates"] += 1

    rules = [
        {
            "code": rule.code,
            "name": rule.short_name,
            "article": rule.article_text,
            "period": str(_("每届")) if rule.period == Period.TERM else str(_("每年")),
            "met": met[i],
            "applicable": applicable[i],
            "shortfall": short[i],
            "warning": warn[i],
            "pct": _pct(met[i], applicable[i]),
        }
        for i, rule in enumerate(rules)
    ]
    delegation_rows = []
    for d in sorted(delegations.values(), key=lambda d: d["order"]):
        delegation_rows.append(
            {
                "id": d["id"],
                "name": d["name"],
                "deputies": d["deputies"],
                "met_all": d["met_all"],
                "shortfall": d["deputies"] - d["met_all"],
                "candidates": d["candidates"],
                "pct": _pct(d["met_all"], d["deputies"]),
                "rule_pcts": [_pct(m, a) for m, a in zip(d["met"], d["applicable"], strict=True)],
            }
        )
    # Counted in the database: the term's 4,000 groups as model instances cost 0.4 s at
    # city scale, for three numbers.
    reports = GroupAnnualReport.objects.filter(group__term=term, year=year).aggregate(
        submitted=Count("pk", filter=Q(submitted_date__isnull=False)),
        late=Count("pk", filter=Q(submitted_date__gt=date(year, 12, 31))),
    )
    submitted, late = reports["submitted"], reports["late"]
    n_groups = DeputyGroup.objects.filter(term=term).count()
    running = evaluation.running
    return {
        "year": year,
        "term_id": term.pk,
        "running": running,
        "as_of": evaluation.as_of if running else None,
        **totals,
        "met_all_pct": _pct(totals["met_all"], totals["deputies"]),
        "rules": rules,
        "delegations": delegation_rows,
        "groups": {"total": n_groups, "submitted": submitted, "late": late},
        "computed_at": timezone.now(),
    }


def _year_key(year: int, term: Term, version: int, as_of: date | None) -> str:
    return f"dashboard:year:{term.pk}:{year}:{version}:{as_of_key(year, as_of)}"


def year_figures(
    year: int, term: Term, version: int | None = None, as_of: date | None = None
) -> dict:
    version = data_version() if version is None else version
    if year in closed_years():
        return closed_year_figures(year, term, version)
    key = _year_key(year, term, version, as_of)
    figures = cache.get(key)
    if figures is None:
        figures = compute_year_figures(year, term, as_of=as_of)
        cache.set(key, figures, YEAR_TIMEOUT)
    return figures


def closed_year_figures(year: int, term: Term, version: int) -> dict:
    """A closed year's figures, computed once and kept in the database with its closing: a
    write elsewhere (a new data version) never recomputes them, nor does a lost cache. Only
    a correction under override drops them (closing.services.refuse_or_allow)."""
    closed = ClosedYear.objects.filter(year=year).first()
    kept = ClosedYearFigures.objects.filter(closed_year=closed, term=term).first()
    if kept is None:
        figures = compute_year_figures(year, term)
        computed_at = figures.pop("computed_at")
        # Kept only if nothing was written meanwhile: a correction committed while this was
        # computing would otherwise be hidden for good.
        if closed is not None and data_version() == version:
            kept, _created = ClosedYearFigures.objects.get_or_create(
                closed_year=closed,
                term=term,
                defaults={"figures": figures, "computed_at": computed_at},
            )
        else:
            return {**figures, "computed_at": computed_at}
    figures = {**kept.figures, "computed_at": kept.computed_at}
    # Names and order are today's (a delegation renamed after the closing), the counts the
    # closed year's.
    delegations = {d.pk: d for d in Delegation.objects.all()}
    rows = [
        {**row, "name": delegations[row["id"]].name}
        for row in figures["delegations"]
        if row["id"] in delegations
    ]
    rows.sort(key=lambda row: (delegations[row["id"]].order, delegations[row["id"]].name))
    figures["delegations"] = rows
    return figures


# ---------------------------------------------------------------------------------------------
# Proposal handling


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (30 November + 3 → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def compute_proposal_figures(year: int, term: Term, today: date) -> dict:
    """Handling of the term's proposals submitted in `year` (withdrawn ones excluded)."""
    qs = Proposal.objects.counting().filter(term=term, submitted_date__year=year)
    on_time = late = overdue = pending = 0
    satisfaction = {choice: 0 for choice in Satisfaction.values}
    unevaluated = 0
    due_passed = due_on_time = 0
    rows = _rows(
        qs.order_by().values_list("pk", "submitted_date", "reply_date", "evaluation__overall")
    )
    due_dates = dict(
        Assignment.objects.filter(
            proposal__in=qs.order_by().values("pk"),
            role=Assignment.Role.LEAD,
            due_date__isnull=False,
        )
        .order_by()
        .values("proposal_id")
        .annotate(due=Max("due_date"))
        .values_list("proposal_id", "due")
    )
    for pk, submitted, replied, overall in rows:
        # Raw rows: SQLite returns dates as text.
        submitted = date.fromisoformat(submitted) if isinstance(submitted, str) else submitted
        replied = date.fromisoformat(replied) if isinstance(replied, str) else replied
        deadline = due_dates.get(pk) or add_months(submitted, ON_TIME_MONTHS)
        if replied is not None:
            if replied <= deadline:
                on_time += 1
            else:
                late += 1
        elif today > deadline:
            overdue += 1
        else:
            pending += 1
        if today > deadline:
            due_passed += 1
            due_on_time += replied is not None and replied <= deadline
        if overall in satisfaction:
            satisfaction[overall] += 1
        else:
            unevaluated += 1
    evaluated = sum(satisfaction.values())
    return {
        "total": len(rows),
        "replied": on_time + late,
        "on_time": on_time,
        "late": late,
        "overdue": overdue,
        "pending": pending,
        "on_time_pct": _pct(due_on_time, due_passed),
        "due_passed": due_passed,
        "months": ON_TIME_MONTHS,
        "satisfaction": [
            {
                "key": key,
                "label": str(label),
                "count": satisfaction[key],
                "pct": _pct(satisfaction[key], evaluated),
            }
            for key, label in Satisfaction.choices
        ],
        "evaluated": evaluated,
        "unevaluated": unevaluated,
    }


# ---------------------------------------------------------------------------------------------
# The page's summary


def available_years(today: date) -> list[int]:
    """Years a term covers, up to this one, newest first."""
    return Term.offered_years(today)


def default_year(today: date | None = None) -> int:
    return (today or compliance.as_of_today()).year


def _summary_key(year: int, version: int, today: date) -> str:
    return f"dashboard:summary:{year}:{version}:{today.isoformat()}"


def _latest_key(year: int) -> str:
    return f"dashboard:latest:{year}"


def _refresh_lock_key(year: int) -> str:
    return f"dashboard:refreshing:{year}"


def summary(year: int, today: date | None = None) -> dict:
    """Everything the dashboard shows for `year`: from the cache when the data is unchanged.

    Stale-while-revalidate: after a write (a new data version) or a new day, the last summary
    computed for the year is shown at once, marked stale with its time, and one background
    recomputation is queued (single-flight: a cache lock, so fifty users opening the page
    start one, not fifty 10-second evaluations). Only when no summary of the year was ever
    computed (or the cache lost it) is it computed inline."""
    today = today or compliance.as_of_today()
    version = data_version()
    key = _summary_key(year, version, today)
    cached = cache.get(key)
    if cached is not None:
        return cached
    last = cache.get(_latest_key(year))
    if last is None:
        return refresh(year, today, version)
    error = schedule_refresh(year)
    # With Celery eager (development, tests) the task has just run in this request: show it.
    fresh = cache.get(key)
    if fresh is not None:
        return fresh
    return {**last, "stale": True, "refresh_error": error}


def schedule_refresh(year: int) -> str | None:
    """Queue one recomputation of `year` unless one is queued or running. None when queued
    (or already under way), else the reason it could not be (the broker is down)."""
    lock = _refresh_lock_key(year)
    if not cache.add(lock, time.time(), REFRESH_LOCK_TIMEOUT):
        return None  # someone else's recomputation is queued or running
    error = enqueue("supervision.tasks.refresh_dashboard", year)
    if error:
        cache.delete(lock)  # the next request may try again
    return error


def run_refresh(year: int) -> None:
    """The background recomputation (supervision.tasks.refresh_dashboard). Skips the work if
    the current figures are already cached (a duplicate or late message); always releases
    the lock, so the next change can queue the next one."""
    try:
        today, version = compliance.as_of_today(), data_version()
        if cache.get(_summary_key(year, version, today)) is None:
            refresh(year, today, version)
    finally:
        cache.delete(_refresh_lock_key(year))


def refresh(year: int, today: date | None = None, version: int | None = None) -> dict:
    """Compute the year's summary now and keep it, also as the year's last known summary."""
    today = today or compliance.as_of_today()
    version = data_version() if version is None else version
    result = compute_summary(year, today, version)
    cache.set(_summary_key(year, version, today), result, SUMMARY_TIMEOUT)
    cache.set(_latest_key(year), result, LATEST_TIMEOUT)
    return result


def compute_summary(year: int, today: date, version: int) -> dict:
    term = Term.for_year(year)
    result = {"year": year, "years": available_years(today), "term": None, "today": today}
    if term is None:
        result["computed_at"] = timezone.now()
        return result
    figures = year_figures(year, term, version, as_of=today)
    trend = []
    for y in term.years():
        if y > today.year:
            trend.append({"year": y, "future": True})
            continue
        f = figures if y == year else year_figures(y, term, version, as_of=today)
        trend.append(
            {
                "year": y,
                "future": False,
                "deputies": f["deputies"],
                "met_all_pct": f["met_all_pct"],
                "shortfall": f["shortfall"],
                "open": f.get("open", 0),
                "running": f.get("running", False),
                "candidates": f["candidates"],
            }
        )
    result.update(
        term={"id": term.pk, "name": term.name},
        figures=figures,
        trend=trend,
        proposals=compute_proposal_figures(year, term, today),
        computed_at=figures["computed_at"],
    )
    return result


def prewarm(year: int, evaluation=None) -> None:
    """Fresh figures for `year` in the cache (after the weekly scan, which has just evaluated
    it: its evaluation is reused instead of computed twice)."""
    bump_data_version()
    term = Term.for_year(year)
    if term is None:
        return
    version = data_version()
    if evaluation is not None:
        key = _year_key(year, term, version, evaluation.as_of)
        cache.set(key, compute_year_figures(year, term, evaluation), YEAR_TIMEOUT)
    refresh(year, version=version)
