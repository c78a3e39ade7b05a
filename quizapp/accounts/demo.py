"""Demo accounts for a fresh install, listed on the login page in DEBUG only."""

from dataclasses import dataclass

from quizapp.accounts.models import User


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


DEMO_ACCOUNTS = (
    DemoAccount("stagiaire", "facteur-stagiaire", User.Role.TRAINEE),
    DemoAccount("stagiaire2", "facteur-stagiaire", User.Role.TRAINEE),
    DemoAccount("formatrice", "facteur-formatrice", User.Role.TRAINER),
)


def ensure_demo_accounts() -> list[User]:
    """Create the demo accounts that are missing; leave existing ones untouched."""
    users = []
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username, defaults={"role": account.role}
        )
        if created:
            user.set_password(account.password)
            user.save(update_fields=["password"])
        users.append(user)
    return users
