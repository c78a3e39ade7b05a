from django.core.management.base import BaseCommand

from quizapp.exams.tasks import close_overdue_attempts


class Command(BaseCommand):
    help = (
        "Enqueue the closing of attempts past their deadline (run it every minute from cron "
        "or a systemd timer; with the immediate task backend it runs at once)."
    )

    def handle(self, *args, **options):
        result = close_overdue_attempts.enqueue()
        self.stdout.write(f"close_overdue_attempts: {result.status}")
