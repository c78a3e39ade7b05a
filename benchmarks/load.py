"""A class under load: the production server on SQLite, then PostgreSQL, driven by locust.

For each database: a fresh one (a temporary SQLite file; PostgreSQL: the
database --pg-url names, dropped and made anew), the shipped course and bank,
LOAD_TRAINEES accounts; then `manage.py serve --only web,worker` (gunicorn,
DEBUG=0) on 127.0.0.1 and, against it, locust headless:
  - steps of 50, 100, 200 trainees (--steps), each --step-seconds, thinking 2-5 s;
  - saturation: --sat-users trainees with no think time;
  - one page at a time with no think time: a minimal view, the login page, a
    course section (the ratios are what compare, in the same run).
Reports requests/s, p50/p95/p99 and failures per request name, and the answers
acknowledged against the rows in the database. Only 127.0.0.1 is ever a target;
every locust run is bounded in users and time. Usage:
    .venv/bin/python benchmarks/load.py [--db sqlite,postgres] [--step-seconds 60]
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "127.0.0.1"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def site_env(var_dir: Path, database_url: str, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")}
    env.update(
        FACTEUR_VAR_DIR=str(var_dir),
        DEBUG="0",
        SECRET_KEY="load-benchmark-" + "k" * 50,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        BIND=f"{HOST}:{port}",
        ROOT_URLCONF="benchmarks.urls_with_minimal_view",
        LOG_LEVEL="WARNING",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if os.environ.get("LOAD_CACHE_URL"):
        env["CACHE_URL"] = os.environ["LOAD_CACHE_URL"]
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


SEED = """
from django.contrib.auth.hashers import make_password
from quizapp.accounts.models import User
from course.models import Section
hashed = make_password("load-pass-1")
User.objects.bulk_create(
    [User(username=f"load{n}", password=hashed) for n in range(1, {trainees} + 1)]
    + [User(username="loadtrainer", password=hashed, role="trainer")]
)
# Trainees arrive logged in (a class logs in once, then answers for an hour): one
# session each, made here, so that the steps measure the answers and not 200
# password hashes at once; the login page is measured on its own.
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
store = import_module(settings.SESSION_ENGINE).SessionStore
keys = {}
for user in User.objects.filter(username__startswith="load"):
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    keys[user.username] = session.session_key
open("{sessions}", "w").write(json.dumps(keys))
print(",".join(Section.objects.values_list("slug", flat=True)))
"""

COUNT = """
from quizapp.practice.models import Answer
print(Answer.objects.filter(learner__user__username__startswith="load").count())
"""


def prepare(env: dict, trainees: int, sessions: Path) -> list[str]:
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_course")
    manage(env, "load_questions")
    code = SEED.replace("{trainees}", str(trainees)).replace("{sessions}", str(sessions))
    out = manage(env, "shell", "-c", code)
    return out.strip().splitlines()[-1].split(",")


def reset_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def wait_up(base: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server never answered /healthz")


def locust(base: str, env: dict, users: int, seconds: int, out: Path, **extra) -> dict:
    """Run locust headless for `seconds` with `users`; return its stats per request name."""
    ack = out.with_suffix(".ack.json")
    run_env = {**os.environ, **extra, "LOAD_ACK_FILE": str(ack)}
    run_env["LOAD_TRAINEES"] = env["LOAD_TRAINEES"]
    run_env["LOAD_SECTIONS"] = env["LOAD_SECTIONS"]
    run_env["LOAD_SESSIONS"] = env.get("LOAD_SESSIONS", "")
    spawn = str(max(1, users // 4))
    command = [PY, "-m", "locust", "-f", str(ROOT / "benchmarks" / "load_locust.py")]
    command += ["--headless", "-u", str(users), "-r", spawn, "-t", f"{seconds}s"]
    command += ["--host", base, "--csv", str(out), "--only-summary", "--stop-timeout", "5"]
    with open(f"{out}.log", "w") as log:
        subprocess.run(command, env=run_env, stdout=log, stderr=log, check=False)
    stats = {}
    with open(f"{out}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50": row["50%"],
                "p95": row["95%"],
                "p99": row["99%"],
            }
    stats["acknowledged"] = json.loads(ack.read_text()) if ack.exists() else {}
    errors = Path(f"{out}_exceptions.csv")
    if errors.exists():
        stats["exceptions"] = errors.read_text().splitlines()[1:4]
    return stats


def run_database(kind: str, args, work: Path) -> dict:
    var_dir = work / kind
    var_dir.mkdir()
    url = ""
    if kind == "postgres":
        url = args.pg_url
        reset_postgres(url)
    port = free_port()
    env = site_env(var_dir, url, port)
    sessions = work / f"{kind}-sessions.json"
    sections = prepare(env, args.trainees, sessions)
    env.update(LOAD_TRAINEES=str(args.trainees), LOAD_SECTIONS=",".join(sections))
    env["LOAD_SESSIONS"] = str(sessions)
    server = subprocess.Popen(
        [PY, "manage.py", "serve", "--only", "web,worker", "--no-migrate"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(work / f"{kind}-server.log", "w"),  # noqa: SIM115
    )
    base = f"http://{HOST}:{port}"
    report = {"database": kind, "steps": {}}
    try:
        wait_up(base)
        for users in args.steps:
            report["steps"][users] = locust(
                base, env, users, args.step_seconds, work / f"{kind}-{users}"
            )
        report["saturation"] = locust(
            base, env, args.sat_users, args.sat_seconds, work / f"{kind}-sat", LOAD_THINK="0"
        )
        section = f"/course/{sections[len(sections) // 2]}/"
        for name, page in (
            ("minimal", "/bench/minimal/"),
            ("login", "/accounts/login/"),
            ("section", section),
        ):
            result = locust(
                base, env, 8, args.page_seconds, work / f"{kind}-{name}", LOAD_PAGE=page
            )
            report[f"page_{name}"] = result.get(page, {})
        report["answers_in_database"] = int(
            manage(env, "shell", "-c", COUNT).strip().splitlines()[-1]
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    acknowledged = sum(
        step.get("acknowledged", {}).get("answers", 0)
        for step in [*report["steps"].values(), report["saturation"]]
    )
    report["answers_acknowledged"] = acknowledged
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/w9")
    parser.add_argument("--steps", default="50,100,200")
    parser.add_argument("--step-seconds", type=int, default=60)
    parser.add_argument("--sat-users", type=int, default=24)
    parser.add_argument("--sat-seconds", type=int, default=30)
    parser.add_argument("--page-seconds", type=int, default=12)
    parser.add_argument("--trainees", type=int, default=200)
    parser.add_argument("--out", help="Write the JSON report here too.")
    args = parser.parse_args()
    args.steps = [int(n) for n in args.steps.split(",")]
    if not all(0 < n <= args.trainees for n in args.steps) or args.sat_users > args.trainees:
        raise SystemExit("more users than trainee accounts")
    reports = []
    with tempfile.TemporaryDirectory(prefix="facteur-load-") as work:
        for kind in args.db.split(","):
            reports.append(run_database(kind, args, Path(work)))
            print(json.dumps(reports[-1]), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(reports, indent=1))


if __name__ == "__main__":
    main()
