"""What is left to do on each unmet rule (issue 14, item 11): "还差 N 次，本年剩余 M 天" (or
本届 for a term rule) and the next scheduled activities that would count for it.

A read on top of the as-of evaluation (compliance.evaluate_year(as_of=…)): only rules that are
进行中 or 预警 in a running period get a hint; nothing is evaluated a second time. One query
for the activities, whatever the number of rules, activities or deputies.

- N: what the rule still needs (required − achieved); its unit follows what the rule counts
  (次, 件 for proposals, 名 for the people of 联系选民/联系代表).
- M: days from the as-of date (counted: a record of that day still counts) to the end of the
  rule's period: 31 December (or the term's end, if earlier) for a year rule, the term's end for
  a term rule.
- ART7 (大会出席) gets no hint: a missed meeting is not made good by a later one.
- The activities: of the rule's types, in the deputy's term, dated from the as-of date to the
  end of the rule's period, that the deputy can attend: on its roll as 受邀, or an activity of
  the deputy's own 代表小组, or one without a group organised by the deputy's own town
  (organiser of the deputy's 代表团) — and not one the deputy is already on the roll of with
  another status (请假, …). At most NEXT_LIMIT per rule, earliest first. Staff see only those of
  them they may see (deputies.scopes.activities_visible_to).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy

from activities.models import Activity, Participation, ParticipationStatus
from deputies.scopes import activities_visible_to
from supervision.evaluation.compliance import Status
from supervision.rules import RULES_BY_CODE, Counts, Period

NEXT_LIMIT = 3

_TEXTS = {
    (Period.YEAR, "times"): gettext_lazy("还差 %(n)s 次，本年剩余 %(days)s 天"),
    (Period.TERM, "times"): gettext_lazy("还差 %(n)s 次，本届剩余 %(days)s 天"),
    (Period.YEAR, "pieces"): gettext_lazy("还差 %(n)s 件，本年剩余 %(days)s 天"),
    (Period.TERM, "pieces"): gettext_lazy("还差 %(n)s 件，本届剩余 %(days)s 天"),
    (Period.YEAR, "people"): gettext_lazy("还差 %(n)s 名，本年剩余 %(days)s 天"),
    (Period.TERM, "people"): gettext_lazy("还差 %(n)s 名，本届剩余 %(days)s 天"),
}
_UNITS = {
    Counts.PROPOSALS: "pieces",
    Counts.CONSTITUENTS: "people",
    Counts.LIAISON_DEPUTIES: "people",
}


@dataclass
class RuleProgress:
    missing: int
    days_left: int
    period: Period
    unit: str
    activities: list = field(default_factory=list)  # [Activity], earliest first

    @property
    def text(self) -> str:
        return str(_TEXTS[(self.period, self.unit)]) % {"n": self.missing, "days": self.days_left}


def _period_end(rule, evaluation) -> date:
    term = evaluation.term
    if rule.period == Period.TERM:
        return term.end_date
    return min(date(evaluation.year, 12, 31), term.end_date)


def _period_start(rule, evaluation) -> date:
    if rule.period == Period.TERM:
        return evaluation.term.start_date
    return max(date(evaluation.year, 1, 1), evaluation.term.start_date)


def rule_progress(evaluation, deputy, viewer=None) -> dict[str, RuleProgress]:
    """{rule code: RuleProgress} for the deputy's unmet rules of a running evaluation
    (a DeputyEvaluation made with as_of); {} for a year-end or ended one. `viewer`: staff
    looking at the deputy's file (the activities are narrowed to theirs); None for the deputy."""
    if evaluation is None or not evaluation.running or evaluation.as_of is None:
        return {}
    as_of = evaluation.as_of
    progress: dict[str, RuleProgress] = {}
    ends: dict[str, date] = {}
    for result in evaluation.results:
        rule = result.rule
        if (
            not result.applies
            or result.status not in (Status.IN_PROGRESS, Status.WARNING)
            or rule.counts == Counts.SESSION_ATTENDANCE
            or result.achieved >= result.required
        ):
            continue
        end = _period_end(rule, evaluation)
        if as_of > end:
            continue
        start = max(as_of, _period_start(rule, evaluation))
        progress[rule.code] = RuleProgress(
            missing=result.required - result.achieved,
            days_left=(end - start).days + 1,
            period=rule.period,
            unit=_UNITS.get(rule.counts, "times"),
        )
        if rule.counts == Counts.ACTIVITIES:
            ends[rule.code] = end
    if ends:
        _attach_activities(progress, ends, evaluation, deputy, viewer)
    return progress


def _attach_activities(progress, ends, evaluation, deputy, viewer) -> None:
    """One query: per activity type, the first NEXT_LIMIT activities the deputy can attend
    (the types of different rules do not overlap, so each rule's first few are among them)."""
    as_of = evaluation.as_of
    by_type = {t: code for code in ends for t in RULES_BY_CODE[code].activity_types}
    in_period = Q(pk__in=[])
    for code, end in ends.items():
        in_period |= Q(type__in=RULES_BY_CODE[code].activity_types, date__lte=end)
    roll = Participation.objects.filter(activity=OuterRef("pk"), deputy=deputy)
    attendable = Q(Exists(roll.filter(status=ParticipationStatus.INVITED)))
    if deputy.group_id:
        attendable |= Q(group_id=deputy.group_id)
    attendable |= Q(group__isnull=True, organiser__delegation_id=deputy.delegation_id)
    activities = Activity.objects.all() if viewer is None else activities_visible_to(viewer)
    rows = (
        activities.filter(term_id=deputy.term_id, date__gte=as_of)
        .filter(in_period)
        .filter(attendable)
        .exclude(Exists(roll.exclude(status=ParticipationStatus.INVITED)))
        .select_related("organiser")
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("type")], order_by=[F("date"), F("name")])
        )
        .filter(rank__lte=NEXT_LIMIT)
        .order_by("date", "name")
    )
    for activity in rows:
        entry = progress[by_type[activity.type]]
        if len(entry.activities) < NEXT_LIMIT:
            entry.activities.append(activity)
