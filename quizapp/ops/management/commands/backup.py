from django.core.management.base import BaseCommand, CommandError

from quizapp.ops.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite's online backup API, or pg_dump) and the lab's mail, "
        "while the site runs; files go to BACKUP_DIR (var/backups by default)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Write the files here instead of BACKUP_DIR.")

    def handle(self, *args, **options):
        try:
            written = backup(directory=options["dir"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        for path in written:
            self.stdout.write(str(path))
