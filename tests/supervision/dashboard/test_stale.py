"""Stale-while-revalidate: after a change the dashboard shows its last figures at once, marked
with their time, while one background task recomputes them.

Tests run Celery eagerly (the task would run inside the request), so the tests that look at
the page *between* the change and the recomputation replace the queueing with a recorder:
that is the moment a real worker has not yet picked the task up. The recomputation itself is
then run as the worker would (supervision.tasks.refresh_dashboard)."""

import threading
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kombu.exceptions import OperationalError as BrokerError

from activities.models import Speech
from supervision import tasks
from supervision.dashboard import services as dashboard

from .test_dashboard import page, row

LOCK = "dashboard:refreshing:2025"


@pytest.fixture
def queued(monkeypatch):
    """The years whose recomputation was queued (and not run: no worker yet)."""
    calls = []
    monkeypatch.setattr(
        tasks.refresh_dashboard, "apply_async", lambda args, **kw: calls.append(args)
    )
    return calls


def speech_rate(html):
    return row(html, "rule", "ART8_SPEECH")[-1]


def test_after_a_change_the_old_figures_show_at_once_and_one_recomputation_is_queued(
    town, client_for, queued
):
    client = client_for(town.leadership)
    first = page(client)  # never computed before: computed inline, nothing queued
    assert speech_rate(first) == "33.3%" and "正在重新计算" not in first and queued == []
    Speech.objects.create(deputy=town.b, date=date(2025, 1, 10), meeting=town.meeting)
    with CaptureQueriesContext(connection) as stale_queries:
        stale = page(client)
    # The previous figures, marked with their time, and no evaluation in this request.
    assert speech_rate(stale) == "33.3%"
    assert "正在重新计算" in stale and "data-stale" in stale
    assert len(stale_queries.captured_queries) <= 12
    assert queued == [(2025,)]
    # More users meanwhile: still the old figures, still one recomputation.
    assert speech_rate(page(client_for(town.office))) == "33.3%"
    assert speech_rate(page(client)) == "33.3%"
    assert queued == [(2025,)]
    # The worker runs it: the new figures, no longer marked, and the lock is free again.
    tasks.refresh_dashboard.run(2025)
    assert cache.get(LOCK) is None
    fresh = page(client)
    assert speech_rate(fresh) == "66.7%" and "正在重新计算" not in fresh
    # The next change queues the next recomputation.
    Speech.objects.filter(deputy=town.b).delete()
    assert speech_rate(page(client)) == "66.7%"
    assert queued == [(2025,), (2025,)]


def test_concurrent_requests_start_one_recomputation(town, queued):
    """Twenty requests reaching the stale figures at the same instant: the cache lock (an
    atomic add) lets exactly one of them queue the task."""
    dashboard.summary(2025)
    dashboard.bump_data_version()
    barrier = threading.Barrier(20)
    errors = []

    def request():
        barrier.wait()
        errors.append(dashboard.schedule_refresh(2025))

    threads = [threading.Thread(target=request) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [None] * 20
    assert queued == [(2025,)]
    assert cache.get(LOCK) is not None  # held until the task has run


def test_a_task_run_twice_computes_once(town, monkeypatch):
    dashboard.summary(2025)
    dashboard.bump_data_version()
    computed = []
    real = dashboard.compute_summary
    monkeypatch.setattr(dashboard, "compute_summary", lambda *a: computed.append(a) or real(*a))
    tasks.refresh_dashboard.run(2025)
    tasks.refresh_dashboard.run(2025)  # a redelivered message: the figures are current
    assert len(computed) == 1


def test_with_the_queue_down_the_old_figures_say_so_and_the_next_request_tries_again(
    town, client_for, monkeypatch
):
    calls = []

    def broker_down(args, **kw):
        calls.append(args)
        raise BrokerError("connection refused")

    monkeypatch.setattr(tasks.refresh_dashboard, "apply_async", broker_down)
    client = client_for(town.leadership)
    page(client)
    Speech.objects.create(deputy=town.b, date=date(2025, 1, 10), meeting=town.meeting)
    html = page(client)
    assert speech_rate(html) == "33.3%"
    assert "暂时无法重新计算" in html and "任务队列暂时不可用" in html
    assert cache.get(LOCK) is None
    page(client)
    assert len(calls) == 2


def test_eager_celery_shows_the_new_figures_in_the_same_request(town, client_for):
    """Development and tests (no worker): the queued task ran inside the request, so the
    page shows its result rather than the stale one."""
    client = client_for(town.leadership)
    page(client)
    Speech.objects.create(deputy=town.b, date=date(2025, 1, 10), meeting=town.meeting)
    html = page(client)
    assert speech_rate(html) == "66.7%" and "正在重新计算" not in html
    assert cache.get(LOCK) is None
