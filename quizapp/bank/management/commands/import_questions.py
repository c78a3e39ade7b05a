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
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Refuse the whole file if it holds a question of a type Facteur lacks.",
        )

    def handle(self, *args, file, format, topic, keep_existing, strict, **options):
        try:
            text = formats.decode(file.read_bytes())
            reading = formats.read_report(text, format, default_topics=topic, strict=strict)
            counts = import_questions(
                questions=reading.questions,
                misconceptions=reading.misconceptions,
                update=not keep_existing,
                labels=reading.labels,
                media=reading.media,
                drafts=True,
            )
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        except BankImportError as error:
            for message in error.errors:
                self.stderr.write(str(message))
            raise CommandError(
                f"nothing imported from {file}: {len(error.errors)} error(s)"
            ) from None
        for skipped in reading.skipped:
            self.stderr.write(f"skipped: {skipped.name} ({skipped.type}, {skipped.where})")
        for warning in reading.warnings:
            self.stderr.write(f"not kept: {warning}")
        self.stdout.write("created: {created}, updated: {updated}, kept: {kept}".format(**counts))
