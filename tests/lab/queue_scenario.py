"""The real task queue end to end, in processes of their own: `python -m tests.lab.queue_scenario`.

The test database of pytest is SQLite in memory, which no other process can
open. The queue is about worker processes writing results while pages read
them, so this runs against what production uses: a SQLite file in WAL mode
(settings.py) under a temporary FACTEUR_VAR_DIR, with real `manage.py worker`
processes (queue_worker.py), one of them killed mid-check. Prints one JSON
report on stdout.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

WORKER_ENV = {"PERIODIC_INTERVAL": "1", "LAB_LOST_AFTER": "3", "TASK_LOST_AFTER": "3"}


def _worker(per_port: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.lab.queue_worker", str(per_port)],
        env={**os.environ, **WORKER_ENV},
    )


@contextlib.contextmanager
def workers(count: int, per_port: float):
    processes = [_worker(per_port) for _ in range(count)]
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=20)


def _wait_for(condition, seconds: float) -> float | None:
    """Return how long `condition()` took to become true, or None after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _start(client, lab) -> str:
    from django.urls import reverse

    port = lab.ports()[0]
    form = {f"protocol_{port}": "smtp", f"security_{port}": "plaintext"}
    response = client.post(reverse("lab:check", kwargs={"pk": lab.pk, "kind": "port_map"}), form)
    assert response.status_code == 302, response.status_code
    return response["Location"]


def one_check_polled_like_htmx(lab, user) -> dict:
    """Start a check, poll the fragment as htmx does, until the server says stop."""
    client = _client(user)
    url = _start(client, lab)
    statuses, version = [], ""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        response = client.get(f"{url}?v={version}", headers={"HX-Request": "true"})
        statuses.append(response.status_code)
        if response.status_code == 286:
            break
        if response.status_code == 200:
            version = response.context["version"]
        time.sleep(0.1)
    from quizapp.lab.models import LabRun

    run = LabRun.objects.get(user=user)
    return {
        "statuses": statuses,
        "status": run.status,
        "grade": run.grade,
        "final_has_result": "100 %" in response.text,
        "final_polls_again": "hx-trigger" in response.text,
    }


def thirty_at_once(lab, users) -> dict:
    """Thirty trainees start a check at once; measure admission, another page, the queue."""
    from django.db import connection
    from django.urls import reverse

    from quizapp.lab.models import LabRun

    running, stop = [], threading.Event()

    def watch() -> None:
        try:
            while not stop.is_set():
                running.append(LabRun.objects.filter(status="running").count())
                time.sleep(0.02)
        finally:
            connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.monotonic()
    for user in users:
        _start(_client(user), lab)
    admitted = time.monotonic() - started
    page_started = time.monotonic()
    page = _client(users[0]).get(reverse("lab:index"))
    page_time = time.monotonic() - page_started
    deadline = time.monotonic() + 60
    while LabRun.objects.filter(user__in=users).unfinished().exists():
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    finished = time.monotonic() - started
    stop.set()
    watcher.join()
    done = LabRun.objects.filter(user__in=users, status="done").count()
    return {
        "admitted_seconds": admitted,
        "page_status": page.status_code,
        "page_seconds": page_time,
        "max_running": max(running),
        "done": done,
        "finished_seconds": finished,
    }


def killed_mid_check(lab, user, per_port: float) -> dict:
    """SIGKILL the worker during a check; another worker must fail the run, then serve again."""
    from django_tasks_db.models import DBTaskResult

    from quizapp.lab.models import LabRun

    client = _client(user)
    with workers(1, per_port) as (doomed,):
        _start(client, lab)
        run = LabRun.objects.get(user=user)
        became_running = _wait_for(lambda: LabRun.objects.get(pk=run.pk).status == "running", 20)
        time.sleep(0.5)  # well inside the probe, which waits `per_port` seconds
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
    after_kill = LabRun.objects.get(pk=run.pk).status
    task_after_kill = DBTaskResult.objects.get().status
    with workers(1, per_port=0.2):
        recovered = _wait_for(lambda: LabRun.objects.get(pk=run.pk).finished, 20)
        lost = LabRun.objects.get(pk=run.pk)
        task_recovered = _wait_for(lambda: DBTaskResult.objects.get().status == "FAILED", 20)
        _start(client, lab)
        again = LabRun.objects.filter(user=user).exclude(pk=run.pk).get()
        served_again = _wait_for(lambda: LabRun.objects.get(pk=again.pk).finished, 20)
    return {
        "became_running": became_running,
        "after_kill": after_kill,
        "task_after_kill": task_after_kill,
        "recovered_seconds": recovered,
        "lost_status": lost.status,
        "lost_error": lost.error,
        "task_failed_seconds": task_recovered,
        "next_check_status": LabRun.objects.get(pk=again.pk).status,
        "served_again_seconds": served_again,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizapp.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test Client's "testserver" host in
    call_command("migrate", verbosity=0, interactive=False)

    from quizapp.accounts.models import User
    from quizapp.lab import runner
    from quizapp.lab.models import LabServer
    from tests.lab import fakeservers as fake
    from tests.lab.background import serving

    per_port = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    report = {"workers": 2, "queue_runner": runner.submit is runner.submit_to_queue}
    with serving((fake.smtp(), None), (fake.silent, None)) as (smtp_port, silent_port):
        # Loopback servers on free ports: only an embedded lab may reach those.
        common = {"host": "127.0.0.1", "allowed_networks": "127.0.0.1/32", "domain": "lab.test"}
        common["embedded"] = True
        smtp_lab = LabServer.objects.create(name="SMTP", relay_port=smtp_port, **common)
        silent_lab = LabServer.objects.create(name="Silent", relay_port=silent_port, **common)
        with workers(1, per_port):
            report["one"] = one_check_polled_like_htmx(smtp_lab, User.objects.create_user("solo"))
        users = [User.objects.create_user(f"trainee{n}") for n in range(30)]
        with workers(report["workers"], per_port):
            report["thirty"] = thirty_at_once(silent_lab, users)
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()
        victim = User.objects.create_user("victim")
        report["killed"] = killed_mid_check(silent_lab, victim, per_port=10.0)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
