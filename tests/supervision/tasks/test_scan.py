"""The weekly scan: one flag per open shortfall, resolved when met, never duplicated."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supervision.models import JobRun, ShortfallFlag
from supervision.notifications.scan import scan_shortfalls
from supervision.tasks import scan_shortfalls as scan_task
from tests.supervision.tasks.conftest import (
    IDLE_SHORTFALLS_2026,
    IDLE_YEAR_RULES,
    TRAINING_DAY,
    attend,
    idle_flags,
)

pytestmark = pytest.mark.django_db

# 2026 has ended by this date: its shortfalls are flagged (while it runs, nothing is).
ENDED = date(2027, 1, 4)


def open_flags(year):
    return set(
        ShortfallFlag.objects.filter(year=year, resolved_at__isnull=True).values_list(
            "deputy_id", "rule_code"
        )
    )


def test_scan_twice_keeps_one_flag_per_shortfall_and_its_start(district):
    # The leader attended a training and two group activities: those two rules are met.
    attend(district.term, district.leader, "training", TRAINING_DAY)
    attend(district.term, district.leader, "group", TRAINING_DAY)
    attend(district.term, district.leader, "group", TRAINING_DAY + timedelta(days=1))
    expected = idle_flags(district.member, district.no_account) | idle_flags(
        district.leader, codes=IDLE_SHORTFALLS_2026 - {"ART13_TRAINING", "ART14_GROUP_ACTIVITY"}
    )
    assert len(expected) == 9 + 9 + 7
    first = timezone.now() - timedelta(days=7)
    scan_shortfalls(2026, now=first, as_of=ENDED)
    scan_shortfalls(2026, as_of=ENDED)
    assert ShortfallFlag.objects.filter(year=2026).count() == len(expected)
    assert open_flags(2026) == expected
    # Since when: the first scan's time survives the second one.
    flag = ShortfallFlag.objects.filter(year=2026).first()
    assert flag.opened_at == first and flag.last_seen_at > first


def test_met_shortfall_is_resolved_and_a_new_one_reopens(district):
    scan_shortfalls(2026, as_of=ENDED)
    key = {"deputy": district.member, "year": 2026, "rule_code": "ART13_TRAINING"}
    assert ShortfallFlag.objects.get(**key).resolved_at is None
    participation = attend(district.term, district.member, "training", TRAINING_DAY)
    result = scan_shortfalls(2026, as_of=ENDED)
    assert result.resolved == 1
    assert ShortfallFlag.objects.get(**key).resolved_at is not None
    participation.delete()
    later = timezone.now() + timedelta(days=1)
    result = scan_shortfalls(2026, now=later, as_of=ENDED)
    assert result.reopened == 1
    flag = ShortfallFlag.objects.get(**key)
    assert flag.resolved_at is None and flag.opened_at == later
    assert ShortfallFlag.objects.filter(**key).count() == 1


def test_warning_is_not_flagged(district):
    """2025 is the second-to-last year: unmet term rules are 预警, not 未达标; only the year
    rules are flagged."""
    scan_shortfalls(2025)
    flagged = set(ShortfallFlag.objects.filter(year=2025).values_list("deputy_id", "rule_code"))
    assert flagged == idle_flags(
        district.leader, district.member, district.no_account, codes=IDLE_YEAR_RULES
    )


def test_scan_query_count_does_not_grow_with_deputies(district, make_deputy):
    def count():
        ShortfallFlag.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            scan_shortfalls(2026)
        return len(ctx.captured_queries)

    small = count()
    for i in range(15):
        make_deputy(district.term, f"K{i:03}", group=district.group)
    assert count() == small


def test_scan_task_records_its_run(district):
    scan_task.delay(2026).get()
    run = JobRun.objects.get(name="scan_shortfalls")
    assert run.succeeded and run.finished_at and "open" in run.detail
