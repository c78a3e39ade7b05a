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


class WorkerLost(Exception):
    """A task's worker stopped before the task finished."""
