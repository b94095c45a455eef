"""Compliance evaluation: every deputy in office in a year, against every rule of rules.py.

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
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

from django.db import connection
from django.db.models import Count, Q
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

from .models import ConstituencyReport, GroupAnnualReport
from .rules import RULES, Art29, Counts, Period, Rule, scaled


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

    @cached_property
    def groups(self) -> list[GroupReportStatus]:
        """Each group's annual-report status (read when a page or export asks for it)."""
        return group_report_statuses(self.year, self.terms)

    def by_deputy_id(self) -> dict[int, DeputyEvaluation]:
        return {row.deputy.pk: row for row in self.rows}

    def rate(self, rule: Rule, rows: list[DeputyEvaluation] | None = None) -> tuple[int, int]:
        """(met, applicable) for one rule over the given rows (default: all)."""
        rows = self.rows if rows is None else rows
        applicable = [r.result(rule.code) for r in rows if r.result(rule.code).applies]
        return sum(1 for r in applicable if r.status == Status.MET), len(applicable)


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


# ---------------------------------------------------------------------------------------------
# Counters: each returns {deputy_id: count} (or a richer dict) from one aggregate query.


@dataclass(frozen=True)
class Window:
    term: Term
    year_start: date
    year_end: date

    @property
    def term_to_date_end(self) -> date:
        return min(self.year_end, self.term.end_date)

    def range_for(self, rule: Rule) -> tuple[date, date]:
        if rule.period == Period.TERM:
            return self.term.start_date, self.term_to_date_end
        return self.year_start, self.year_end


def _session_counts(window: Window) -> dict[int, dict[str, int]]:
    rows = (
        Attendance.objects.filter(
            deputy__term=window.term, meeting__date__range=(window.year_start, window.year_end)
        )
        .values("deputy_id")
        .annotate(
            roll=Count("pk"),
            kept=Count(
                "pk", filter=Q(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LEAVE])
            ),
            absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
        )
    )
    return {row["deputy_id"]: row for row in rows}


def _speech_counts(window: Window) -> dict[int, int]:
    rows = (
        Speech.objects.filter(
            deputy__term=window.term, date__range=(window.year_start, window.year_end)
        )
        .values("deputy_id")
        .annotate(n=Count("pk"))
    )
    return {row["deputy_id"]: row["n"] for row in rows}


def _activity_counts(window: Window, rules: list[Rule]) -> dict[int, dict[str, int]]:
    """One query: per deputy, attended activities of each rule's types in its period."""
    if not rules:
        return {}
    annotations = {}
    for rule in rules:
        start, end = window.range_for(rule)
        annotations[rule.code] = Count(
            "pk",
            filter=Q(activity__type__in=rule.activity_types, activity__date__range=(start, end)),
        )
    earliest = min(window.range_for(rule)[0] for rule in rules)
    types = sorted({t for rule in rules for t in rule.activity_types})
    rows = (
        Participation.objects.filter(
            deputy__term=window.term,
            status=AttendanceStatus.PRESENT,
            activity__type__in=types,
            activity__date__range=(earliest, window.year_end),
        )
        .values("deputy_id")
        .annotate(**annotations)
    )
    return {row["deputy_id"]: row for row in rows}


def _reach_counts(sql: str, params: list, times: int) -> dict[int, list[int]]:
    """{person: [people reached ≥1 time, ≥2 times, …, ≥`times` times]} from a grouped query."""
    thresholds = ", ".join(
        f"SUM(CASE WHEN n >= {t} THEN 1 ELSE 0 END)" for t in range(1, times + 1)
    )
    query = f"SELECT person_id, {thresholds} FROM ({sql}) reach GROUP BY person_id"
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {row[0]: [int(v or 0) for v in row[1:]] for row in cursor.fetchall()}


def _constituent_counts(window: Window, times: int) -> dict[int, list[int]]:
    through = Communication.constituents.through._meta.db_table
    comm = Communication._meta.db_table
    deputy = Deputy._meta.db_table
    constituent = Communication.constituents.field.related_model._meta.db_table
    sql = f"""
        SELECT c.deputy_id AS person_id, cc.constituent_id AS other_id, COUNT(*) AS n
        FROM {through} cc
        JOIN {comm} c ON c.id = cc.communication_id
        JOIN {deputy} d ON d.id = c.deputy_id
        JOIN {constituent} k ON k.id = cc.constituent_id AND k.deputy_id = c.deputy_id
        WHERE d.term_id = %s AND c.date BETWEEN %s AND %s
        GROUP BY c.deputy_id, cc.constituent_id
    """
    return _reach_counts(sql, [window.term.pk, window.year_start, window.year_end], times)


