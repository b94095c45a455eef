"""Compliance evaluation: every deputy in office in a year, against every rule of the rule set
version judging that year (rules.version_for_year, README 规则与考核; one query).

The cost is a fixed number of SQL queries whatever the number of deputies: the records are
counted by aggregate queries grouped by deputy, and only the (few) service periods and
suspensions are read into Python to compute each deputy's days in office.

Semantics (DESIGN.md, "The rules"), and the choices made where it is silent:
- Only 出席 participation counts; identity keys make a duplicated record one row, so it counts
  once.
- A year rule's period is the calendar year; a term rule counts records from the term start to
  the end of the evaluated year (or the term end, if earlier), and its threshold is scaled by
  the deputy's active days over the whole term (both end dates count as days in office).
- Active days = days in a service period minus days suspended. With none, every rule of that
  period is 不适用 (ART7 included: a deputy suspended all year is not expected at the session).
- ART7 counts the meetings on the deputy's roll in the year: 出席 or approved 请假 out of the
  roll; no roll, not applicable. ART8 applies, unscaled, only with a meeting on the roll.
- ART15 rules scale both numbers: ceil(5f) constituents, each reached ceil(2f) times; only a
  constituent on the deputy's own list counts. ART15_SC_LIAISON applies to SC members only.
- A term rule that is not met is a shortfall (未达标) only in the year in which the term ends;
  before that it is 预警 from the second-to-last year on, and 进行中 earlier.

Status as of a date (DESIGN.md "Status as of a date"). `evaluate_year(..., as_of=None)` is the
year-end evaluation (the workbook, the feedback sheets): it judges the full year as above.
Pages pass `as_of=as_of_today()`. When that date is not after the end of the evaluated period
(31 December, or the term's end if earlier; the last day itself is still running: records of
that day may still come in) the year is *running* and:
- an unmet rule is never 未达标: it is 预警 when the deputy is behind the pace, else 进行中;
- the pace: with `days` the deputy's active days in the rule's period (the year; the term for
  a term rule) and `done` those up to and including the as-of date, the deputy is expected to
  have `due = round(required × done / days)` (halves up) by now, and is behind when
  `achieved < due`. Put the other way: 预警 when what is still missing exceeds the remaining
  days' share of the requirement. E.g. 0/1 履职学习培训 on 3 December (done 337 of 365 days):
  due 1 → 预警; on 1 July (182 of 365): due 0 → 进行中. A deputy who took office 13 days ago
  with 41 days in office in the year: due round(13/41) = 0 → 进行中.
- ART7 (all meetings on the roll) has no pace: unmet means a meeting on the roll was missed
  without leave, which no later meeting makes good → 预警.
- no Art. 29 reason is proposed (the candidates come only from an ended period).
A year that has ended by the date (as_of ≥ 1 January of the next year) is evaluated exactly as
the year-end evaluation.
"""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

from django.db import connection, connections
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    Communication,
    LiaisonCommunication,
    Participation,
    Speech,
)
from deputies.models import Delegation, Deputy, DeputyGroup, ServicePeriod, Suspension, Term
from proposals.models import Cosignature, Proposal
from supervision.models import ConstituencyReport, GroupAnnualReport
from supervision.rules import Art29, Counts, Period, Rule, RuleVersion, scaled, version_for_year


def as_of_today() -> date:
    """The as-of date of every page and job: today (a function, so tests can fix it)."""
    return timezone.localdate()


class Status(StrEnum):
    MET = "met"
    SHORTFALL = "shortfall"
    IN_PROGRESS = "in_progress"
    WARNING = "warning"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.MET: _("达标"),
    Status.SHORTFALL: _("未达标"),
    Status.IN_PROGRESS: _("进行中"),
    Status.WARNING: _("预警"),
    Status.NOT_APPLICABLE: _("不适用"),
}


# Art. 29 reasons for proposing an interview or warning (约谈/告诫).
REASON_ABSENCE = _("无故缺席区人民代表大会会议")
REASON_NO_ACTIVITY = _("无故不参加区人大常委会和所在代表小组组织的履职活动")
REASON_VOTERS = _("未按要求联系人民群众")
REASON_NO_PROPOSAL = _("任期内未领衔或附议提出代表议案或建议")


