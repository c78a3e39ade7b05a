"""The real check pool end to end, in a process of its own: `python -m tests.lab.pool_scenario`.

The test database of pytest is SQLite in memory with a shared cache, where a
second thread writing a table fails at once ("database table is locked"). The
pool is about threads writing results while pages read them, so this runs
against what production uses: a SQLite file in WAL mode (settings.py), under a
temporary FACTEUR_VAR_DIR. Prints one JSON report on stdout.
"""

import json
import os
import sys
import threading
import time


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


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizapp.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test Client's "testserver" host in
    call_command("migrate", verbosity=0, interactive=False)

    from quizapp.accounts.models import User
    from quizapp.lab import checks, runner
    from quizapp.lab.models import LabServer
    from tests.lab import fakeservers as fake
    from tests.lab.background import serving

    checks.PER_PORT_TIMEOUT = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    report = {
        "workers": runner.DEFAULT_WORKERS,
        "pool_runner": runner.submit is runner.submit_to_pool,
    }
    with serving((fake.smtp(), None), (fake.silent, None)) as (smtp_port, silent_port):
        # Loopback servers on free ports: only an embedded lab may reach those.
        common = {"host": "127.0.0.1", "allowed_networks": "127.0.0.1/32", "domain": "lab.test"}
        common["embedded"] = True
        smtp_lab = LabServer.objects.create(name="SMTP", relay_port=smtp_port, **common)
        silent_lab = LabServer.objects.create(name="Silent", relay_port=silent_port, **common)
        report["one"] = one_check_polled_like_htmx(smtp_lab, User.objects.create_user("solo"))
        users = [User.objects.create_user(f"trainee{n}") for n in range(30)]
        report["thirty"] = thirty_at_once(silent_lab, users)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
