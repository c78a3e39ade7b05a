from django.conf import settings
from django_tasks_db.management.commands import db_worker

from quizapp.ops import periodic


class Command(db_worker.Command):
    help = (
        "Run the task worker (django-tasks-db's db_worker, every queue by default) and, "
        "beside it, the periodic jobs that recover work a lost worker left behind."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)

    def handle(self, *args, **options):
        periodic.start_in_background(settings.PERIODIC_INTERVAL)
        super().handle(*args, **options)
