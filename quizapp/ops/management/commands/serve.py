import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from quizapp.env import env_bool, env_int

RESTART_DELAY = 1.0
ROLES = ("web", "worker", "lab")


class Command(BaseCommand):
    help = (
        "Run the site in production: check the DEBUG=0 settings, migrate, collect the static "
        "files, then start gunicorn, the task worker(s) and the lab mail server, restarting "
        "any of them that dies, until interrupted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            default=",".join(ROLES),
            help="Which processes this host runs, among web, worker, lab (default: all three).",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_false",
            dest="migrate",
            help="Leave the schema alone (every host but one, when several share a database).",
        )

    def handle(self, *args, only, migrate, **options):
        roles = [role.strip() for role in only.split(",") if role.strip()]
        if unknown := set(roles) - set(ROLES):
            raise CommandError(f"Unknown role(s) {', '.join(sorted(unknown))}: use {ROLES}")
        self._prepare(migrate=migrate and env_bool("SERVE_MIGRATE", True))
        commands = self._commands(roles)
        self.stdout.write(f"Facteur: serving {', '.join(roles)} (Ctrl+C stops).")
        self._supervise(commands)

    def _prepare(self, *, migrate: bool) -> None:
        if settings.DEBUG:
            raise CommandError(
                "DEBUG is on: production needs DEBUG=0 (in .env or the environment). "
                "For development, use `make run`."
            )
        # Errors stop the start; warnings (e.g. plain HTTP on a training-room network) show.
        call_command("check", deploy=True)
        if migrate:
            call_command("migrate", interactive=False, verbosity=1)
        # The manifest that DEBUG=0 pages need is written here, by what starts the site.
        call_command("collectstatic", interactive=False, verbosity=0)

    def _commands(self, roles: list[str]) -> dict[str, list[str]]:
        manage = [sys.executable, "manage.py"]
        commands = {}
        if "web" in roles:
            gunicorn = ["-m", "gunicorn", "-c", "python:quizapp.ops.gunicorn_conf"]
            commands["web"] = [sys.executable, *gunicorn]
        if "worker" in roles:
            for number in range(1, env_int("TASK_WORKERS", 1) + 1):
                commands[f"worker-{number}"] = [*manage, "worker", "--interval", "0.5"]
        if "lab" in roles:
            commands["lab"] = [*manage, "labserver", "--host", settings.LAB_HOST]
        return commands

    def _supervise(self, commands: dict[str, list[str]]) -> None:
        """Start every process; restart one that exits; stop them all on SIGINT or SIGTERM."""
        # The commands are this interpreter and manage.py with fixed arguments, never input.
        running = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping:
                for name, process in list(running.items()):
                    if process.poll() is not None and not stopping:
                        self.stderr.write(f"{name} exited ({process.returncode}): restarting it")
                        time.sleep(RESTART_DELAY)
                        running[name] = subprocess.Popen(commands[name])  # noqa: S603
                time.sleep(0.5)
        finally:
            for process in running.values():
                if process.poll() is None:
                    process.terminate()
            for process in running.values():
                try:
                    process.wait(timeout=25)
                except subprocess.TimeoutExpired:
                    process.kill()
