"""What a load balancer asks before sending traffic: can this process do its job?

Each check returns (ok, detail) and never raises: a failing dependency is an
answer, not an error.
"""

import socket
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

from quizapp.lab.models import LabServer

LAB_CONNECT_TIMEOUT = 1.0


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return False, type(error).__name__
    return True, connection.vendor


def check_cache() -> tuple[bool, str]:
    key, value = "healthz:probe", get_random_string(8)
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
    except Exception as error:
        return False, type(error).__name__
    return ok, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def check_task_queue(now=None) -> tuple[bool, str]:
    """Healthy while the oldest task waiting to run is younger than TASK_QUEUE_MAX_AGE."""
    now = now or timezone.now()
    try:
        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").first()
    except Exception as error:
        return False, type(error).__name__
    age = (now - oldest.enqueued_at).total_seconds() if oldest else 0.0
    return age <= settings.TASK_QUEUE_MAX_AGE, f"oldest waiting task {age:.0f} s"


def check_lab_server() -> tuple[bool, str]:
    """Open a TCP connection to the first port of each active embedded lab."""
    labs = [lab for lab in LabServer.objects.active().filter(embedded=True) if lab.ports()]
    if not labs:
        return True, "no embedded lab"
    for lab in labs:
        try:
            with socket.create_connection((lab.host, lab.ports()[0]), LAB_CONNECT_TIMEOUT):
                pass
        except OSError as error:
            return False, f"{lab.host}:{lab.ports()[0]} {type(error).__name__}"
    return True, f"{len(labs)} embedded lab(s)"


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "task_queue": check_task_queue,
    "lab_server": check_lab_server,
}


def report() -> tuple[bool, dict]:
    """Run every check; return whether all passed and the details, with timings."""
    results, healthy = {}, True
    for name, check in CHECKS.items():
        start = time.perf_counter()
        try:
            ok, detail = check()
        except Exception as error:  # e.g. the lab list when the database is down
            ok, detail = False, type(error).__name__
        took = round((time.perf_counter() - start) * 1000, 1)
        results[name] = {"ok": ok, "detail": detail, "ms": took}
        healthy = healthy and ok
    return healthy, results
