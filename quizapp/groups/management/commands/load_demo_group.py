from django.core.management.base import BaseCommand, CommandError

from quizapp.accounts.demo import DEMO_ACCOUNTS
from quizapp.accounts.models import User
from quizapp.bank.models import Question
from quizapp.groups.demo import DEMO_GROUP, demo_group_exists, seed_demo_group


class Command(BaseCommand):
    help = (
        f"Create the demo group “{DEMO_GROUP}” (demo trainer, demo trainees and simulated "
        "trainees with two weeks of practice) if it does not exist yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=10, help="Days of simulated practice.")
        parser.add_argument("--per-day", type=int, default=5, help="Answers per practice day.")

    def handle(self, *args, **options):
        if demo_group_exists():
            self.stdout.write(f"Demo group “{DEMO_GROUP}” already exists; left unchanged.")
            return
        if not Question.objects.published().exists():
            raise CommandError("Load the questions first (manage.py load_questions).")
        roles = {account.username: account.role for account in DEMO_ACCOUNTS}
        users = {u.username: u for u in User.objects.filter(username__in=roles)}
        trainers = [u for name, u in users.items() if roles[name] == User.Role.TRAINER]
        trainees = [u for name, u in users.items() if roles[name] == User.Role.TRAINEE]
        if not trainers:
            raise CommandError("Create the demo accounts first (manage.py load_demo).")
        group, answers = seed_demo_group(
            trainer=trainers[0],
            trainees=sorted(trainees, key=str),
            days=options["days"],
            per_day=options["per_day"],
        )
        self.stdout.write(
            f"Demo group “{group.name}” created: {group.memberships.count()} trainees, "
            f"{answers} answers, join code {group.join_code}."
        )
