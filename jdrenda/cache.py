"""The Redis cache, failing soft: a Redis that is down or hung must not turn pages into 500s.

Django's RedisCache raises on every call when Redis is unreachable. django-redis's
IGNORE_EXCEPTIONS was tried and is unsuitable here: its get() then returns None whatever the
default, and add() returns None, so allauth's rate limiting (a cache lock taken with add())
answers every login with 429 — nobody could log in while Redis is down — and a TOTP code
(marked used with add()) would be refused.

So, while Redis is unreachable:
- allauth's keys (login rate limits, used TOTP codes) go to this process's local memory:
  login works and is still limited, per gunicorn worker (each counts its own attempts, so the
  district-wide limit is the configured one times the number of workers) — see the README;
- every other key is a miss: get() returns the default, writes are dropped. The dashboard then
  computes its figures afresh on each request (slower, never stale: nothing is cached that a
  data-version bump, lost with Redis, would have invalidated).

When this process reaches Redis again it deletes the keys in the INVALIDATE_ON_RECOVERY option
(the dashboard's data version): bumps it dropped meanwhile would otherwise leave figures from
before the outage in a Redis that kept its data (production runs it with AOF).

After a failure Redis is not tried again for RETRY_AFTER seconds (option, default 5), so a
hung Redis costs one socket timeout per process every few seconds, not one per cache call.
The outage and the recovery are logged once each, not per call.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
# Keys that must keep working without Redis (allauth: rate limits and used TOTP codes).
LOCAL_PREFIXES = ("allauth",)


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        self.invalidate_on_recovery = list(options.pop("INVALIDATE_ON_RECOVERY", ()))
        super().__init__(server, {**params, "OPTIONS": options})
        self._local = LocMemCache("jdrenda-cache-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})
        self._down_since: float | None = None
        self._retry_at = 0.0

    # --- availability ---------------------------------------------------------------------

    def _available(self) -> bool:
        return self._down_since is None or time.monotonic() >= self._retry_at

    def _failed(self, exc: Exception) -> None:
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
            logger.error("Redis cache unavailable, pages run without it: %s", exc)
        self._retry_at = now + self.retry_after

    def _succeeded(self) -> None:
        if self._down_since is not None:
            logger.warning("Redis cache back after %.0f s", time.monotonic() - self._down_since)
            self._down_since = None
            for key in self.invalidate_on_recovery:
                try:
                    super().delete(key)
                except UNAVAILABLE as exc:
                    self._failed(exc)
                    return

    def _call(self, name: str, key: str | None, fallback, *args, **kwargs):
        """super().name(*args) on Redis; when Redis is unavailable, allauth's keys go to the
        local cache and any other key gets `fallback`."""
        if self._available():
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except UNAVAILABLE as exc:
                self._failed(exc)
            else:
                self._succeeded()
                return result
        if key is not None and key.startswith(LOCAL_PREFIXES):
            return getattr(self._local, name)(*args, **kwargs)
        return fallback

    # --- the cache API --------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, False, key, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", None, {}, keys, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", None, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, None, keys, version)

    def clear(self):
        self._local.clear()
        return self._call("clear", None, False)
