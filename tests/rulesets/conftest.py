"""Rule set tests change the versions in force: each starts and ends with the process's cached
current version forgotten (supervision.rulesets.selectors.forget), so no other test sees them."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_rules():
    from supervision.rulesets import selectors

    selectors._local.clear()
    yield
    selectors._local.clear()


@pytest.fixture
def office(make_user):
    from deputies.models import Role

    return make_user("office_rules", roles=[(Role.OFFICE_STAFF, None)])


@pytest.fixture
def v2024(db):
    """The migrated 2024 version; made again from the declarations when an earlier
    transactional test (a browser journey) flushed the tables."""
    from supervision.rules import BUILTIN
    from supervision.rulesets.models import RuleSet, RuleSetRule

    version, created = RuleSet.objects.get_or_create(
        name=BUILTIN.name,
        defaults={"effective_date": BUILTIN.effective_date, "status": RuleSet.Status.PUBLISHED},
    )
    if created:
        for order, rule in enumerate(BUILTIN.rules, 1):
            RuleSetRule.objects.create(
                ruleset=version,
                order=order,
                code=rule.code,
                articles=",".join(map(str, rule.articles)),
                short_name=rule.short_name,
                period=rule.period,
                counts=rule.counts,
                quota=rule.quota,
                activity_types=list(rule.activity_types),
                times=rule.times,
                description=rule.description,
                art29=rule.art29 or "",
            )
    return version
