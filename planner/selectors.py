"""The planner's inputs, read with a fixed number of queries whatever the number of deputies:
the term-end evaluation of supervision.evaluation.compliance (the Art. 12 counts and requirements of
every deputy in office in the term's last year), the service periods and suspensions of the
term, the rolls of the planned activities, and the leave on their dates. Then one call to the
pure planner.logic.plan_invitations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from activities.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    Participation,
    ParticipationStatus,
)
from deputies.models import DeputyGroup, ServicePeriod, Suspension, Term
from deputies.scopes import user_scope
from jdrenda.percent import percent
from supervision.evaluation.compliance import (
    DeputyEvaluation,
    DeputyRef,
    Evaluation,
    RuleResult,
    Status,
    as_of_today,
    evaluate_year,
)
from supervision.rules import RULES_BY_CODE

from .logic import (
    ART12_RULES,
    AT_QUOTA,
    REACHABLE,
    UNREACHABLE,
    Candidate,
    Opportunity,
    Plan,
    Standing,
    plan_invitations,
)
from .models import GroupReminder


def rule_of_type() -> dict[str, str]:
    """The rule of each activity type an Art. 12 rule counts, in the rule version judging the
    current year (read when used: the versions are data, supervision.rulesets)."""
    return {
        t: code
        for code in ART12_RULES
        if code in RULES_BY_CODE
        for t in RULES_BY_CODE[code].activity_types
    }


DEFAULT_SEATS = 10
MAX_SEATS = 500
SHORTLIST = 20  # ranked deputies shown after the proposal, to add from
STANDING_LABELS = {
    REACHABLE: _("落后，按计划可达标"),
    UNREACHABLE: _("落后，已无法达标"),
    AT_QUOTA: _("已达标"),
}


def current_term(today: date | None = None) -> Term | None:
    today = today or as_of_today()
    return (
        Term.objects.filter(start_date__lte=today, end_date__gte=today)
        .order_by("start_date")
        .first()
    )


def upcoming_activities(term: Term, today: date | None = None):
    """The plan: the term's Art. 12 activities from today to the term's end."""
    today = today or as_of_today()
    return Activity.objects.filter(
        term=term, type__in=list(rule_of_type()), date__range=(today, term.end_date)
    ).order_by("date", "pk")


def term_end_rate(evaluation: Evaluation) -> tuple[int, int]:
    """(deputies meeting every Art. 12 rule, deputies to whom one applies) in an evaluation:
    what the planner's projection predicts for the term-end evaluation."""
    met = applicable = 0
    for row in evaluation.rows:
        results = [row.result(code) for code in ART12_RULES]
        applying = [r for r in results if r.applies]
        if applying:
            applicable += 1
            met += all(r.achieved >= r.required for r in applying)
    return met, applicable


@dataclass
class Row:
    """A deputy on the page: who they are and where they stand at the chosen activity."""

    deputy: DeputyRef
    candidate: Candidate | None
    proposed: bool = False

    @property
    def standing(self) -> str:
        if self.candidate is None:
            return ""
        return str(STANDING_LABELS[self.candidate.tier])


@dataclass
class UnreachableRow:
    deputy: DeputyRef
    gaps: list[tuple[str, int, int]] = field(default_factory=list)  # (rule name, need, chances)


@dataclass
class PlannerResult:
    term: Term
    activity: Activity
    rule_name: str
    seats: int
    other_seats: int
    plan: Plan
    opportunities: int
    proposed: list[Row]
    shortlist: list[Row]
    refused: list[DeputyRef]
    cannot_reach: list[UnreachableRow]
    already_invited: int = 0  # 受邀 on the chosen activity's roll before the planner: seats held

    @property
    def rate_now(self) -> float | None:
        return percent(self.plan.met_now, self.plan.applicable)

    @property
    def rate_planned(self) -> float | None:
        return percent(self.plan.met_planned, self.plan.applicable)

    @property
    def proposed_ids(self) -> list[int]:
        return [row.deputy.pk for row in self.proposed]


