"""Which version judges what (README 规则与考核), and reading a version's rules.

- A year is judged by the published version in force on its last day (31 December): the one
  with the latest effective date on or before it. A year ending before every version's
  effective date is judged by the earliest version (the 2024 measures judge 2022 and 2023:
  there were no earlier measures to judge them by).
- A term rule is judged with the other rules of the evaluated year: the version in force at
  the end of that year (one version per evaluation).
- A closed year keeps the version that judged it: a version judging a closed year cannot be
  edited, and no version may be published (or re-dated) so that it would judge a closed year
  (services.check_closed_years). Only an explicit re-judgement by office staff, with a reason
  (YearJudgement), changes it; a re-judgement then wins over the dates for that year.
- Drafts never judge. With no published version (an empty database) the built-in 2024 rules
  judge (supervision.rules.BUILTIN).
"""

from __future__ import annotations

import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from supervision.rules import BUILTIN, Art29, Counts, Period, Rule, RuleVersion
from supervision.rulesets.models import RuleSet, RuleSetRule, YearJudgement

GENERATION_KEY = "rulesets:generation"
LOCAL_TTL = 60  # seconds a process trusts its copy without asking the shared cache


@dataclass(frozen=True)
class Candidate:
    pk: int
    effective_date: date


def choose(candidates: list[Candidate], year: int, judged: int | None = None) -> int | None:
    """The pk of the version judging `year` among published `candidates`."""
    if not candidates:
        return None
    if judged is not None and any(c.pk == judged for c in candidates):
        return judged
    end = date(year, 12, 31)
    in_force = [c for c in candidates if c.effective_date <= end]
    if in_force:
        return max(in_force, key=lambda c: (c.effective_date, c.pk)).pk
    return min(candidates, key=lambda c: (c.effective_date, c.pk)).pk


def parse_articles(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(text).replace("，", ",").split(",") if part.strip())


def to_rule(row: RuleSetRule) -> Rule:
    return Rule(
        code=row.code,
        articles=parse_articles(row.articles),
        short_name=row.short_name,
        period=Period(row.period),
        counts=Counts(row.counts),
        quota=row.quota,
        activity_types=tuple(row.activity_types or ()),
        times=row.times,
        description=row.description,
        art29=Art29(row.art29) if row.art29 else None,
    )


def _versions(rows) -> dict[int, RuleVersion]:
    grouped: dict[int, list] = {}
    heads: dict[int, RuleSet] = {}
    for row in rows:
        grouped.setdefault(row.ruleset_id, []).append(row)
        heads[row.ruleset_id] = row.ruleset
    return {
        pk: RuleVersion(
            heads[pk].name,
            tuple(to_rule(r) for r in sorted(rules, key=lambda r: (r.order, r.pk))),
            pk,
            heads[pk].effective_date,
        )
        for pk, rules in grouped.items()
    }


def _published_rules(year: int | None = None):
    qs = RuleSetRule.objects.filter(ruleset__status=RuleSet.Status.PUBLISHED).select_related(
        "ruleset"
    )
    if year is not None:
        qs = qs.annotate(
            judged=Exists(
                YearJudgement.objects.filter(year=year, ruleset_id=OuterRef("ruleset_id"))
            )
        )
    return qs


def version_for_year(year: int) -> RuleVersion:
    """One query: every published rule (a small table), with whether its version was
    chosen for `year` by a re-judgement."""
    rows = list(_published_rules(year))
    versions = _versions(rows)
    judged = next((row.ruleset_id for row in rows if row.judged), None)
    candidates = [Candidate(v.pk, v.effective_date) for v in versions.values()]
    chosen = choose(candidates, year, judged)
    return versions[chosen] if chosen is not None else BUILTIN


def judging_pks(years) -> dict[int, int | None]:
    """{year: pk of the version judging it} for several years (two queries)."""
    candidates = [
        Candidate(pk, eff)
        for pk, eff in RuleSet.objects.filter(status=RuleSet.Status.PUBLISHED)
        .filter(rules__isnull=False)
        .distinct()
        .values_list("pk", "effective_date")
    ]
    judged = dict(YearJudgement.objects.filter(year__in=list(years)).values_list("year", "ruleset"))
    return {year: choose(candidates, year, judged.get(year)) for year in years}


# --- the current version, cached per process --------------------------------------------

_local: dict = {}


def current_version() -> RuleVersion:
    """The version judging the current year. Cached in the process; a save of any version,
    rule or re-judgement changes the shared generation (the Django cache, Redis in
    production), which every process checks at most every LOCAL_TTL seconds and at once
    after a save of its own."""
    now = time.monotonic()
    year = timezone.localdate().year
    if _local and _local["year"] == year and now - _local["checked"] < LOCAL_TTL:
        return _local["version"]
    generation = cache.get(GENERATION_KEY)
    if _local and _local["year"] == year and generation == _local["generation"]:
        _local["checked"] = now
        return _local["version"]
    version = version_for_year(year)
    _local.update(year=year, generation=generation, checked=now, version=version)
    return version


def forget(**kwargs) -> None:
    """A version, a rule or a re-judgement changed: every process reads again, now and after
    the commit; the dashboard's cached figures (judged by the old rules) go too."""
    from supervision.dashboard.services import bump_data_version

    def again():
        _local.clear()
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)

    again()
    transaction.on_commit(again)
    bump_data_version()


def _forget_on_save(sender, **kwargs):
    forget()


def connect() -> None:
    """At app start: rules.py reads versions through this module, and any saved version,
    rule or re-judgement drops the cached current version."""
    from django.db.models.signals import post_delete, post_save

    from supervision import rules

    rules.register_reader(sys.modules[__name__])
    for model in (RuleSet, RuleSetRule, YearJudgement):
        post_save.connect(_forget_on_save, sender=model, dispatch_uid=f"rulesets-{model.__name__}")
        post_delete.connect(
            _forget_on_save, sender=model, dispatch_uid=f"rulesets-d-{model.__name__}"
        )
