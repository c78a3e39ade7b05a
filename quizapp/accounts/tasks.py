"""Slow account work, off the request: the password-reset mail."""

from django.contrib.auth.forms import PasswordResetForm
from django.tasks import task
from django.utils import translation


@task
def send_password_reset(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """Mail a reset link to the accounts of `email`, if there are any.

    The lookup happens here, in the worker: the page answers in the same time
    whether the address is known or not, so it cannot be used to find accounts.
    """
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            email_template_name="registration/password_reset_email.html",
            subject_template_name="registration/password_reset_subject.txt",
        )
