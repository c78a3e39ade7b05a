"""A class answering at once: several processes write to one SQLite file."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 6
WRITES = 150

# Each worker reads then writes inside one transaction: the pattern that fails
# with "database is locked" under WAL when transactions start DEFERRED.
WORKER = """
import django, os, sys
django.setup()
from django.db import connection, transaction
worker = int(sys.argv[1])
for i in range(int(sys.argv[2])):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM hammer")
            cursor.fetchone()
            cursor.execute("INSERT INTO hammer (worker, n) VALUES (%s, %s)", [worker, i])
print("ok")
"""


def _env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "FACTEUR_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "quizapp.settings"}


def test_concurrent_writers_lose_nothing_and_never_see_a_locked_database(tmp_path):
    env = _env(tmp_path)
    setup = (
        "import django; django.setup(); from django.db import connection\n"
        "c = connection.cursor()\n"
        "c.execute('CREATE TABLE hammer (id INTEGER PRIMARY KEY, worker INT, n INT)')\n"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0])"
    )
    created = subprocess.run(
        [sys.executable, "-c", setup], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert created.stdout.strip() == "wal", created.stderr
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(n), str(WRITES)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    outcomes = [worker.communicate(timeout=120) for worker in workers]
    assert all(out.strip() == "ok" for out, _ in outcomes), [err for _, err in outcomes]
    count = (
        "import django; django.setup(); from django.db import connection\n"
        "print(connection.cursor().execute('SELECT COUNT(*) FROM hammer').fetchone()[0])"
    )
    total = subprocess.run(
        [sys.executable, "-c", count], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert int(total.stdout) == WORKERS * WRITES
