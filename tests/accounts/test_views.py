import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from quizapp.accounts.models import User

pytestmark = pytest.mark.django_db


def test_it_signs_up_a_trainee_and_logs_them_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "carla",
            "password1": "un-mot-de-passe-long",
            "password2": "un-mot-de-passe-long",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="carla")
    assert user.role == User.Role.TRAINEE
    assert client.get("/").context["user"] == user


def test_a_visitor_cannot_sign_up_as_a_trainer(client):
    client.post(
        reverse("signup"),
        {
            "username": "mallory",
            "password1": "un-mot-de-passe-long",
            "password2": "un-mot-de-passe-long",
            "role": "trainer",
        },
    )
    assert User.objects.get(username="mallory").role == User.Role.TRAINEE


def test_it_explains_a_bad_signup_in_french(client):
    response = client.post(
        reverse("signup"), {"username": "x", "password1": "abc", "password2": "abd"}
    )
    assert response.status_code == 200
    assert "Les deux mots de passe ne correspondent pas" in response.text
    assert not User.objects.filter(username="x").exists()


def test_it_logs_in_and_out(client, trainee):
    response = client.post(reverse("login"), {"username": "alice", "password": "secret-pass-1"})
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert not client.get("/").context["user"].is_authenticated


def test_the_login_page_lists_demo_accounts_in_debug_only(client, settings):
    settings.DEBUG = True
    assert "formatrice" in client.get(reverse("login")).text
    settings.DEBUG = False
    assert "formatrice" not in client.get(reverse("login")).text


def test_it_changes_a_password(client, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "secret-pass-1",
            "new_password1": "encore-un-mot-long-9",
            "new_password2": "encore-un-mot-long-9",
        },
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.check_password("encore-un-mot-long-9")


def test_it_mails_a_reset_link_that_sets_a_new_password(client, trainee, mailoutbox):
    trainee.email = "alice@example.org"
    trainee.save()
    client.post(reverse("password_reset"), {"email": "alice@example.org"})
    _run_worker()
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/]+(/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "tout-nouveau-mot-7", "new_password2": "tout-nouveau-mot-7"},
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.check_password("tout-nouveau-mot-7")


def test_demo_accounts_are_created_once_and_never_reset(db):
    from quizapp.accounts.demo import ensure_demo_accounts

    ensure_demo_accounts()
    trainer = User.objects.get(username="formatrice")
    assert trainer.is_trainer
    trainer.set_password("changed-by-her-1")
    trainer.save()
    ensure_demo_accounts()
    trainer.refresh_from_db()
    assert trainer.check_password("changed-by-her-1")


def test_a_visitor_sent_from_the_lab_is_told_what_an_account_unlocks(client, db):
    response = client.get("/lab/", follow=True)
    assert (
        response.redirect_chain[-1][0].startswith("/accounts/login/")
        or "login" in (response.redirect_chain[-1][0])
    )
    text = response.text
    assert "Le labo demande un compte." in text
    assert "votre propre boîte aux lettres sur le serveur du labo" in text
    assert "vos réponses et vos révisions passent dans le compte" in text
    assert "Le labo demande un compte." not in client.get("/accounts/login/").text


def _run_worker():
    """Run the queued tasks as the worker does, keeping the test's database connection.

    The worker closes old connections between tasks; inside a test's transaction on
    PostgreSQL that would close the test's own.
    """
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
