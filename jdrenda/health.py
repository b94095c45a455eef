"""/healthz: the database (200 or 503), Redis, and the last successful run of each scheduled
job, as JSON for probes and for staff checking that the scheduled jobs actually run."""

import logging

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def _error(what: str, exc: Exception) -> str:
    # The probe is public: the exception text (host, user name) goes to the log, not the body.
    logger.warning("healthz: %s unavailable: %s", what, exc)
    return f"error: {type(exc).__name__}"


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return _error("database", exc)
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001
        return _error("redis", exc)
    return "ok"


def _jobs() -> dict[str, str | None]:
    from supervision.models import JobRun
    from supervision.tasks import SCHEDULED

    last = dict(
        JobRun.objects.filter(name__in=SCHEDULED, succeeded=True)
        .values("name")
        .annotate(at=Max("finished_at"))
        .values_list("name", "at")
    )
    return {name: last[name].isoformat() if last.get(name) else None for name in SCHEDULED}


def healthz(request):
    database = _database()
    body = {"database": database, "redis": _redis()}
    if database == "ok":
        body["jobs"] = _jobs()
    return JsonResponse(body, status=200 if database == "ok" else 503)
