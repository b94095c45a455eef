"""Small helpers shared by the parts: dates, Chinese numbers, the batch writer."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from deputies.demo.data import BATCH, CN_DIGITS, DATA_END, TZ
from deputies.models import (
    Delegation,
    Deputy,
)


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五 (for names such as 第十二代表小组)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = CN_DIGITS[n // 100] + "百"
        if not rest:
            return head
        if rest < 10:
            return head + "零" + CN_DIGITS[rest]
        return head + ("一" if rest < 20 else "") + cn_number(rest)
    return str(n)


def organiser_name(delegation_name: str, kind: str) -> str:
    return (
        f"{delegation_name}人大" if kind == Delegation.Kind.TOWN else f"{delegation_name}人大工委"
    )


def at(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=TZ)


def weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


@dataclass
class Info:
    index: int
    deputy: Deputy
    delegation: int
    group: int
    intervals: list = field(default_factory=list)  # active (start, end), suspensions removed
    regular: bool = True  # whole term, never suspended: eligible for archetypes
    sc_member: bool = False
    constituents: list = field(default_factory=list)  # Constituent pks
    by_election: date | None = None

    def active_on(self, d: date) -> bool:
        return any(s <= d <= e for s, e in self.intervals)

    def active_days(self, lo: date, hi: date) -> int:
        return sum(max(0, (min(e, hi) - max(s, lo)).days + 1) for s, e in self.intervals)

    def random_date(self, rng: random.Random, lo: date, hi: date) -> date | None:
        spans = [(max(s, lo), min(e, hi)) for s, e in self.intervals if s <= hi and e >= lo]
        total = sum((e - s).days + 1 for s, e in spans)
        if total <= 0:
            return None
        k = rng.randrange(total)
        for s, e in spans:
            n = (e - s).days + 1
            if k < n:
                return s + timedelta(days=k)
            k -= n
        raise AssertionError("unreachable")


def year_window(year: int) -> tuple[date, date]:
    """Days on which closed-session records fall: after the January session, to mid-December."""
    return date(year, 2, 1), min(date(year, 12, 20), DATA_END)


class Writer:
    """Buffers rows of one model and writes them with bulk_create in batches.

    `log` (optional) hears about every 200,000 rows, so a large run shows it is moving.
    """

    EVERY = 200_000

    def __init__(self, model, after=None, log=None):
        self.model, self.after, self.log, self.rows, self.count = model, after, log, [], 0

    def add(self, obj):
        self.rows.append(obj)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self):
        if self.rows:
            self.model.objects.bulk_create(self.rows, batch_size=BATCH)
            if self.after:
                self.after(self.rows)
            before, self.count = self.count, self.count + len(self.rows)
            self.rows = []
            if self.log and before // self.EVERY != self.count // self.EVERY:
                self.log(self.model._meta.verbose_name, self.count)
        return self.count
