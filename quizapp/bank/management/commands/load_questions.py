from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quizapp.bank import native
from quizapp.bank.services import import_questions


class Command(BaseCommand):
    help = (
        "Load the shipped question bank (fixtures/questions.json): adds what is missing, "
        "keeps questions edited in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", type=Path, default=settings.BASE_DIR / "fixtures" / "questions.json"
        )

    def handle(self, *args, source, **options):
        try:
            document = native.parse(source.read_text(encoding="utf-8"))
            counts = import_questions(
                questions=document["questions"],
                misconceptions=document["misconceptions"],
                update=False,
            )
        except OSError as error:
            raise CommandError(f"cannot read {source}: {error.strerror}") from None
        except native.BankImportError as error:
            for message in error.errors:
                self.stderr.write(str(message))
            raise CommandError(f"nothing loaded: {len(error.errors)} error(s)") from None
        self.stdout.write("created: {created}, kept: {kept}".format(**counts))
