"""The shortfall scan: one evaluation of the year, turned into ShortfallFlag rows.

A flag exists per (deputy, year, rule) and is never duplicated: the scan creates it when a
shortfall (未达标) first appears, keeps `last_seen_at` fresh while it lasts, sets `resolved_at`
when the rule is met (or the deputy is no longer evaluated), and reopens it — from the day it
reappears — if it comes back. 预警 (a term rule behind in the second-to-last year, or any rule
behind the pace of a running year) is not a shortfall and gets no flag; reminders mention it
from the evaluation itself.

The scan evaluates the year as of today (DESIGN.md "Status as of a date"): while the year is
running nothing in it is 未达标, so the scan opens no flag for it (and resolves any flag of the
year left open); flags open once the year has ended.

The cost is evaluate_year's fixed number of queries plus one read and at most four bulk writes,
whatever the number of deputies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from supervision.dashboard.services import prewarm as prewarm_dashboard
from supervision.evaluation import compliance
from supervision.evaluation.compliance import Evaluation, Status, evaluate_year
from supervision.models import ShortfallFlag


@dataclass
class ScanResult:
    year: int
    evaluation: Evaluation
    opened: int = 0
    reopened: int = 0
    still_open: int = 0
    resolved: int = 0
    # (deputy_id, rule_code) -> since when the shortfall has been open, after the scan.
    open_since: dict[tuple[int, str], datetime] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return (
            f"{self.year}: {len(self.open_since)} open "
            f"(+{self.opened} new, {self.reopened} reopened, {self.resolved} resolved)"
        )


def open_shortfalls(evaluation: Evaluation) -> set[tuple[int, str]]:
    return {
        (row.deputy.pk, result.rule.code)
        for row in evaluation.rows
        for result in row.results
        if result.status == Status.SHORTFALL
    }


def scan_shortfalls(
    year: int | None = None, now: datetime | None = None, as_of: date | None = None
) -> ScanResult:
    """Bring the year's flags in line with a fresh evaluation as of `as_of` (default today).
    Running it twice changes nothing but `last_seen_at`."""
    now = now or timezone.now()
    as_of = as_of or compliance.as_of_today()
    year = year or as_of.year
    evaluation = evaluate_year(year, as_of=as_of)
    current = open_shortfalls(evaluation)
    result = ScanResult(year=year, evaluation=evaluation)

    with transaction.atomic():
        # Locking the year's flags makes two overlapping scans take turns; rows inserted by
        # the other scan meanwhile are absorbed by ignore_conflicts below.
        existing = {
            (deputy_id, code): (pk, opened_at, resolved_at)
            for pk, deputy_id, code, opened_at, resolved_at in ShortfallFlag.objects.filter(
                year=year
            )
            .select_for_update()
            .values_list("pk", "deputy_id", "rule_code", "opened_at", "resolved_at")
        }
        new, reopen, keep, resolve = [], [], [], []
        for key in current:
            flag = existing.get(key)
            if flag is None:
                new.append(key)
            elif flag[2] is not None:
                reopen.append(flag[0])
                result.open_since[key] = now
            else:
                keep.append(flag[0])
                result.open_since[key] = flag[1]
        for key, (pk, _opened, resolved_at) in existing.items():
            if resolved_at is None and key not in current:
                resolve.append(pk)

        ShortfallFlag.objects.bulk_create(
            [
                ShortfallFlag(
                    deputy_id=deputy_id,
                    year=year,
                    rule_code=code,
                    opened_at=now,
                    last_seen_at=now,
                )
                for deputy_id, code in new
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        for key in new:
            result.open_since[key] = now
        if reopen:
            ShortfallFlag.objects.filter(pk__in=reopen).update(
                opened_at=now, last_seen_at=now, resolved_at=None
            )
        if keep:
            ShortfallFlag.objects.filter(pk__in=keep).update(last_seen_at=now)
        if resolve:
            ShortfallFlag.objects.filter(pk__in=resolve).update(resolved_at=now)

    result.opened, result.reopened = len(new), len(reopen)
    result.still_open, result.resolved = len(keep), len(resolve)
    prewarm_dashboard(year, evaluation)  # catches writes no signal saw; the page opens warm
    return result
