from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizapp.bank import formats
from quizapp.bank.native import BankImportError
from quizapp.bank.services import import_questions


class Command(BaseCommand):
    help = (
        "Import questions from a Facteur JSON, Moodle XML or GIFT file: all of them or, "
        "on any error, none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", choices=list(formats.FORMATS), help="Default: guessed from the content."
        )
        parser.add_argument(
            "--topic",
            action="append",
            default=[],
            help="Topic slug for Moodle or GIFT questions that name none (repeat for more).",
        )
        parser.add_argument(
            "--keep-existing",
            action="store_true",
            help="Leave questions whose key already exists as they are.",
        )

    def handle(self, *args, file, format, topic, keep_existing, **options):
        try:
            text = formats.decode(file.read_bytes())
            questions, misconceptions = formats.read(text, format, default_topics=topic)
            counts = import_questions(
                questions=questions, misconceptions=misconceptions, update=not keep_existing
            )
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        except BankImportError as error:
            for message in error.errors:
                self.stderr.write(str(message))
            raise CommandError(
                f"nothing imported from {file}: {len(error.errors)} error(s)"
            ) from None
        self.stdout.write("created: {created}, updated: {updated}, kept: {kept}".format(**counts))
