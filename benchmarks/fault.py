"""The fault run: a class answering on PostgreSQL while PostgreSQL restarts and a worker dies.

Starts the production server (benchmarks/load.py's set-up) on a fresh database,
puts --users trainees on it for --seconds, and meanwhile restarts PostgreSQL
(`pg_ctlcluster --skip-systemctl-redirect VERSION main restart`; this interrupts
every client of the cluster for a moment, so run it seldom) and SIGKILLs the
task worker and one gunicorn worker. Reports the answers' status codes (503
expected during the outage, never 500), the answers acknowledged against the
rows, whether any answer is half-written (its item statistics and review card
are written in the same transaction), and /healthz after recovery. Usage:
    .venv/bin/python benchmarks/fault.py [--pg-url postgres://postgres@127.0.0.1:5432/w9]
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.load import HOST, PY, ROOT, free_port, manage, prepare, reset_postgres, site_env

CONSISTENCY = """
from django.db.models import Sum
from quizapp.adaptive.models import ItemStat, ReviewCard
from quizapp.practice.models import Answer
answers = Answer.objects.count()
learned = ItemStat.objects.aggregate(n=Sum("answers"))["n"] or 0
pairs = Answer.objects.values("learner_id", "question_id").distinct().count()
print(answers, learned, pairs, ReviewCard.objects.count())
"""


def children(pid: int, pattern: str) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid), "-f", pattern], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def health(base: str) -> int:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def faults(server_pid: int, base: str, version: str, at: float, events: list) -> None:
    started = time.monotonic()
    time.sleep(at)
    events.append(("pg restart", round(time.monotonic() - started, 1)))
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=False
    )
    events.append(("pg back", round(time.monotonic() - started, 1)))
    time.sleep(10)
    for pattern in ("manage.py worker", "gunicorn"):
        pids = children(server_pid, pattern)
        if pattern == "gunicorn" and pids:  # one of the gunicorn master's workers
            pids = children(pids[0], "gunicorn")[:1]
        for pid in pids[:1]:
            os.kill(pid, signal.SIGKILL)
            events.append((f"SIGKILL {pattern} {pid}", round(time.monotonic() - started, 1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/w9")
    parser.add_argument("--pg-version", default="15")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--fault-at", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="facteur-fault-") as work:
        work = Path(work)
        reset_postgres(args.pg_url)
        port = free_port()
        env = site_env(work, args.pg_url, port)
        env["PERIODIC_INTERVAL"] = "5"
        sessions = work / "sessions.json"
        sections = prepare(env, args.users, sessions)
        server = subprocess.Popen(
            [PY, "manage.py", "serve", "--only", "web,worker", "--no-migrate"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(work / "server.log", "w"),  # noqa: SIM115
        )
        base = f"http://{HOST}:{port}"
        events: list = []
        try:
            deadline = time.monotonic() + 120
            while health(base) != 200 and time.monotonic() < deadline:
                time.sleep(0.5)
            thread = threading.Thread(
                target=faults, args=(server.pid, base, args.pg_version, args.fault_at, events)
            )
            thread.start()
            out = work / "fault"
            run_env = {
                **os.environ,
                "LOAD_TRAINEES": str(args.users),
                "LOAD_SECTIONS": ",".join(sections),
                "LOAD_ACK_FILE": str(out) + ".ack.json",
                "LOAD_SESSIONS": str(sessions),
            }
            command = [PY, "-m", "locust", "-f", str(ROOT / "benchmarks" / "load_locust.py")]
            command += ["--headless", "-u", str(args.users), "-r", "10", "-t", f"{args.seconds}s"]
            command += ["--host", base, "--csv", str(out), "--only-summary"]
            with open(str(out) + ".log", "w") as log:
                subprocess.run(command, env=run_env, stdout=log, stderr=log, check=False)
            thread.join()
            recovered = [health(base) for _ in range(3)]
            answers, learned, pairs, cards = manage(env, "shell", "-c", CONSISTENCY).split()[-4:]
            failures = {}
            with open(f"{out}_failures.csv") as handle:
                for row in csv.DictReader(handle):
                    key = f"{row['Name']}: {row['Error'][:90]}"
                    failures[key] = failures.get(key, 0) + int(row["Occurrences"])
            totals = {}
            with open(f"{out}_stats.csv") as handle:
                for row in csv.DictReader(handle):
                    totals[row["Name"]] = (int(row["Request Count"]), int(row["Failure Count"]))
            log_text = (work / "server.log").read_text()
            report = {
                "events": events,
                "requests_and_failures": totals,
                "failures": failures,
                "acknowledged": json.loads(Path(str(out) + ".ack.json").read_text()),
                "answers_in_database": int(answers),
                "item_statistics_answers": int(learned),
                "learner_question_pairs": int(pairs),
                "review_cards": int(cards),
                "healthz_after": recovered,
                "server_500s_logged": log_text.count("Internal Server Error"),
                "workers_restarted": log_text.count("restarting it"),
            }
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
