"""Run lab checks off the request, in a small bounded pool of worker threads.

A check takes seconds; a class starting thirty at once must queue here rather
than hold thirty web threads. Each worker runs one check: the probe in its own
asyncio loop, each port's result saved as it arrives in its own short
transaction, and one hard deadline over the whole check.

`submit` is what the site calls; tests replace it with `execute_run` to run
checks synchronously, in the test's own transaction.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection

from quizapp.adaptive.services import learn_from_lab
from quizapp.lab import checks
from quizapp.lab.faults.checks import check_diagnosis
from quizapp.lab.models import LabRun
from quizapp.lab.probe import TargetRefused

logger = logging.getLogger(__name__)

DEFAULT_WORKERS = 4

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()

CHECKS = {
    LabRun.Kind.PORT_MAP: checks.check_port_map,
    LabRun.Kind.SEND_FETCH: checks.check_send_fetch,
    LabRun.Kind.POP_VS_IMAP: checks.check_pop_vs_imap,
    LabRun.Kind.DIAGNOSE: check_diagnosis,
}


def pool() -> ThreadPoolExecutor:
    """Return the process's check pool, made on first use (LAB_WORKERS threads, default 4)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            workers = getattr(settings, "LAB_WORKERS", DEFAULT_WORKERS)
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lab-check")
        return _pool


def submit_to_pool(run_id: int) -> None:
    """Queue a run on the pool and return at once."""
    pool().submit(_work, run_id)


def _work(run_id: int) -> None:
    try:
        execute_run(run_id)
    finally:
        # Pool threads outlive the request cycle that usually closes connections.
        connection.close()


submit = submit_to_pool


def execute_run(run_id: int) -> None:
    """Run one check to its end and store the outcome; never raise.

    A run already claimed by another worker is left alone, so submitting twice
    cannot run a check twice.
    """
    run = LabRun.objects.select_related("lab", "user").filter(pk=run_id).first()
    if run is None or not run.claim():
        return
    try:
        CHECKS[run.kind](run)
    except TargetRefused as refused:
        run.fail(refused.code, {k: str(v) for k, v in refused.params.items()})
    except Exception:
        logger.exception("lab check %s failed", run_id)
        run.fail("internal")
    else:
        _feed_mastery(run)


def _feed_mastery(run: LabRun) -> None:
    """Count a graded check towards the trainee's mastery; a failure here never fails it."""
    if run.status != LabRun.Status.DONE or run.grade is None:
        return
    try:
        learn_from_lab(user=run.user, kind=run.kind, grade=run.grade)
    except Exception:
        logger.exception("lab check %s: mastery not updated", run.pk)
