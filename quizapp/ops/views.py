"""The health check a load balancer polls, and the error page for a lost dependency."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import server_error as django_server_error
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from quizapp.ops import health

logger = logging.getLogger(__name__)

# A database or Redis that is restarting: the next request will find it again.
UNAVAILABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER = "10"


@require_safe
@never_cache
def healthz(request):
    """Return 200 when the database, cache, task queue and lab server all answer, else 503."""
    healthy, checks = health.report()
    return JsonResponse({"ok": healthy, "checks": checks}, status=200 if healthy else 503)


def server_error(request, template_name="500.html"):
    """Answer 503 with Retry-After when a dependency is down for a moment, else Django's 500.

    Django calls this with the exception in flight, from any layer (a view, or
    the session middleware saving the session). The interrupted transaction was
    rolled back, so nothing is half-written; rendered without context, since
    the database it would read is the thing that is down.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, UNAVAILABLE):
        return django_server_error(request, template_name)
    logger.warning("service unavailable: %s: %s", type(error).__name__, error)
    response = HttpResponseServerError(loader.get_template("503.html").render())
    response.status_code = 503
    response["Retry-After"] = RETRY_AFTER
    return response
