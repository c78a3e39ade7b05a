"""The account itself, for the personal-data export (quizapp/privacy/registry.py)."""

from django.utils.translation import gettext_lazy as _

from quizapp.privacy.registry import PersonalData, register


def account_of(user) -> list[dict]:
    return [
        {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        }
    ]


register(
    PersonalData(
        name="account",
        label=_("Your account: name, e-mail address, role, dates of sign-up and last login"),
        export=account_of,
        on_delete=_("Deleted (the password's hash with it)."),
    )
)
