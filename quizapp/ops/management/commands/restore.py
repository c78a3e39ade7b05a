from django.core.management.base import BaseCommand, CommandError

from quizapp.ops.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database (and the lab's mail) by a backup made with `manage.py backup`. "
        "Stop the site first: pages served meanwhile would show the old data."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .sqlite3 or .pgdump file to restore.")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, path, interactive, **options):
        if interactive:
            answer = input("This replaces every row of the database. Type 'yes' to go on: ")
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {path}")
