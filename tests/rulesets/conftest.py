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
    from supervision.rulesets.models import RuleSet

    return RuleSet.objects.get(name="《嘉定区人大代表履职管理办法（试行）》2024")
