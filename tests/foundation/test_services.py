"""The production services: PostgreSQL keeps Chinese text, Redis carries cache and tasks.

These run in CI (CI=true makes a missing service a failure) and are skipped elsewhere.
"""

import pytest
from django.core.cache import caches
from django.db import connection

from deputies.models import Deputy
from jdrenda.celery import app


@app.task(name="tests.foundation.add")
def add(x, y):
    return x + y


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_keeps_chinese_names(term, delegation):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        assert cursor.fetchone()[0] == "UTF8"
    Deputy.objects.create(term=term, code="JD001", name="欧阳雪梅", delegation=delegation)
    assert Deputy.objects.get(code="JD001").name == "欧阳雪梅"


@pytest.mark.redis
def test_cache_is_redis_and_round_trips():
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)  # jdrenda.cache.FailSoftRedisCache, a subclass
    cache.set("jdrenda-test-key", "嘉定", timeout=30)
    assert cache.get("jdrenda-test-key") == "嘉定"
    cache.delete("jdrenda-test-key")


@pytest.mark.redis
def test_a_task_goes_through_the_broker_to_a_worker():
    from celery.contrib.testing.worker import start_worker

    assert app.conf.task_always_eager is False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert add.delay(2, 3).get(timeout=20) == 5
