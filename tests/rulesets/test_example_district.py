"""Another district's rules without code: the shipped example (different quotas, no 向选民述职,
代表小组活动 also counting 议案建议督办) is imported with the management command, published,
and judges the demo data."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from deputies import demo
from supervision.evaluation.compliance import Status, evaluate_year
from supervision.rules import version_for_year
from supervision.rulesets import selectors
from supervision.rulesets.models import RuleSet

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "supervision/rulesets/examples/example_district.json"
)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        demo.seed_demo(log=lambda line: None)
        yield
        demo.reset_demo(reference=True)


@pytest.mark.django_db
def test_the_example_district_judges_the_demo_data(capsys):
    jiading = evaluate_year(2025)
    # Another district's installation has its own measures only.
    RuleSet.objects.all().delete()
    call_command("ruleset", "import", str(EXAMPLE), "--reason", "示例区规则", "--publish")
    selectors.forget()
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert version_for_year(2025).name == example["name"]

    judged = evaluate_year(2025)
    assert judged.version.name == example["name"]
    codes = [rule.code for rule in judged.rules]
    assert "ART26_REPORT" not in codes and len(codes) == 11
    by_deputy = jiading.by_deputy_id()
    assert len(judged.rows) == len(jiading.rows)
    # Other quotas: 常委会组织活动 needs 3 here, 2 in Jiading, for a deputy in office all year.
    row = next(r for r in judged.rows if r.active_days_year == 365)
    assert row.result("ART11_SC_ACTIVITY").required == 3
    assert by_deputy[row.deputy.pk].result("ART11_SC_ACTIVITY").required == 2
    # 小组及督办活动 counts 议案建议督办 as well: never fewer than 代表小组活动 counted.
    more = 0
    for r in judged.rows:
        group = r.result("ART14_GROUP_ACTIVITY")
        old = by_deputy[r.deputy.pk].result("ART14_GROUP_ACTIVITY")
        assert group.rule.short_name == "小组及督办活动"
        assert group.achieved >= old.achieved
        more += group.achieved > old.achieved
    assert more > 0
    statuses = {r.result("ART15_VOTERS").status for r in judged.rows}
    assert Status.MET in statuses and Status.SHORTFALL in statuses