@dataclass(slots=True)
class RuleResult:
    rule: Rule
    achieved: int
    required: int
    applies: bool
    status: Status
    times_required: int | None = None  # ART15: contacts each constituent/deputy needs

    @property
    def text(self) -> str:
        """`achieved/required`, or 不适用 — the cell of the evaluation workbook."""
        return f"{self.achieved}/{self.required}" if self.applies else str(_("不适用"))

    @property
    def is_shortfall(self) -> bool:
        return self.status == Status.SHORTFALL

    @property
    def percent(self) -> int:
        if not self.applies or not self.required:
            return 100
        return min(100, self.achieved * 100 // self.required)


@dataclass(slots=True)
class DeputyRef:
    """What an evaluation needs of a deputy; lighter than a model instance at city scale.
    Delegations and groups are shared instances."""

    pk: int
    code: str
    name: str
    delegation: Delegation
    group: DeputyGroup | None
    is_sc_member: bool

    @property
    def group_id(self) -> int | None:
        return self.group.pk if self.group else None


@dataclass
class DeputyEvaluation:
    deputy: DeputyRef
    term: Term
    year: int
    active_days_year: int
    active_days_term: int
    results: list[RuleResult]
    absences: int = 0
    interview_reasons: list[str] = field(default_factory=list)
    # Status as of a date: `running` when that date is not after the end of the evaluated period.
    as_of: date | None = None
    running: bool = False
    version: RuleVersion | None = None  # the rule set version that judged the year

    @property
    def shortfalls(self) -> list[RuleResult]:
        return [r for r in self.results if r.is_shortfall]

    @property
    def shortfall_names(self) -> str:
        return "、".join(r.rule.short_name for r in self.shortfalls)

    @property
    def meets_all(self) -> bool:
        return not self.shortfalls

    @property
    def interview_candidate(self) -> bool:
        return bool(self.interview_reasons)

    @property
    def open_results(self) -> list[RuleResult]:
        """In a running year, the unmet rules that would be shortfalls if the period ended now:
        year rules, and term rules in the term's last year (earlier, a term rule is never a
        shortfall, DESIGN "Term rules in a year")."""
        if not self.running:
            return []
        last_year = self.year >= self.term.end_date.year
        return [
            r
            for r in self.results
            if r.status in (Status.IN_PROGRESS, Status.WARNING)
            and (last_year or r.rule.period == Period.YEAR)
        ]

    @property
    def open_names(self) -> str:
        return "、".join(r.rule.short_name for r in self.open_results)

    @property
    def warnings(self) -> list[RuleResult]:
        return [r for r in self.results if r.status == Status.WARNING]

    @property
    def overall(self) -> Status:
        """The deputy's status for the year as pages show it: 未达标 (year-end or ended
        period), else 预警/进行中 while a deciding rule is still open, else 达标."""
        if self.shortfalls:
            return Status.SHORTFALL
        pending = self.open_results
        if pending:
            if any(r.status == Status.WARNING for r in pending):
                return Status.WARNING
            return Status.IN_PROGRESS
        return Status.MET

    def result(self, code: str) -> RuleResult:
        return next(r for r in self.results if r.rule.code == code)


@dataclass
class GroupReportStatus:
    group: DeputyGroup
    year: int
    submitted_date: date | None

    @property
    def status(self) -> str:
        if self.submitted_date is None:
            return str(_("未报送"))
        if self.submitted_date > date(self.year, 12, 31):
            return str(_("逾期报送"))
        return str(_("已报送"))


@dataclass
class Evaluation:
    year: int
    terms: list[Term]
    rows: list[DeputyEvaluation]
    as_of: date | None = None  # None: the year-end evaluation
    version: RuleVersion | None = None  # the rule set version that judged the year

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules of the version used, in its order (the workbook's columns)."""
        return self.version.rules if self.version else ()

    @property
    def running(self) -> bool:
        """The year has not ended as of `as_of`: statuses are as of that date."""
        return self.as_of is not None and self.as_of <= date(self.year, 12, 31)

    @cached_property
    def groups(self) -> list[GroupReportStatus]:
        """Each group's annual-report status (read when a page or export asks for it)."""
        return group_report_statuses(self.year, self.terms)

    def by_deputy_id(self) -> dict[int, DeputyEvaluation]:
        return {row.deputy.pk: row for row in self.rows}

    def rate(self, rule: Rule, rows: list[DeputyEvaluation] | None = None) -> tuple[int, int]:
        """(met, applicable) for one rule over the given rows (default: all)."""
        rows = self.rows if rows is None else rows
        code = rule.code
        # The rows of one evaluation share its version's rule order: look the rule up once.
        index = next((i for i, r in enumerate(self.rules) if r.code == code), None)
        met = applicable = 0
        for row in rows:
            results = row.results
            if index is not None and index < len(results) and results[index].rule.code == code:
                result = results[index]
            else:
                result = row.result(code)
            if result.applies:
                applicable += 1
                met += result.status == Status.MET
        return met, applicable


# ---------------------------------------------------------------------------------------------
# Days in office


def _days(start: date, end: date) -> int:
    return max(0, (end - start).days + 1)


def _merge(intervals: list[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def active_days(
    services: list[tuple[date, date | None]],
    suspensions: list[tuple[date, date | None]],
    start: date,
    end: date,
) -> int:
    """Days in [start, end] within a service period and not within a suspension."""
    served = _merge(
        [
            (max(s, start), min(e or end, end))
            for s, e in services
            if s <= end and (e or end) >= start
        ]
    )
    suspended = _merge(
        [
            (max(s, start), min(e or end, end))
            for s, e in suspensions
            if s <= end and (e or end) >= start
        ]
    )
    total = 0
    for s_start, s_end in served:
        total += _days(s_start, s_end)
        for p_start, p_end in suspended:
            total -= _days(max(s_start, p_start), min(s_end, p_end))
    return total


def _done(services, suspensions, start: date, as_of: date) -> int:
    return active_days(services, suspensions, start, as_of) if as_of >= start else 0


# ---------------------------------------------------------------------------------------------
# Counting. One aggregate query per kind of record, grouped by deputy, run as plain SQL (the
# ORM builds it; its per-row converters are skipped: at city scale they cost more than the
# query). Records are not filtered by term: the dates bound them, and only the deputies being
# evaluated are looked up in the results.


def _rows(queryset) -> list[tuple]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _reach_sql(inner: str, times: int) -> str:
    """Per person: how many others they reached at least 1, 2, …, `times` times."""
    columns = ", ".join(f"SUM(CASE WHEN n >= {t} THEN 1 ELSE 0 END)" for t in range(1, times + 1))
    return f"SELECT person_id, {columns} FROM ({inner}) reach GROUP BY person_id"


def _on_own_connection(load) -> None:
    """Run a count query on this (pool) thread's own database connection, then close it."""
    try:
        load()
    finally:
        connections.close_all()  # this thread's connections only: Django's are per thread


@contextmanager
def _without_gc():
    """The evaluation creates some 250,000 small objects and no cycles: the cyclic collector
    would scan them again and again as they are made (a third of the Python time at 20,000
    deputies) for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Context:
    """One term and one evaluated year: the deputies, their days in office, and the counts
    (each query run once, however many rules read it)."""

    # Below this many deputies the count queries are narrowed to them (a deputy's own file, a
    # group); above it, scanning the year is cheaper than a long IN list.
    NARROW_LIMIT = 2000
    # From this many deputies on (the whole district), the count queries run at the same time
    # on their own connections (PostgreSQL uses every core) while Python computes the days in
    # office. Never inside a transaction: other connections would not see its writes.
    CONCURRENT_FROM = 2000

    def __init__(
        self,
        term: Term,
        year: int,
        deputies: list[DeputyRef],
        narrow: bool = False,
        as_of: date | None = None,
        rules: tuple[Rule, ...] = (),
    ):
        self.term, self.year, self.deputies = term, year, deputies
        self.rules = rules
        narrow = narrow and len(deputies) <= self.NARROW_LIMIT
        self.ids = [deputy.pk for deputy in deputies] if narrow else None
        self.year_start, self.year_end = date(year, 1, 1), date(year, 12, 31)
        self.term_to_date_end = min(self.year_end, term.end_date)
        self.year_days = _days(self.year_start, self.year_end)
        self.term_days = term.days
        self.last_year = year >= term.end_date.year
        self.unmet_term_status = _term_status(False, year, term)
        # Running: the period (the year, or the term within it) has not ended by `as_of`.
        self.as_of = as_of
        self.running = as_of is not None and as_of <= self.term_to_date_end
        self._cache: dict = {}
        self._pending: dict = {}  # key -> the future of a count being loaded on a pool thread
        self._owner = threading.get_ident()
        if self._concurrent():
            pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="evaluation")
            for key, load in self._count_loaders().items():
                self._pending[key] = pool.submit(_on_own_connection, load)
            pool.shutdown(wait=False)  # the threads end with their last query
        self._load_days_in_office()

    def wait_for_counts(self) -> None:
        """Every count started on a pool thread has ended (none outlives the evaluation)."""
        while self._pending:
            self._pending.popitem()[1].result()

    def _concurrent(self) -> bool:
        return (
            self.ids is None
            and len(self.deputies) >= self.CONCURRENT_FROM
            and connection.vendor == "postgresql"
            and not connection.in_atomic_block
        )

    def _count_loaders(self) -> dict:
        """Every count the rules read (each query once) by its key, the slowest first."""
        loaders = {"activities": self.activities, "session": self.session}
        for rule in self.rules:
            times = rule.times
            if rule.counts == Counts.CONSTITUENTS:
                loaders["voters", times] = lambda t=times: self.constituents_reached(t)
            elif rule.counts == Counts.LIAISON_DEPUTIES:
                loaders["liaison", times] = lambda t=times: self.deputies_reached(t)
            elif rule.counts == Counts.PROPOSALS:
                loaders["proposals"] = self.proposals
            elif rule.counts == Counts.SPEECHES:
                loaders["speeches"] = self.speeches
            elif rule.counts == Counts.CONSTITUENCY_REPORTS:
                loaders["reports"] = self.reports
        return loaders

    def _load_days_in_office(self) -> None:
        services: dict[int, list] = defaultdict(list)
        periods = self.narrowed(ServicePeriod.objects.filter(deputy__term=self.term))
        for deputy_id, start, end in _rows(
            periods.values_list("deputy_id", "start_date", "end_date")
        ):
            # A blank end means in office until the term ends, never beyond it.
            services[deputy_id].append((start, min(end or self.term.end_date, self.term.end_date)))
        suspensions: dict[int, list] = defaultdict(list)
        suspended = self.narrowed(Suspension.objects.filter(deputy__term=self.term))
        for deputy_id, start, end in _rows(
            suspended.values_list("deputy_id", "start_date", "end_date")
        ):
            suspensions[deputy_id].append((start, end))
        term, year_start, year_end = self.term, self.year_start, self.year_end
        covers_year = term.start_date <= year_start and term.end_date >= year_end
        whole_from = term.start_date if covers_year else date.min
        self.active_year, self.active_term = [], []
        # Running year only: active days up to and including the as-of date (the pace).
        self.done_year: list[int] = []
        self.done_term: list[int] = []
        as_of = self.as_of if self.running else None
        for deputy in self.deputies:
            own, off = services.get(deputy.pk, ()), suspensions.get(deputy.pk, ())
            whole = len(own) == 1 and own[0][0] <= whole_from and own[0][1] >= term.end_date
            if whole and not off:
                # Most deputies: in office the whole term and year, never suspended.
                self.active_year.append(self.year_days)
                self.active_term.append(self.term_days)
                if as_of is not None:
                    self.done_year.append(_days(year_start, as_of))
                    self.done_term.append(_days(term.start_date, as_of))
                continue
            self.active_year.append(active_days(own, off, year_start, year_end))
            self.active_term.append(active_days(own, off, term.start_date, term.end_date))
            if as_of is not None:
                self.done_year.append(_done(own, off, year_start, as_of))
                self.done_term.append(_done(own, off, term.start_date, as_of))

    def done(self, rule: Rule) -> list[int]:
        """Running year: each deputy's active days of the rule's period up to the as-of date."""
        return self.done_term if rule.period == Period.TERM else self.done_year

    def days(self, rule: Rule) -> tuple[list[int], int]:
        if rule.period == Period.TERM:
            return self.active_term, self.term_days
        return self.active_year, self.year_days

    def range_for(self, rule: Rule) -> tuple[date, date]:
        if rule.period == Period.TERM:
            return self.term.start_date, self.term_to_date_end
        return self.year_start, self.year_end

    def narrowed(self, queryset, field: str = "deputy_id"):
        return queryset if self.ids is None else queryset.filter(**{f"{field}__in": self.ids})

    def narrowed_sql(self, column: str) -> tuple[str, list]:
        """(" AND column IN (…)", params) when narrowed, else ("", [])."""
        if self.ids is None:
            return "", []
        return f" AND {column} IN ({', '.join(['%s'] * len(self.ids))})", list(self.ids)

    def once(self, key, load):
        if threading.get_ident() == self._owner and key in self._pending:
            self._pending.pop(key).result()  # loaded on a pool thread (or raises its error)
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    # -- the counts ------------------------------------------------------------------------

    def session(self) -> dict[int, tuple[int, int, int]]:
        """{deputy: (meetings on the roll, attended or on leave, unexcused absences)}."""
        # A meeting held while the deputy was suspended is not on their roll: a suspended
        # deputy does not perform duties (Art. 30), so it is neither kept nor an absence.
        suspended = Suspension.objects.filter(
            deputy_id=OuterRef("deputy_id"), start_date__lte=OuterRef("meeting__date")
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("meeting__date")))
        qs = (
            self.narrowed(
                Attendance.objects.filter(
                    meeting__date__range=(self.year_start, self.year_end), meeting__term=self.term
                )
            )
            .exclude(Exists(suspended))
            .values("deputy_id")
            .annotate(
                roll=Count("pk"),
                kept=Count("pk", filter=Q(status__in=[AttendanceStatus.PRESENT,
                                                      AttendanceStatus.LEAVE])),
                absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
            )
        )  # fmt: skip
        return self.once("session", lambda: {row[0]: row[1:] for row in _rows(qs)})

    def speeches(self) -> dict[int, int]:
        qs = (
            self.narrowed(Speech.objects.filter(date__range=(self.year_start, self.year_end)))
            .values("deputy_id")
            .annotate(n=Count("pk"))
        )
        return self.once("speeches", lambda: dict(_rows(qs)))

    def activities(self) -> dict[int, dict[str, int]]:
        """{deputy: {rule code: attended activities of its types in its period}}."""

        def load():
            rules = [r for r in self.rules if r.counts == Counts.ACTIVITIES]
            if not rules:
                return {}
            annotations = {
                rule.code: Count(
                    "pk",
                    filter=Q(
                        activity__type__in=rule.activity_types,
                        activity__date__range=self.range_for(rule),
                    ),
                )  # fmt: skip
                for rule in rules
            }
            participations = self.narrowed(Participation.objects.all())
            qs = (
                participations.filter(
                    status=AttendanceStatus.PRESENT,
                    activity__type__in=sorted({t for r in rules for t in r.activity_types}),
                    activity__date__range=(
                        min(self.range_for(r)[0] for r in rules),
                        self.year_end,
                    ),
                )
                .values("deputy_id")
                .annotate(**annotations)
            )
            codes = list(annotations)
            return {row[0]: dict(zip(codes, row[1:], strict=True)) for row in _rows(qs)}

        return self.once("activities", load)

    def constituents_reached(self, times: int) -> dict[int, tuple[int, ...]]:
        """{deputy: (constituents reached ≥1 time, ≥2 times, …)}; only a constituent on the
        deputy's own list counts."""
        through = Communication.constituents.through._meta.db_table
        comm = Communication._meta.db_table
        constituent = Communication.constituents.field.related_model._meta.db_table
        inner = f"""
            SELECT c.deputy_id AS person_id, cc.constituent_id AS other_id, COUNT(*) AS n
            FROM {through} cc
            JOIN {comm} c ON c.id = cc.communication_id
            JOIN {constituent} k ON k.id = cc.constituent_id AND k.deputy_id = c.deputy_id
            WHERE c.date BETWEEN %s AND %s{self.narrowed_sql("c.deputy_id")[0]}
            GROUP BY c.deputy_id, cc.constituent_id
        """
        params = self.narrowed_sql("c.deputy_id")[1]
        return self.once(("voters", times), lambda: self._reach(inner, times, params))

    def deputies_reached(self, times: int) -> dict[int, tuple[int, ...]]:
        """{SC member: (deputies reached ≥1 time, ≥2 times, …)}."""
        inner = f"""
            SELECT member_id AS person_id, deputy_id AS other_id, COUNT(*) AS n
            FROM {LiaisonCommunication._meta.db_table}
            WHERE date BETWEEN %s AND %s{self.narrowed_sql("member_id")[0]}
            GROUP BY member_id, deputy_id
        """
        params = self.narrowed_sql("member_id")[1]
        return self.once(("liaison", times), lambda: self._reach(inner, times, params))

    def _reach(self, inner: str, times: int, extra: list) -> dict[int, tuple[int, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(_reach_sql(inner, times), [self.year_start, self.year_end, *extra])
            return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in cursor.fetchall()}

    def proposals(self) -> dict[int, int]:
        """Distinct proposals led or co-signed in the term to date, not withdrawn."""

        def load():
            proposal, cosign = Proposal._meta.db_table, Cosignature._meta.db_table
            lead_in, ids = self.narrowed_sql("p.lead_id")
            cosigner_in, _ = self.narrowed_sql("cs.deputy_id")
            params = [self.term.pk, self.term.start_date, self.term_to_date_end,
                      Proposal.Status.WITHDRAWN]  # fmt: skip
            sql = f"""
                SELECT deputy_id, COUNT(DISTINCT proposal_id) FROM (
                    SELECT p.lead_id AS deputy_id, p.id AS proposal_id FROM {proposal} p
                    WHERE p.term_id = %s AND p.submitted_date BETWEEN %s AND %s
                      AND p.status <> %s{lead_in}
                    UNION
                    SELECT cs.deputy_id AS deputy_id, p.id AS proposal_id FROM {cosign} cs
                    JOIN {proposal} p ON p.id = cs.proposal_id
                    WHERE p.term_id = %s AND p.submitted_date BETWEEN %s AND %s
                      AND p.status <> %s{cosigner_in}
                ) signed GROUP BY deputy_id
            """
            with connection.cursor() as cursor:
                cursor.execute(sql, [*params, *ids, *params, *ids])
                return dict(cursor.fetchall())

        return self.once("proposals", load)

    def reports(self) -> dict[int, int]:
        qs = (
            self.narrowed(
                ConstituencyReport.objects.filter(
                    date__range=(self.term.start_date, self.term_to_date_end)
                )
            )
            .values("deputy_id")
            .annotate(n=Count("pk"))
        )
        return self.once("reports", lambda: dict(_rows(qs)))


# ---------------------------------------------------------------------------------------------
# Rules: one function per kind of counting, evaluating a rule for every deputy of a context.


NOT_APPLICABLE = Status.NOT_APPLICABLE


def _unmet_status(rule: Rule, ctx: Context) -> Status:
    return ctx.unmet_term_status if rule.period == Period.TERM else Status.SHORTFALL


def _judge(rule: Rule, ctx: Context, achieved: int, required: int, times=None) -> RuleResult:
    status = Status.MET if achieved >= required else _unmet_status(rule, ctx)
    return RuleResult(rule, achieved, required, True, status, times)


def _evaluate_session(rule: Rule, ctx: Context) -> list[RuleResult]:
    """ART7: attended or on approved leave, out of the meetings on the deputy's roll."""
    session, active, _ = ctx.session(), *ctx.days(rule)
    results = []
    for deputy, days in zip(ctx.deputies, active, strict=True):
        roll, kept, _absent = session.get(deputy.pk, (0, 0, 0))
        if roll and days > 0:
            results.append(_judge(rule, ctx, kept, roll))
        else:
            results.append(RuleResult(rule, kept, roll, False, NOT_APPLICABLE))
    return results


def _evaluate_speeches(rule: Rule, ctx: Context) -> list[RuleResult]:
    """ART8: unscaled, for deputies with a session meeting on their roll that year."""
    session, speeches, (active, _) = ctx.session(), ctx.speeches(), ctx.days(rule)
    results = []
    for deputy, days in zip(ctx.deputies, active, strict=True):
        achieved = speeches.get(deputy.pk, 0)
        if days > 0 and deputy.pk in session:
            results.append(_judge(rule, ctx, achieved, rule.quota))
        else:
            results.append(RuleResult(rule, achieved, rule.quota, False, NOT_APPLICABLE))
    return results


def _scaled_counts(rule: Rule, ctx: Context, counts) -> list[RuleResult]:
    """A count against the quota scaled by days in office; 不适用 with none."""
    active, period = ctx.days(rule)
    quota, met, unmet = rule.quota, Status.MET, _unmet_status(rule, ctx)
    full = scaled(quota, period, period)
    results = []
    append = results.append
    # The hot loop of the evaluation (8 rules × every deputy): kept free of calls it can avoid.
    for deputy, days in zip(ctx.deputies, active, strict=True):
        achieved = counts(deputy.pk)
        if days > 0:
            required = full if days == period else scaled(quota, days, period)
            append(RuleResult(rule, achieved, required, True,
                              met if achieved >= required else unmet))  # fmt: skip
        else:
            append(RuleResult(rule, achieved, 0, False, NOT_APPLICABLE))
    return results


def _evaluate_activities(rule: Rule, ctx: Context) -> list[RuleResult]:
    activities, none = ctx.activities(), {}
    return _scaled_counts(rule, ctx, lambda pk: activities.get(pk, none).get(rule.code, 0))


def _evaluate_proposals(rule: Rule, ctx: Context) -> list[RuleResult]:
    proposals = ctx.proposals()
    return _scaled_counts(rule, ctx, lambda pk: proposals.get(pk, 0))


def _evaluate_reports(rule: Rule, ctx: Context) -> list[RuleResult]:
    reports = ctx.reports()
    return _scaled_counts(rule, ctx, lambda pk: reports.get(pk, 0))


def _evaluate_reach(rule: Rule, ctx: Context) -> list[RuleResult]:
    """ART15: ceil(quota·f) people, each reached ceil(times·f) times. The SC-liaison rule
    applies to standing-committee members only."""
    sc_only = rule.counts == Counts.LIAISON_DEPUTIES
    reach = ctx.deputies_reached(rule.times) if sc_only else ctx.constituents_reached(rule.times)
    active, period = ctx.days(rule)
    results = []
    for deputy, days in zip(ctx.deputies, active, strict=True):
        times = scaled(rule.times, days, period)
        counts = reach.get(deputy.pk)
        achieved = counts[times - 1] if counts and times else 0
        if days > 0 and (deputy.is_sc_member or not sc_only):
            required = scaled(rule.quota, days, period)
            results.append(_judge(rule, ctx, achieved, required, times))
        else:
            results.append(RuleResult(rule, achieved, 0, False, NOT_APPLICABLE, times or None))
    return results


def pace_due(required: int, done: int, days: int) -> int:
    """What a deputy is expected to have achieved after `done` of `days` active days:
    round(required × done / days), halves up, in integers."""
    if days <= 0:
        return 0
    return (2 * required * min(done, days) + days) // (2 * days)


def _apply_pace(rule: Rule, ctx: Context, results: list[RuleResult]) -> None:
    """A running period: an unmet rule becomes 预警 when behind the pace, else 进行中; never
    未达标 (module docstring). Only the unmet results are touched."""
    active, _ = ctx.days(rule)
    done = ctx.done(rule)
    no_pace = rule.counts == Counts.SESSION_ATTENDANCE  # a missed meeting cannot be made good
    for i, result in enumerate(results):
        if not result.applies or result.status == Status.MET:
            continue
        behind = no_pace or result.achieved < pace_due(result.required, done[i], active[i])
        result.status = Status.WARNING if behind else Status.IN_PROGRESS


EVALUATORS = {
    Counts.SESSION_ATTENDANCE: _evaluate_session,
    Counts.SPEECHES: _evaluate_speeches,
    Counts.ACTIVITIES: _evaluate_activities,
    Counts.CONSTITUENTS: _evaluate_reach,
    Counts.LIAISON_DEPUTIES: _evaluate_reach,
    Counts.PROPOSALS: _evaluate_proposals,
    Counts.CONSTITUENCY_REPORTS: _evaluate_reports,
}


# ---------------------------------------------------------------------------------------------
# Evaluation


def _term_status(met: bool, year: int, term: Term) -> Status:
    if met:
        return Status.MET
    last_year = term.end_date.year
    if year >= last_year:
        return Status.SHORTFALL
    if year >= last_year - 1:
        return Status.WARNING
    return Status.IN_PROGRESS


def terms_for_year(year: int, term: Term | None = None) -> list[Term]:
    if term is not None:
        return [term]
    return list(
        Term.objects.filter(
            start_date__lte=date(year, 12, 31), end_date__gte=date(year, 1, 1)
        ).order_by("start_date")
    )


def evaluate_year(
    year: int,
    term: Term | None = None,
    deputy_ids: list[int] | None = None,
    as_of: date | None = None,
) -> Evaluation:
    """Evaluate every deputy in office at any time in `year` (of `term`, or of every term
    overlapping the year). `deputy_ids` narrows the rows (e.g. to a user's scope) without
    changing the number of queries.

    `as_of=None` is the year-end evaluation (the full year judged: workbook, feedback sheets).
    Pages and jobs pass `as_of=as_of_today()`: a period not ended by then shows 进行中/预警
    and proposes no Art. 29 reason (module docstring, "Status as of a date")."""
    rows: list[DeputyEvaluation] = []
    terms = terms_for_year(year, term)
    version = version_for_year(year)
    if isinstance(deputy_ids, list | tuple) and not deputy_ids:
        # Nobody in scope (pk__in=[] would make the raw SQL raise EmptyResultSet).
        return Evaluation(year=year, terms=terms, rows=rows, as_of=as_of, version=version)
    for t in terms:
        rows.extend(_evaluate_term_year(year, t, deputy_ids, as_of, version))
    return Evaluation(year=year, terms=terms, rows=rows, as_of=as_of, version=version)


def in_office_in_year(term: Term, year: int):
    """The deputies of `term` in office at any time in `year` (the rows evaluate_year gives
    for the term), or None when the term does not reach into the year."""
    # The part of the year inside the term; a blank service end stops at the term's end.
    start, end = max(date(year, 1, 1), term.start_date), min(date(year, 12, 31), term.end_date)
    if start > end:
        return None
    return Deputy.objects.in_term(term).in_office_between(start, end)


def _deputies_in_office(term: Term, year: int, deputy_ids) -> list[DeputyRef]:
    in_office = in_office_in_year(term, year)
    if in_office is None:
        return []
    if deputy_ids is not None:
        in_office = in_office.filter(pk__in=deputy_ids)
    delegations = {d.pk: d for d in Delegation.objects.all()}
    groups = DeputyGroup.objects.filter(term=term)
    if deputy_ids is not None:
        # Only the groups of these deputies: a deputy's own file read the term's 4,000 groups.
        groups = groups.filter(pk__in=in_office.values("group_id"))
    groups = {g.pk: g for g in groups.order_by()}
    fields = ("pk", "code", "name", "delegation_id", "group_id", "is_sc_member")
    return [
        DeputyRef(pk, code, name, delegations[delegation_id], groups.get(group_id), sc)
        for pk, code, name, delegation_id, group_id, sc in _rows(
            in_office.order_by("code").values_list(*fields)
        )
    ]


def _evaluate_term_year(
    year: int,
    term: Term,
    deputy_ids: list[int] | None,
    as_of: date | None,
    version: RuleVersion,
) -> list[DeputyEvaluation]:
    deputies = _deputies_in_office(term, year, deputy_ids)
    if not deputies:
        return []
    with _without_gc():
        return _evaluate_deputies(year, term, deputies, deputy_ids, as_of, version)


def _evaluate_deputies(year, term, deputies, deputy_ids, as_of, version):
    rules = version.rules
    ctx = Context(term, year, deputies, narrow=deputy_ids is not None, as_of=as_of, rules=rules)
    # The rules whose counts come quickest first: with concurrent counts, Python judges them
    # while PostgreSQL is still counting activities and constituents.
    slow = {Counts.ACTIVITIES: 2, Counts.CONSTITUENTS: 1}
    by_rule: list = [None] * len(rules)
    for i in sorted(range(len(rules)), key=lambda i: slow.get(rules[i].counts, 0)):
        by_rule[i] = EVALUATORS[rules[i].counts](rules[i], ctx)
    if ctx.running:
        for rule, results in zip(rules, by_rule, strict=True):
            _apply_pace(rule, ctx, results)
    ctx.wait_for_counts()
    session = ctx.session()
    reasons = Art29Reasons(rules)
    evaluations = []
    for i, (deputy, results) in enumerate(zip(deputies, zip(*by_rule, strict=True), strict=True)):
        evaluation = DeputyEvaluation(
            deputy=deputy,
            term=term,
            year=year,
            active_days_year=ctx.active_year[i],
            active_days_term=ctx.active_term[i],
            results=list(results),
            absences=session.get(deputy.pk, (0, 0, 0))[2],
            as_of=as_of,
            running=ctx.running,
            version=version,
        )
        # Art. 29 candidates come only from an ended period (DESIGN "Status as of a date").
        evaluation.interview_reasons = [] if ctx.running else reasons(evaluation)
        evaluations.append(evaluation)
    return evaluations


class Art29Reasons:
    """The Art. 29 reasons that apply to a deputy (DESIGN.md "Interview/warning candidates").

    A reason resting on a rule that is 不适用 for the deputy does not count.
    """

    def __init__(self, rules):
        self.grounds: dict[Art29, list[int]] = {ground: [] for ground in Art29}
        for index, rule in enumerate(rules):
            if rule.art29:
                self.grounds[rule.art29].append(index)
        # Translated once, not once per deputy.
        self.texts = [str(REASON_ABSENCE), str(REASON_NO_ACTIVITY), str(REASON_VOTERS),
                      str(REASON_NO_PROPOSAL)]  # fmt: skip

    def __call__(self, evaluation: DeputyEvaluation) -> list[str]:
        results, grounds = evaluation.results, self.grounds
        reasons = []
        if evaluation.absences and any(results[i].applies for i in grounds[Art29.ABSENCE]):
            reasons.append(self.texts[0])
        collective = [results[i] for i in grounds[Art29.COLLECTIVE]]
        if collective and all(r.applies and not r.achieved for r in collective):
            reasons.append(self.texts[1])
        for i in grounds[Art29.CONTACT]:
            if results[i].applies and results[i].achieved < results[i].required:
                reasons.append(self.texts[2])
                break
        proposals = [results[i] for i in grounds[Art29.PROPOSAL]]
        last_year = evaluation.year >= evaluation.term.end_date.year
        if last_year and proposals and all(r.applies and r.achieved == 0 for r in proposals):
            reasons.append(self.texts[3])
        return reasons


def interview_reasons(evaluation: DeputyEvaluation) -> list[str]:
    return Art29Reasons([r.rule for r in evaluation.results])(evaluation)


def group_report_statuses(year: int, terms: list[Term]) -> list[GroupReportStatus]:
    """Each group's annual report to the 人事代表工委 (Art. 26), due by 31 December."""
    reports = dict(
        GroupAnnualReport.objects.filter(group__term__in=terms, year=year).values_list(
            "group_id", "submitted_date"
        )
    )
    groups = DeputyGroup.objects.filter(term__in=terms).select_related("delegation", "leader")
    return [GroupReportStatus(group, year, reports.get(group.pk)) for group in groups]


def activity_queryset_for_rule(rule: Rule):
    """The activities a rule counts, for pages that list the records behind it."""
    return Activity.objects.filter(type__in=rule.activity_types)