def _liaison_counts(window: Window, times: int) -> dict[int, list[int]]:
    table = LiaisonCommunication._meta.db_table
    deputy = Deputy._meta.db_table
    sql = f"""
        SELECT lc.member_id AS person_id, lc.deputy_id AS other_id, COUNT(*) AS n
        FROM {table} lc
        JOIN {deputy} d ON d.id = lc.member_id
        WHERE d.term_id = %s AND lc.date BETWEEN %s AND %s
        GROUP BY lc.member_id, lc.deputy_id
    """
    return _reach_counts(sql, [window.term.pk, window.year_start, window.year_end], times)


def _proposal_counts(window: Window) -> dict[int, int]:
    """Distinct proposals led or co-signed in the term to date, not withdrawn."""
    proposal = Proposal._meta.db_table
    cosign = Cosignature._meta.db_table
    params = [window.term.pk, window.term.start_date, window.term_to_date_end]
    sql = f"""
        SELECT deputy_id, COUNT(DISTINCT proposal_id) FROM (
            SELECT p.lead_id AS deputy_id, p.id AS proposal_id FROM {proposal} p
            WHERE p.term_id = %s AND p.submitted_date BETWEEN %s AND %s AND p.status <> %s
            UNION
            SELECT cs.deputy_id AS deputy_id, p.id AS proposal_id FROM {cosign} cs
            JOIN {proposal} p ON p.id = cs.proposal_id
            WHERE p.term_id = %s AND p.submitted_date BETWEEN %s AND %s AND p.status <> %s
        ) signed GROUP BY deputy_id
    """
    withdrawn = Proposal.Status.WITHDRAWN
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, withdrawn, *params, withdrawn])
        return dict(cursor.fetchall())


def _report_counts(window: Window) -> dict[int, int]:
    rows = (
        ConstituencyReport.objects.filter(
            deputy__term=window.term,
            date__range=(window.term.start_date, window.term_to_date_end),
        )
        .values("deputy_id")
        .annotate(n=Count("pk"))
    )
    return {row["deputy_id"]: row["n"] for row in rows}


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
    year: int, term: Term | None = None, deputy_ids: list[int] | None = None
) -> Evaluation:
    """Evaluate every deputy in office at any time in `year` (of `term`, or of every term
    overlapping the year). `deputy_ids` narrows the rows (e.g. to a user's scope) without
    changing the number of queries."""
    rows: list[DeputyEvaluation] = []
    terms = terms_for_year(year, term)
    for t in terms:
        rows.extend(_evaluate_term_year(year, t, deputy_ids))
    return Evaluation(year=year, terms=terms, rows=rows)


