from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from twisted.internet.error import CannotListenError

from quizapp.lab.server.config import DEFAULT_DOMAIN, add_arguments, config_from_options
from quizapp.lab.server.runner import run


class Command(BaseCommand):
    help = (
        "Run the lab mail server (SMTP relay and submission, POP3, IMAP, with and without "
        "implicit TLS) on unprivileged ports until interrupted."
    )

    def add_arguments(self, parser):
        # The web side must use the same data directory and domain to create mailboxes.
        add_arguments(
            parser,
            data_dir_default=Path(getattr(settings, "LAB_DATA_DIR", settings.VAR_DIR / "lab")),
            domain_default=getattr(settings, "LAB_DOMAIN", DEFAULT_DOMAIN),
        )

    def handle(self, *args, **options):
        try:
            run(config_from_options(options))
        except (ValueError, CannotListenError) as e:
            raise CommandError(str(e)) from e
