"""`make serve`'s command: production settings checked, then the site and its worker run."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.livesite import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_serve_refuses_to_start_with_debug_on(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="DEBUG=0"):
        call_command("serve", only="web")


def test_serve_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="Unknown role"):
        call_command("serve", only="web,cron")


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def _wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.25)
    return None


def _children(pid: int, pattern: str) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid), "-f", pattern], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Start `manage.py serve` as `make serve` does, from a first .env, on a fresh database."""
    var_dir = tmp_path_factory.mktemp("serve-var")
    env_file = var_dir / "env"
    subprocess.run(["scripts/new-env", str(env_file)], cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL", "DEBUG")}
    env.update(FACTEUR_VAR_DIR=str(var_dir), FACTEUR_ENV_FILE=str(env_file))
    env.update(BIND=f"127.0.0.1:{port}", WEB_WORKERS="2", PERIODIC_INTERVAL="5")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--only", "web,worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        up = _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, 120)
        assert up, "the site never answered /healthz"
        yield process, base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            raise


def test_the_served_site_answers_pages_with_the_static_manifest(served):
    _process, base = served
    status, body = _get(f"{base}/")
    assert status == 200
    stylesheet = re.search(rb"/static/css/facteur\.[0-9a-f]{12}\.css", body)
    assert stylesheet, "DEBUG=0 pages link the hashed file of the manifest"
    assert _get(base + stylesheet.group(0).decode())[0] == 200  # served by WhiteNoise
    assert _get(f"{base}/does-not-exist/")[0] == 404


def test_the_health_check_reports_every_dependency(served):
    _process, base = served
    status, body = _get(f"{base}/healthz")
    report = json.loads(body)
    assert status == 200
    assert set(report["checks"]) == {"database", "cache", "task_queue", "lab_server"}
    assert all(check["ok"] for check in report["checks"].values())


def test_a_task_worker_that_dies_is_started_again(served):
    process, _base = served
    (worker,) = _wait_for(lambda: _children(process.pid, "manage.py worker"), 30)
    os.kill(worker, signal.SIGKILL)
    replaced = _wait_for(
        lambda: [pid for pid in _children(process.pid, "manage.py worker") if pid != worker], 30
    )
    assert replaced
