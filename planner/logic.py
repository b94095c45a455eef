"""The invitation planner (issue 16 item 3): whom to invite so that as many deputies as possible
reach the Art. 12 term quotas by the term's end. ONE pure function, `plan_invitations`: plain
data in, plain data out, no ORM (planner/selectors.py gathers the inputs).

The plan is the future opportunities of the term, each counting for one Art. 12 rule
(列席常委会会议/代表座谈会 for ART12_SC_MEETING, 一府一委两院活动 for ART12_GOV_ACTIVITY), with a
date and N seats. The plan is simulated in date order (then id): at each opportunity the
deputies already invited keep their seats and are assumed to attend; the free seats go to the
deputies proposed as below, who are assumed to attend too. The chosen opportunity's list is
the one staff see (or the list they edited, which the simulation then uses for it).

Who may be proposed at an opportunity: a deputy to whom the rule applies (required > 0), in
office on its date (within a service period), not suspended on it, not on leave that day, and
not already on its roll (invited, on leave for it, or already recorded).

The order at one opportunity, with `need` = required − attended (what is still missing,
counting the seats the deputy already holds later in the plan) and `chances` = the later
opportunities of the rule (this one included) the deputy could still be proposed for:
1. behind and still able to make it (0 < need ≤ chances), least slack first (chances − need:
   how many they can afford to miss — so the further behind and the fewer chances left, the
   earlier), then the larger need;
2. behind and no longer able to make it (need > chances), the larger need first;
3. at or above the quota (need ≤ 0), the smallest surplus first.
A class never yields a seat to a later class, so a deputy at quota is never proposed ahead of
one behind. Within a class the seats are balanced across delegations (the delegation with the
fewest deputies chosen so far for this opportunity goes next), then the deputy with the fewest
days of service left from the date goes first, then the lower id.

The projection: the share of deputies (to whom an Art. 12 rule applies) that meet every Art. 12
rule at the term's end, as recorded now and after the plan is invited and attended. A deputy
cannot reach the quota any more when, for some rule, what is missing exceeds the plan's
opportunities of that rule they could attend at all (seats aside).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

ART12_RULES = ("ART12_SC_MEETING", "ART12_GOV_ACTIVITY")

REACHABLE, UNREACHABLE, AT_QUOTA = 0, 1, 2


@dataclass(frozen=True)
class Opportunity:
    id: int
    date: date
    rule: str  # the Art. 12 rule it counts for
    seats: int
    invited: frozenset[int] = frozenset()  # already invited: they hold seats, assumed to attend
    excluded: frozenset[int] = frozenset()  # on its roll otherwise (leave, already recorded)


@dataclass(frozen=True)
class Standing:
    """A deputy as the planner needs them."""

    id: int
    delegation: int
    attended: Mapping[str, int]  # per rule, attended so far in the term
    required: Mapping[str, int]  # per rule, the term-end requirement; absent or 0: not applicable
    service: tuple[tuple[date, date], ...]  # periods in office, both ends inclusive
    suspensions: tuple[tuple[date, date | None], ...] = ()
    leave: frozenset[date] = frozenset()  # days on leave


@dataclass(frozen=True)
class Candidate:
    """One deputy's place in the order at the chosen opportunity."""

    id: int
    delegation: int
    attended: int
    required: int
    need: int
    chances: int
    days_left: int
    tier: int

    @property
    def behind(self) -> bool:
        return self.need > 0


@dataclass(frozen=True)
class Unreachable:
    id: int
    rule: str
    need: int  # still missing now
    chances: int  # the plan's opportunities of the rule the deputy could attend


