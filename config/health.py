"""/healthz: for the load balancer and monitoring, each component on its own:

- database: answers `SELECT 1`, or not;
- cache: Redis answers a read, or not (without REDIS_URL, each process's own memory);
- storage: the file storage answers whether a file exists, or not;
- worker: when a worker last picked up a task, and how many wait for one.

It answers 503 only when the site cannot serve, that is when the database does not answer:
without the cache pages are slower, without storage papers cannot be downloaded (503 on
that page alone), without a worker nothing is published; each is reported, not fatal.

/livez: 200 while the process answers at all, touching nothing (a liveness probe, and the
benchmarks' trivial view)."""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from config.cache import cache_answers

logger = logging.getLogger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return "unreachable"
    return "ok"


def _storage() -> str:
    try:
        default_storage.exists("healthz")
    except Exception:
        logger.exception("Health check: file storage did not answer")
        return "unreachable"
    return "ok"


def _worker() -> dict:
    """When a worker last picked up a task, and how many tasks wait."""
    from django.db.models import Max
    from django_tasks_db.models import DBTaskResult

    try:
        last = DBTaskResult.objects.aggregate(last=Max("started_at"))["last"]
        waiting = DBTaskResult.objects.ready().count()
    except DatabaseError:
        return {"status": "unknown"}
    seconds = round((timezone.now() - last).total_seconds()) if last else None
    return {
        "status": "ok",
        "last_picked_up_seconds_ago": seconds,
        "tasks_waiting": waiting,
    }


@never_cache
def health(request):
    database = _database()
    cache = "ok" if cache_answers() else "unreachable"
    storage = _storage()
    serving = database == "ok"
    if not serving:
        status = "error"
    elif cache == "ok" and storage == "ok":
        status = "ok"
    else:
        status = "degraded"
    report = {
        "status": status,
        "database": database,
        "cache": cache,
        "storage": storage,
        "worker": _worker() if serving else {"status": "unknown"},
    }
    return JsonResponse(report, status=200 if serving else 503)


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})
