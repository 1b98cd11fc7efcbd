"""/healthz: for the load balancer and monitoring. 200 when the database answers, 503 when
it does not. /livez: 200 while the process answers at all, touching nothing (a liveness
probe, and the benchmarks' trivial view). Neither says anything else about the site."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})
