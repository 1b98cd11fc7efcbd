"""When a service the site needs is away: a plain 503 "Service unavailable" page in the
site's design, never a traceback or a 500, whether DEBUG is on or off.

The database: any error reaching it (refused, dropped, restarting), anywhere in a request,
middleware included. Django turns an exception into a response at each middleware, so the
outermost middleware cannot catch it; instead `got_request_exception` (sent for every such
exception, before the 500 is made) marks the request, and `service_unavailable_middleware`,
first in MIDDLEWARE, answers 503 for a marked request instead. The next request opens a
new connection (CONN_HEALTH_CHECKS), so the site recovers with no restart.

File storage: a view that reads a paper raises StorageUnavailable when storage does not
answer, with the same outcome. The cache never gets here: config.cache treats its errors
as misses."""

from __future__ import annotations

import logging
import sys

from django.contrib.auth.models import AnonymousUser
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class StorageUnavailable(Exception):
    """File storage did not answer when a file was needed."""


def unavailable_component(error: BaseException | None) -> str | None:
    """Which service `error` says is away: "database", "storage", or None."""
    while error is not None:
        if isinstance(error, (OperationalError, InterfaceError)):
            return "database"
        if isinstance(error, StorageUnavailable):
            return "storage"
        error = error.__cause__ or error.__context__
    return None


@receiver(got_request_exception)
def _mark_unavailable(sender, request=None, **kwargs) -> None:
    component = unavailable_component(sys.exc_info()[1])
    if component and request is not None:
        request.unavailable = component


def unavailable_response(component: str) -> HttpResponse:
    """The 503 page, drawn without the database, the session or the signed-in user."""
    logger.warning("Service unavailable: the %s did not answer", component)
    html = render_to_string("503.html", {"user": AnonymousUser(), "component": component})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def service_unavailable_middleware(get_response):
    def middleware(request):
        response = get_response(request)
        component = getattr(request, "unavailable", None)
        if component and response.status_code >= 500:
            return unavailable_response(component)
        return response

    return middleware
