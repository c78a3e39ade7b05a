"""A task worker for queue_scenario.py: `python -m tests.lab.queue_worker PER_PORT_SECONDS`.

The real `manage.py worker`, with the probe's per-port timeout shortened so
that a check against a silent server takes a known time.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizapp.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from quizapp.lab import checks

    checks.PER_PORT_TIMEOUT = float(sys.argv[1])
    call_command("worker", interval=0.05, startup_delay=False, verbosity=0)


if __name__ == "__main__":
    main()
