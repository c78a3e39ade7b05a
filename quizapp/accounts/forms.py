from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from quizapp.accounts.models import User


class SignupForm(UserCreationForm):
    """Sign up as a trainee; the trainer role is granted only by an admin."""

    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("Optional; needed only to reset a forgotten password."),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
