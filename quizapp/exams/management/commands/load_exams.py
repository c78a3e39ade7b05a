from django.core.management.base import BaseCommand

from quizapp.exams.blueprints import ensure_default_exams


class Command(BaseCommand):
    help = "Create or refresh the shipped mock exams (fixed and adaptive form)."

    def handle(self, *args, **options):
        exams = ensure_default_exams()
        self.stdout.write(f"{len(exams)} mock exams ready.")