@dataclass
class Plan:
    proposed: tuple[int, ...]  # the chosen opportunity's list (new invitations, in order)
    ranking: tuple[Candidate, ...]  # every eligible deputy at the chosen opportunity, in order
    refused: tuple[int, ...]  # ids of an edited list that may not be invited there
    schedule: dict[int, tuple[int, ...]]  # every opportunity: the deputies assumed to attend
    met_now: int
    met_planned: int
    applicable: int
    cannot_reach: tuple[Unreachable, ...] = field(default_factory=tuple)

    @property
    def rate_now(self) -> Fraction:
        return Fraction(self.met_now, self.applicable) if self.applicable else Fraction(0)

    @property
    def rate_planned(self) -> Fraction:
        return Fraction(self.met_planned, self.applicable) if self.applicable else Fraction(0)


def _within(day: date, periods: Iterable[tuple[date, date | None]]) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in periods)


def _available(deputy: Standing, opportunity: Opportunity) -> bool:
    day = opportunity.date
    return (
        deputy.required.get(opportunity.rule, 0) > 0
        and _within(day, deputy.service)
        and not _within(day, deputy.suspensions)
        and day not in deputy.leave
        and deputy.id not in opportunity.invited
        and deputy.id not in opportunity.excluded
    )


def _days_left(deputy: Standing, day: date) -> int:
    return max(
        ((end - day).days + 1 for start, end in deputy.service if start <= day <= end), default=0
    )


def _meets_all(attended: Mapping[str, int], deputy: Standing) -> bool:
    return all(attended.get(rule, 0) >= need for rule, need in deputy.required.items() if need > 0)


def plan_invitations(
    opportunities: Iterable[Opportunity],
    deputies: Iterable[Standing],
    chosen: int,
    edited: Iterable[int] | None = None,
) -> Plan:
    """Propose whom to invite to the opportunity `chosen` (its free seats), simulate the whole
    plan, and project the Art. 12 attainment rate at the term's end (module docstring).
    `edited`: staff's own list for the chosen opportunity, used instead of the proposal (ids
    that may not be invited there are left out and returned in `refused`)."""
    plan = sorted(opportunities, key=lambda o: (o.date, o.id))
    people = list(deputies)
    by_id = {d.id: d for d in people}
    rules = {rule for d in people for rule, n in d.required.items() if n > 0}
    attended = {d.id: {rule: d.attended.get(rule, 0) for rule in rules} for d in people}
    # Eligibility at each opportunity, computed once; and, from each opportunity on, how many
    # of its rule's opportunities each eligible deputy could still attend (a suffix count).
    able: list[set[int]] = [set() for _o in plan]
    for d in people:
        # Most deputies: one service period, never suspended, no leave (the fast path).
        simple = len(d.service) == 1 and not d.suspensions and not d.leave
        start, end = d.service[0] if d.service else (None, None)
        for index, o in enumerate(plan):
            if simple:
                ok = (
                    start <= o.date <= end
                    and d.required.get(o.rule, 0) > 0
                    and d.id not in o.invited
                    and d.id not in o.excluded
                )
            else:
                ok = _available(d, o)
            if ok:
                able[index].add(d.id)
    running: dict[tuple[int, str], int] = defaultdict(int)
    chances_from: list[dict[int, int]] = [{} for _o in plan]
    for index in reversed(range(len(plan))):
        rule = plan[index].rule
        for deputy_id in able[index]:
            running[deputy_id, rule] += 1
            chances_from[index][deputy_id] = running[deputy_id, rule]
    # Seats already held later in the plan (already invited), per deputy and rule.
    held: dict[tuple[int, str], int] = defaultdict(int)
    for o in plan:
        for deputy_id in o.invited:
            held[deputy_id, o.rule] += 1

    cannot_reach = []
    for d in people:
        for rule in sorted(rules):
            required = d.required.get(rule, 0)
            if required <= 0:
                continue
            chances = running[d.id, rule] + held[d.id, rule]
            need = required - attended[d.id][rule]
            if need > chances:
                cannot_reach.append(Unreachable(d.id, rule, need, chances))

    applicable = [d for d in people if any(n > 0 for n in d.required.values())]
    met_now = sum(1 for d in applicable if _meets_all(attended[d.id], d))

    schedule: dict[int, tuple[int, ...]] = {}
    proposed: tuple[int, ...] = ()
    ranking: tuple[Candidate, ...] = ()
    refused: tuple[int, ...] = ()
    for index, o in enumerate(plan):
        for deputy_id in o.invited:
            held[deputy_id, o.rule] -= 1
        free = max(0, o.seats - len(o.invited))
        needs = {
            deputy_id: by_id[deputy_id].required[o.rule]
            - attended[deputy_id][o.rule]
            - held[deputy_id, o.rule]
            for deputy_id in able[index]
        }
        # The classes first (cheap); then the candidates of only as many classes as the seats
        # need (every class for the chosen opportunity, whose whole order staff see). At city
        # scale most deputies fall in classes no seat reaches.
        classes: dict[tuple, list[int]] = defaultdict(list)
        for deputy_id, need in needs.items():
            classes[_key(need, chances_from[index][deputy_id])].append(deputy_id)
        candidates = []
        for key in sorted(classes):
            if o.id != chosen and len(candidates) >= free:
                break
            for deputy_id in classes[key]:
                d = by_id[deputy_id]
                candidates.append(
                    Candidate(deputy_id, d.delegation, attended[deputy_id][o.rule],
                              d.required[o.rule], needs[deputy_id], chances_from[index][deputy_id],
                              _days_left(d, o.date), key[0])
                )  # fmt: skip
        order = _order(candidates)
        if o.id == chosen:
            ranking = tuple(order)
            if edited is None:
                new = tuple(c.id for c in order[:free])
            else:
                allowed = {c.id for c in order}
                wanted = list(dict.fromkeys(edited))
                new = tuple(i for i in wanted if i in allowed)
                refused = tuple(i for i in wanted if i not in allowed)
            proposed = new
        else:
            new = tuple(c.id for c in order[:free])
        attending = tuple(sorted(o.invited)) + new
        for deputy_id in attending:
            if deputy_id in attended:  # an invited deputy outside the plan's people: no count
                counts = attended[deputy_id]
                counts[o.rule] = counts.get(o.rule, 0) + 1
        schedule[o.id] = attending

    met_planned = sum(1 for d in applicable if _meets_all(attended[d.id], d))
    return Plan(
        proposed=proposed,
        ranking=ranking,
        refused=refused,
        schedule=schedule,
        met_now=met_now,
        met_planned=met_planned,
        applicable=len(applicable),
        cannot_reach=tuple(cannot_reach),
    )


