from pathlib import Path

from django.core.management.base import BaseCommand

from quizapp.bank import formats
from quizapp.bank.services import export_items


class Command(BaseCommand):
    help = "Export the question bank as Facteur JSON, Moodle XML or GIFT."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=list(formats.FORMATS), default="json")
        parser.add_argument(
            "--lang",
            choices=formats.LANGS,
            default="fr",
            help="Language of the texts in Moodle XML and GIFT (JSON holds both).",
        )
        parser.add_argument("--output", type=Path, help="File to write (default: standard output).")

    def handle(self, *args, format, lang, output, **options):
        questions, misconceptions = export_items()
        text, summary = formats.write(format, questions, misconceptions, lang)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
        for skipped in summary:
            self.stderr.write(f"not exported: {skipped.key}: {skipped.reason}")
        count = len(questions) - len(summary)
        self.stderr.write(f"{count} question(s) exported, {len(summary)} left out ({format}).")
