"""Honest status during the year (issue 14, item 13), walked in the browser: the demo deputy's
own file on 3 December 2026, before the year ends, shows 进行中/预警 and "截至 2026-12-03",
never 未达标, with what is left on each open rule and the next activity that would count
(item 11). The same page on 4 January 2027 judges the ended year: 未达标, "截至 2027-01-04".

The demo deputy has no 履职学习培训 in 2026 (0/1: due round(337/365) = 1 by 3 December, so
预警) and has reached 3 of the 5 constituents 联系选民 asks for (预警, 还差 2 名)."""

from datetime import date

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRAINING = "履职学习培训：预算审查（旅程测试）"


def _statuses(page) -> dict[str, str]:
    pairs = page.locator("details.jd-rule").evaluate_all(
        "els => els.map(e => [e.dataset.rule, e.dataset.status])"
    )
    return dict(pairs)


def test_status_before_and_after_the_year_end(journey, monkeypatch):
    from activities.models import Activity, Participation
    from deputies.models import Deputy
    from supervision.evaluation import compliance

    demo_deputy = Deputy.objects.get(user__username="deputy")
    training = Activity.objects.create(term=demo_deputy.term, name=TRAINING, type="training",
                                       date=date(2026, 12, 18))  # fmt: skip
    Participation.objects.create(activity=training, deputy=demo_deputy, status="invited")
    monkeypatch.setattr(compliance, "as_of_today", lambda: date(2026, 12, 3))

    deputy = journey("deputy")
    deputy.log_in("deputy")
    deputy.step("home")
    deputy.nav("我的履职档案")
    page = deputy.step("file-3-december")
    text = page.locator("main").inner_text()
    assert "截至 2026-12-03" in text
    assert page.locator("[data-overall]").first.inner_text() == "2 项进行中（有预警）"
    statuses = _statuses(page)
    assert "shortfall" not in statuses.values()
    assert page.locator("details.jd-rule .badge", has_text="未达标").count() == 0
    assert statuses["ART13_TRAINING"] == "warning"
    assert statuses["ART15_VOTERS"] == "warning"
    assert [k for k, v in statuses.items() if v not in ("met", "not_applicable")] == [
        "ART13_TRAINING",
        "ART15_VOTERS",
    ]
    assert page.locator(".jd-rule-progress").all_inner_texts() == [
        "还差 1 次，本年剩余 29 天",
        "还差 2 名，本年剩余 29 天",
    ]
    assert page.locator('[data-testid="next-ART13_TRAINING"] li').all_inner_texts() == [
        f"可参加：2026-12-18 {TRAINING}"
    ]

    # After the year end the same page judges 2026 in full.
    monkeypatch.setattr(compliance, "as_of_today", lambda: date(2027, 1, 4))
    page.goto(deputy.url("/deputies/mine/?year=2026"))
    page = deputy.step("file-4-january")
    text = page.locator("main").inner_text()
    assert "截至 2027-01-04" in text and "还差" not in text
    assert page.locator("[data-overall]").first.inner_text() == "2 项未达标"
    statuses = _statuses(page)
    assert [k for k, v in statuses.items() if v == "shortfall"] == [
        "ART13_TRAINING",
        "ART15_VOTERS",
    ]
    assert "未达标项：履职学习培训、联系选民" in text
