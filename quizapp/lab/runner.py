"""Run lab checks off the request, as tasks that `manage.py worker` runs.

A check takes seconds; a class starting thirty at once must queue rather than
hold thirty web threads. The queue is django-tasks-db's table in the site's
database, so checks survive a restart of the web server and any number of
workers on any host share them. Each task runs one check: the probe in its own
asyncio loop, each port's result saved as it arrives in its own short
transaction, and one hard deadline over the whole check.

`submit` is what the site calls; tests replace it with `execute_run` to run
checks synchronously, in the test's own transaction.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from quizapp.adaptive.services import learn_from_lab
from quizapp.lab import checks
from quizapp.lab.faults.checks import check_diagnosis
from quizapp.lab.models import STALE_AFTER, LabRun
from quizapp.lab.probe import TargetRefused

logger = logging.getLogger(__name__)

CHECKS = {
    LabRun.Kind.PORT_MAP: checks.check_port_map,
    LabRun.Kind.SEND_FETCH: checks.check_send_fetch,
    LabRun.Kind.POP_VS_IMAP: checks.check_pop_vs_imap,
    LabRun.Kind.DIAGNOSE: check_diagnosis,
}


@task(queue_name="lab")
def run_check(run_id: int) -> None:
    """Run one lab check (the task a worker picks up)."""
    execute_run(run_id)


def submit_to_queue(run_id: int) -> None:
    """Queue a run for the task workers and return at once."""
    run_check.enqueue(run_id)


submit = submit_to_queue


def fail_lost_runs(now=None) -> int:
    """Fail the runs nobody will finish; return how many. A periodic job of the worker.

    A run still pending after STALE_AFTER found no worker; one still running
    after LAB_LOST_AFTER seconds lost its worker (killed, or its host gone).
    The update is conditional on the status, so a run that finishes meanwhile
    keeps its result.
    """
    now = now or timezone.now()
    lost_after = timedelta(seconds=settings.LAB_LOST_AFTER)
    lost = LabRun.objects.filter(
        Q(status=LabRun.Status.PENDING, created_at__lt=now - STALE_AFTER)
        | Q(status=LabRun.Status.RUNNING, started_at__lt=now - lost_after)
    )
    return lost.update(status=LabRun.Status.ERROR, finished_at=now, error="expired")


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
