from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from course.loading import load_course


class Command(BaseCommand):
    help = "Load the CP1-03-01 course from fixtures/course/ (creates what is missing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", type=Path, default=settings.BASE_DIR / "fixtures" / "course"
        )
        parser.add_argument(
            "--update", action="store_true", help="Also overwrite texts edited in the admin."
        )

    def handle(self, *args, source, update, **options):
        report = load_course(source_dir=source, update=update)
        self.stdout.write(f"created: {report.created or '-'}; updated: {report.updated or '-'}")
