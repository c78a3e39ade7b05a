"""The real check pool, end to end: see pool_scenario.py for why it runs in its own process."""

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
    var_dir = tmp_path_factory.mktemp("pool-var")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")}
    env.update(FACTEUR_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="quizapp.settings")
    done = subprocess.run(
        [sys.executable, "-m", "tests.lab.pool_scenario", str(PER_PORT)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_check_runs_in_the_pool_and_htmx_polling_ends_with_286_and_the_results(report):
    one = report["one"]

    assert report["pool_runner"]
    assert one["status"] == "done"
    assert one["grade"] == 1.0
    assert one["statuses"][-1] == 286
    assert set(one["statuses"][:-1]) <= {200, 204}
    assert one["final_has_result"]
    assert not one["final_polls_again"]


def test_thirty_checks_at_once_queue_in_a_bounded_pool_while_other_pages_answer(report):
    thirty = report["thirty"]

    assert thirty["done"] == 30
    assert thirty["max_running"] <= report["workers"]
    assert thirty["admitted_seconds"] < 30 * PER_PORT  # admitting never waits for a probe
    assert thirty["page_status"] == 200
    assert thirty["page_seconds"] < 1.0
    assert thirty["finished_seconds"] >= 30 / report["workers"] * PER_PORT * 0.8  # it queued
