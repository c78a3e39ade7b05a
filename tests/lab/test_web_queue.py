"""The real task queue, end to end: see queue_scenario.py for why it runs in its own process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PER_PORT = 0.5


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    var_dir = tmp_path_factory.mktemp("queue-var")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")}
    env.update(FACTEUR_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="quizapp.settings")
    done = subprocess.run(
        [sys.executable, "-m", "tests.lab.queue_scenario", str(PER_PORT)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_check_runs_in_a_worker_and_htmx_polling_ends_with_286_and_the_results(report):
    one = report["one"]

    assert report["queue_runner"]
    assert one["status"] == "done"
    assert one["grade"] == 1.0
    assert one["statuses"][-1] == 286
    assert set(one["statuses"][:-1]) <= {200, 204}
    assert one["final_has_result"]
    assert not one["final_polls_again"]


def test_thirty_checks_at_once_queue_for_two_workers_while_other_pages_answer(report):
    thirty = report["thirty"]

    assert thirty["done"] == 30
    assert thirty["max_running"] <= report["workers"]
    assert thirty["admitted_seconds"] < 30 * PER_PORT  # admitting never waits for a probe
    assert thirty["page_status"] == 200
    assert thirty["page_seconds"] < 1.0
    assert thirty["finished_seconds"] >= 30 / report["workers"] * PER_PORT * 0.8  # it queued


def test_a_worker_killed_mid_check_leaves_a_run_that_another_worker_fails(report):
    killed = report["killed"]

    assert killed["became_running"] is not None
    assert killed["after_kill"] == "running"  # SIGKILL: the worker could record nothing
    assert killed["task_after_kill"] == "RUNNING"
    assert killed["recovered_seconds"] is not None  # not "running" forever
    assert killed["lost_status"] == "error"
    assert killed["lost_error"] == "expired"
    assert killed["task_failed_seconds"] is not None


def test_after_a_lost_worker_the_trainee_can_check_again(report):
    killed = report["killed"]

    assert killed["served_again_seconds"] is not None
    assert killed["next_check_status"] == "done"
