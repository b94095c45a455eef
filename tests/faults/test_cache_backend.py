"""jdrenda.cache.FailSoftRedisCache against a private redis-server that is stopped or hung:
misses instead of errors, allauth's keys kept in process memory, a bounded wait, recovery."""

import os
import signal
import time

import pytest

from jdrenda.cache import FailSoftRedisCache
from tests.faults.servers import RedisServer

pytestmark = pytest.mark.redis

RATE_KEY = "allauth:rl:account:login_failed:5/300.0/key:abc"


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    if server.process is not None:
        os.killpg(server.process.pid, signal.SIGCONT)  # in case a test left it stopped
    server.stop()


def make_cache(server, retry_after=0.3):
    return FailSoftRedisCache(
        server.url,
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1,
                     "RETRY_AFTER": retry_after}},
    )  # fmt: skip


def test_down_redis_is_a_miss_and_allauth_keys_stay_in_memory(redis_server):
    cache = make_cache(redis_server)
    cache.set("figures", 1)
    redis_server.stop()

    assert cache.get("figures", "default") == "default"
    assert cache.set("figures", 2) is None
    assert cache.add("dashboard:data-version", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.get_or_set("x", 5) == 5
    # allauth's lock and counters work, so login is still possible and still limited.
    assert cache.add(RATE_KEY + ":lock", True, 10) is True
    assert cache.add(RATE_KEY + ":lock", True, 10) is False
    cache.set(RATE_KEY, [1.0, 2.0], 300)
    assert cache.get(RATE_KEY, []) == [1.0, 2.0]


def test_redis_back_is_used_again(redis_server):
    cache = make_cache(redis_server, retry_after=0.3)
    redis_server.stop()
    assert cache.get("k") is None
    redis_server.start()
    time.sleep(0.4)  # past RETRY_AFTER
    cache.set("k", "v")
    assert cache.get("k") == "v"
    assert redis_server.client().dbsize() == 1


def test_hung_redis_costs_one_timeout_then_nothing(redis_server):
    cache = make_cache(redis_server, retry_after=30)
    cache.set("k", "v")
    os.killpg(redis_server.process.pid, signal.SIGSTOP)  # accepts nothing, answers nothing
    started = time.monotonic()
    assert cache.get("k") is None
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(20):
        cache.get("k")
    rest = time.monotonic() - started
    os.killpg(redis_server.process.pid, signal.SIGCONT)
    assert first < 3, f"a hung Redis cost {first:.1f} s"
    assert rest < 0.1, f"20 calls within RETRY_AFTER cost {rest:.2f} s"


def test_back_after_an_outage_the_dashboard_version_is_dropped(redis_server):
    """Writes dropped during the outage include the dashboard's version bumps; a Redis that
    kept its data (a hang here, AOF in production) must not serve figures from before."""
    cache = FailSoftRedisCache(
        redis_server.url,
        {"OPTIONS": {"socket_timeout": 0.5, "RETRY_AFTER": 0.2,
                     "INVALIDATE_ON_RECOVERY": ["dashboard:data-version"]}},
    )  # fmt: skip
    cache.set("dashboard:data-version", 1, None)
    cache.set("figures", "old", None)
    os.killpg(redis_server.process.pid, signal.SIGSTOP)
    cache.set("dashboard:data-version", 2, None)  # dropped
    os.killpg(redis_server.process.pid, signal.SIGCONT)
    time.sleep(0.3)
    assert cache.get("figures") == "old"  # Redis kept its data...
    assert cache.get("dashboard:data-version") is None  # ...but not the stale version