def _evaluate_term_year(
    year: int, term: Term, deputy_ids: list[int] | None
) -> list[DeputyEvaluation]:
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    window = Window(term, year_start, year_end)

    in_office = Deputy.objects.in_term(term).in_office_between(year_start, year_end)
    if deputy_ids is not None:
        in_office = in_office.filter(pk__in=deputy_ids)
    delegations = {d.pk: d for d in Delegation.objects.all()}
    groups = {g.pk: g for g in DeputyGroup.objects.filter(term=term)}
    deputies = [
        DeputyRef(pk, code, name, delegations[delegation_id], groups.get(group_id), sc)
        for pk, code, name, delegation_id, group_id, sc in in_office.order_by("code").values_list(
            "pk", "code", "name", "delegation_id", "group_id", "is_sc_member"
        )
    ]
    if not deputies:
        return []

    services: dict[int, list] = defaultdict(list)
    for deputy_id, start, end in ServicePeriod.objects.filter(deputy__term=term).values_list(
        "deputy_id", "start_date", "end_date"
    ):
        services[deputy_id].append((start, end))
    suspensions: dict[int, list] = defaultdict(list)
    for deputy_id, start, end in Suspension.objects.filter(deputy__term=term).values_list(
        "deputy_id", "start_date", "end_date"
    ):
        suspensions[deputy_id].append((start, end))

    activity_rules = [r for r in RULES if r.counts == Counts.ACTIVITIES]
    session = _session_counts(window)
    speeches = _speech_counts(window)
    activities = _activity_counts(window, activity_rules)
    voter_rule = next((r for r in RULES if r.counts == Counts.CONSTITUENTS), None)
    liaison_rule = next((r for r in RULES if r.counts == Counts.LIAISON_DEPUTIES), None)
    voters = _constituent_counts(window, voter_rule.times) if voter_rule else {}
    liaisons = _liaison_counts(window, liaison_rule.times) if liaison_rule else {}
    proposals = _proposal_counts(window)
    reports = _report_counts(window)

    year_days = _days(year_start, year_end)
    term_days = term.days
    # Looked up once, not per deputy and rule: this loop runs 12 × 20,000 times at city scale.
    plan = [
        (rule, rule.counts, rule.period == Period.TERM, rule.quota, rule.times, rule.code)
        for rule in RULES
    ]
    unmet_term_status = _term_status(False, year, term)
    grounds = art29_grounds()
    no_counts: dict = {}
    evaluations = []
    for deputy in deputies:
        pk = deputy.pk
        own_services = services.get(pk, ())
        own_suspensions = suspensions.get(pk, ())
        active_year = active_days(own_services, own_suspensions, year_start, year_end)
        active_term = active_days(own_services, own_suspensions, term.start_date, term.end_date)
        roll = session.get(pk, no_counts)
        on_roll = roll.get("roll", 0)
        deputy_activities = activities.get(pk, no_counts)
        results = []
        for rule, counts, is_term, quota, times, code in plan:
            active, days = (active_term, term_days) if is_term else (active_year, year_days)
            times_required = None
            applies = active > 0
            if counts == Counts.SESSION_ATTENDANCE:
                required, achieved = on_roll, roll.get("kept", 0)
                applies = applies and on_roll > 0
            elif counts == Counts.SPEECHES:
                required, achieved = quota, speeches.get(pk, 0)
                applies = applies and on_roll > 0
            elif counts == Counts.ACTIVITIES:
                required = scaled(quota, active, days)
                achieved = deputy_activities.get(code, 0)
            elif counts == Counts.CONSTITUENTS or counts == Counts.LIAISON_DEPUTIES:
                if counts == Counts.LIAISON_DEPUTIES:
                    applies = applies and deputy.is_sc_member
                    reach = liaisons.get(pk)
                else:
                    reach = voters.get(pk)
                required = scaled(quota, active, days)
                times_required = scaled(times, active, days)
                achieved = reach[times_required - 1] if reach and times_required else 0
            elif counts == Counts.PROPOSALS:
                required, achieved = scaled(quota, active, days), proposals.get(pk, 0)
            elif counts == Counts.CONSTITUENCY_REPORTS:
                required, achieved = scaled(quota, active, days), reports.get(pk, 0)
            else:  # pragma: no cover - a new Counts kind needs a counter above
                raise ValueError(f"no counter for {counts}")

            if not applies:
                status = Status.NOT_APPLICABLE
            elif achieved >= required:
                status = Status.MET
            else:
                status = unmet_term_status if is_term else Status.SHORTFALL
            results.append(RuleResult(rule, achieved, required, applies, status, times_required))

        evaluation = DeputyEvaluation(
            deputy=deputy,
            term=term,
            year=year,
            active_days_year=active_year,
            active_days_term=active_term,
            results=results,
            absences=roll.get("absent", 0),
        )
        evaluation.interview_reasons = interview_reasons(evaluation, grounds)
        evaluations.append(evaluation)
    return evaluations


def art29_grounds() -> dict[Art29, list[int]]:
    """For each Art. 29 ground, the positions in RULES of the rules it rests on."""
    grounds: dict[Art29, list[int]] = {ground: [] for ground in Art29}
    for index, rule in enumerate(RULES):
        if rule.art29:
            grounds[rule.art29].append(index)
    return grounds


def interview_reasons(
    evaluation: DeputyEvaluation, grounds: dict[Art29, list[int]] | None = None
) -> list[str]:
    """The Art. 29 reasons that apply (DESIGN.md "Interview/warning candidates").

    A reason resting on a rule that is 不适用 for the deputy does not count.
    """
    grounds = grounds or art29_grounds()
    results = evaluation.results
    reasons = []
    if any(results[i].applies for i in grounds[Art29.ABSENCE]) and evaluation.absences > 0:
        reasons.append(str(REASON_ABSENCE))
    collective = [results[i] for i in grounds[Art29.COLLECTIVE]]
    if (
        collective
        and all(r.applies for r in collective)
        and not any(r.achieved for r in collective)
    ):
        reasons.append(str(REASON_NO_ACTIVITY))
    if any(
        results[i].applies and results[i].achieved < results[i].required
        for i in grounds[Art29.CONTACT]
    ):
        reasons.append(str(REASON_VOTERS))
    proposals = [results[i] for i in grounds[Art29.PROPOSAL]]
    last_year = evaluation.year >= evaluation.term.end_date.year
    if last_year and proposals and all(r.applies and r.achieved == 0 for r in proposals):
        reasons.append(str(REASON_NO_PROPOSAL))
    return reasons


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