def _key(need: int, chances: int) -> tuple:
    """The class of a deputy at an opportunity (module docstring); its first item the tier."""
    if need <= 0:
        return (AT_QUOTA, -need)
    if need <= chances:
        return (REACHABLE, chances - need, -need)
    return (UNREACHABLE, -need)


def _order(candidates: list[Candidate]) -> list[Candidate]:
    """Classes in order; within a class, balanced across delegations (module docstring)."""
    classes: dict[tuple, list[Candidate]] = defaultdict(list)
    for c in candidates:
        classes[_key(c.need, c.chances)].append(c)
    chosen: list[Candidate] = []
    per_delegation: dict[int, int] = defaultdict(int)
    for key in sorted(classes):
        queues: dict[int, list[Candidate]] = defaultdict(list)
        for c in sorted(classes[key], key=lambda c: (c.days_left, c.id), reverse=True):
            queues[c.delegation].append(c)  # each queue's next deputy is its last item
        heap = [(per_delegation[g], q[-1].days_left, q[-1].id, g) for g, q in queues.items()]
        heapq.heapify(heap)
        while heap:
            _count, _days, _id, delegation = heapq.heappop(heap)
            queue = queues[delegation]
            chosen.append(queue.pop())
            per_delegation[delegation] += 1
            if queue:
                head = queue[-1]
                heapq.heappush(
                    heap, (per_delegation[delegation], head.days_left, head.id, delegation)
                )
    return chosen
