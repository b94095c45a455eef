"""At district scale the evaluation runs its count queries at the same time, each on its own
PostgreSQL connection (issue 19, item 2). The numbers must be the ones a person counts by
hand, and a transaction's own writes must still count (inside one it stays sequential)."""

from datetime import date

import pytest
from django.db import transaction

from activities.models import Attendance, Meeting, Speech
from supervision.evaluation import compliance

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(term, make_delegation, make_deputy):
    town = make_delegation("北镇")
    a = make_deputy(term, "D001", name="甲代表", delegation=town)
    b = make_deputy(term, "D002", name="乙代表", delegation=town)
    meeting = Meeting.objects.create(
        term=term, name="全体会议", kind=Meeting.Kind.PLENARY, date=date(2025, 1, 10)
    )
    Attendance.objects.create(meeting=meeting, deputy=a, status="present")
    Attendance.objects.create(meeting=meeting, deputy=b, status="absent")
    Speech.objects.create(deputy=a, date=date(2025, 1, 10), meeting=meeting)
    Speech.objects.create(deputy=a, date=date(2025, 1, 11), meeting=meeting)
    return term, a, b


@pytest.fixture
def concurrent(monkeypatch):
    """Every evaluation counts concurrently (as at 2,000 deputies and more); the loads run on
    other threads are recorded."""
    monkeypatch.setattr(compliance.Context, "CONCURRENT_FROM", 0)
    threads = []
    real = compliance._on_own_connection

    def recording(load):
        import threading

        threads.append(threading.current_thread().name)
        real(load)

    monkeypatch.setattr(compliance, "_on_own_connection", recording)
    return threads


def achieved(evaluation, deputy, code):
    return evaluation.by_deputy_id()[deputy.pk].result(code).achieved


def test_concurrent_counts_are_the_hand_counted_ones(district, concurrent):
    term, a, b = district

    evaluation = compliance.evaluate_year(2025, term)

    assert concurrent and all(name.startswith("evaluation") for name in concurrent)
    assert achieved(evaluation, a, "ART7_SESSION") == 1
    assert achieved(evaluation, b, "ART7_SESSION") == 0
    assert evaluation.by_deputy_id()[b.pk].absences == 1
    assert achieved(evaluation, a, "ART8_SPEECH") == 2
    assert achieved(evaluation, b, "ART8_SPEECH") == 0


def test_inside_a_transaction_its_own_writes_count(district, concurrent):
    term, a, b = district

    with transaction.atomic():
        Speech.objects.create(deputy=b, date=date(2025, 3, 1))
        evaluation = compliance.evaluate_year(2025, term)

    assert concurrent == []  # other connections would not see the speech just written
    assert achieved(evaluation, b, "ART8_SPEECH") == 1
