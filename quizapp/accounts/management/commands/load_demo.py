from django.core.management.base import BaseCommand

from quizapp.accounts.demo import ensure_demo_accounts


class Command(BaseCommand):
    help = "Create the demo accounts that do not exist yet (never changes existing ones)."

    def handle(self, *args, **options):
        users = ensure_demo_accounts()
        self.stdout.write(f"{len(users)} demo accounts ready.")