def planner_inputs(
    term: Term, activities: list[Activity], seats: dict[int, int], evaluation: Evaluation
) -> tuple[list[Opportunity], list[Standing]]:
    """The pure function's inputs for `activities` (each with its seat count). Four queries."""
    ids = [a.pk for a in activities]
    invited, excluded = defaultdict(set), defaultdict(set)
    for activity_id, deputy_id, status in Participation.objects.filter(
        activity_id__in=ids
    ).values_list("activity_id", "deputy_id", "status"):
        target = invited if status == ParticipationStatus.INVITED else excluded
        target[activity_id].add(deputy_id)
    rule_of = rule_of_type()
    opportunities = [
        Opportunity(
            a.pk,
            a.date,
            rule_of[a.type],
            seats[a.pk],
            frozenset(invited[a.pk]),
            frozenset(excluded[a.pk]),
        )  # fmt: skip
        for a in activities
    ]
    services, suspensions, leave = defaultdict(list), defaultdict(list), defaultdict(set)
    for deputy_id, start, end in ServicePeriod.objects.filter(deputy__term=term).values_list(
        "deputy_id", "start_date", "end_date"
    ):
        services[deputy_id].append((start, min(end or term.end_date, term.end_date)))
    for deputy_id, start, end in Suspension.objects.filter(deputy__term=term).values_list(
        "deputy_id", "start_date", "end_date"
    ):
        suspensions[deputy_id].append((start, end))
    # Approved leave (请假 on the roll of a session meeting) on a planned day.
    for deputy_id, day in Attendance.objects.filter(
        status=AttendanceStatus.LEAVE, meeting__date__in={a.date for a in activities}
    ).values_list("deputy_id", "meeting__date"):
        leave[deputy_id].add(day)
    standings = []
    for row in evaluation.rows:
        results = {code: row.result(code) for code in ART12_RULES}
        standings.append(
            Standing(
                id=row.deputy.pk,
                delegation=row.deputy.delegation.pk,
                attended={code: r.achieved for code, r in results.items()},
                required={code: r.required if r.applies else 0 for code, r in results.items()},
                service=tuple(services[row.deputy.pk]),
                suspensions=tuple(suspensions[row.deputy.pk]),
                leave=frozenset(leave[row.deputy.pk]),
            )
        )
    return opportunities, standings


def plan_for(
    term: Term,
    activity: Activity,
    activities: list[Activity],
    seats: int,
    other_seats: int,
    edited: list[int] | None = None,
) -> PlannerResult:
    """The page: the proposal for `activity` with `seats` seats (the plan's other activities
    with `other_seats` each), or the projection of staff's `edited` list."""
    evaluation = evaluate_year(term.end_date.year, term=term)
    seat_counts = {a.pk: other_seats for a in activities}
    seat_counts[activity.pk] = seats
    opportunities, standings = planner_inputs(term, activities, seat_counts, evaluation)
    plan = plan_invitations(opportunities, standings, activity.pk, edited)
    refs = {row.deputy.pk: row.deputy for row in evaluation.rows}
    candidates = {c.id: c for c in plan.ranking}
    proposed = [Row(refs[i], candidates.get(i), True) for i in plan.proposed]
    chosen = set(plan.proposed)
    shortlist = [Row(refs[c.id], c) for c in plan.ranking if c.id not in chosen][:SHORTLIST]
    unreachable: dict[int, UnreachableRow] = {}
    for gap in plan.cannot_reach:
        row = unreachable.setdefault(gap.id, UnreachableRow(refs[gap.id]))
        row.gaps.append((RULES_BY_CODE[gap.rule].short_name, gap.need, gap.chances))
    return PlannerResult(
        term=term,
        activity=activity,
        rule_name=RULES_BY_CODE[rule_of_type()[activity.type]].short_name,
        seats=seats,
        other_seats=other_seats,
        plan=plan,
        opportunities=len(activities),
        proposed=proposed,
        shortlist=shortlist,
        refused=[refs[i] for i in plan.refused if i in refs],
        cannot_reach=sorted(unreachable.values(), key=lambda r: r.deputy.code),
        already_invited=next(len(o.invited) for o in opportunities if o.id == activity.pk),
    )


# --- item 4: the members a group leader may remind ----------------------------------------------

BEHIND = (Status.WARNING, Status.SHORTFALL)


def groups_led_by(user):
    """The groups this user leads (DeputyGroup.leader or a 代表小组组长 assignment): the only
    groups whose members they may remind."""
    return DeputyGroup.objects.filter(pk__in=user_scope(user).group_ids)


def behind_rules(member: DeputyEvaluation) -> list[RuleResult]:
    """The rules a member is behind on: 预警 (behind the pace) or 未达标."""
    return [r for r in member.results if r.status in BEHIND]


def behind_members(members: list[DeputyEvaluation]) -> list[tuple[DeputyEvaluation, list]]:
    return [(m, rules) for m in members if (rules := behind_rules(m))]


@dataclass
class ReminderPanel:
    members: list[tuple[DeputyEvaluation, list[RuleResult]]]
    last: GroupReminder | None  # the group's latest reminder (who sent it, when, to how many)


def reminder_panel(user, group: DeputyGroup, table) -> ReminderPanel | None:
    """For the group page: the members behind on any rule as of today, when the user leads
    the group and the page shows the running year; else None (no panel). One query (the
    latest reminder), only for the group's leader."""
    if not table.running or group.pk not in user_scope(user).group_ids:
        return None
    last = (
        GroupReminder.objects.filter(group=group)
        .select_related("sent_by")
        .annotate(n=Count("recipients"))
        .order_by("-sent_at", "-pk")
        .first()
    )
    return ReminderPanel(behind_members(table.members), last)
