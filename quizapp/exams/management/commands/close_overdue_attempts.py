from django.core.management.base import BaseCommand

from quizapp.exams.tasks import close_overdue_now


class Command(BaseCommand):
    help = (
        "Close the attempts past their deadline now (the task worker also does it every "
        "PERIODIC_INTERVAL seconds)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"close_overdue_attempts: {close_overdue_now()} closed")
