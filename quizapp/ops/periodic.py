"""Small jobs every task worker runs now and then, beside the queue.

Each job is idempotent (an UPDATE of rows past a deadline), so several workers
on several hosts may run the same one without harm. Apps list theirs in
settings.PERIODIC_JOBS; the closing of expired exams belongs here too.
"""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def run_jobs() -> None:
    """Run every job of settings.PERIODIC_JOBS once; a failing job never stops the others."""
    for path in settings.PERIODIC_JOBS:
        try:
            changed = import_string(path)()
        except Exception:
            logger.exception("periodic job %s failed", path)
        else:
            if changed:
                logger.warning("periodic job %s: %s row(s) recovered", path, changed)


def start_in_background(interval: float) -> threading.Thread:
    """Run the jobs at once, then every `interval` seconds, in a daemon thread."""

    def loop() -> None:
        while True:
            close_old_connections()
            try:
                run_jobs()
            finally:
                connection.close()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="periodic-jobs", daemon=True)
    thread.start()
    return thread


def fail_lost_tasks(now=None) -> int:
    """Mark failed the tasks still "running" long after any task could have finished.

    A worker killed mid-task (SIGKILL, a lost host) never records the end: the
    row would stay running forever and hide the loss.
    """
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.TASK_LOST_AFTER)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=limit
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="quizapp.ops.periodic.WorkerLost",
        traceback="The worker running this task stopped before it finished.",
    )


STATISTICS_EVERY = 600.0  # seconds between two ANALYZE runs of one worker
_last_analyze = 0.0


def refresh_sqlite_statistics(now: float | None = None) -> int:
    """Let SQLite's planner know the tables' sizes (ANALYZE, sampled), every 10 minutes.

    Without statistics SQLite walks the questions by status and sorts them all
    to find the items nearest a level; with them it walks the difficulty index
    from the target outwards (adaptive/services.py). PostgreSQL's autovacuum
    does this by itself.
    """
    global _last_analyze
    now = time.monotonic() if now is None else now
    if connection.vendor != "sqlite" or now - _last_analyze < STATISTICS_EVERY:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")  # sample: milliseconds, not a full scan
        cursor.execute("ANALYZE")
    _last_analyze = now
    return 0  # nothing recovered: quiet in the log


class WorkerLost(Exception):
    """A task's worker stopped before the task finished."""
