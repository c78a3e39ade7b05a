"""Password guessing is braked (issue 8.3): 100 wrong passwords were all hashed, ~1 s each."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

LIMIT = 10
hashed = []


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting every password it checks."""

    def verify(self, password, encoded):
        hashed.append(password)
        return super().verify(password, encoded)


@pytest.fixture(autouse=True)
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_lockout.CountingHasher"]
    settings.AXES_FAILURE_LIMIT = LIMIT
    hashed.clear()


@pytest.fixture
def stagiaire(django_user_model):
    return django_user_model.objects.create_user(
        "stagiaire", email="stagiaire@example.org", password="facteur-stagiaire"
    )


def guess(client, url, username, password, address="10.1.2.3"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_wrong_passwords_lock_the_username_before_any_more_hashing(client, stagiaire, url):
    statuses = [guess(client, url, "stagiaire", f"guess-{n}").status_code for n in range(100)]

    assert statuses[: LIMIT - 1] == [200] * (LIMIT - 1)
    assert set(statuses[LIMIT - 1 :]) == {429}  # the tenth failure locks
    assert len(hashed) == LIMIT  # the 90 refused guesses cost no hashing
    right = guess(client, url, "stagiaire", "facteur-stagiaire", address="10.9.9.9")
    assert right.status_code == 429  # even the right password waits for the cool-off


def test_the_lockout_page_says_why_and_for_how_long_in_french(client, stagiaire):
    for n in range(LIMIT):
        guess(client, "/accounts/login/", "stagiaire", f"guess-{n}")

    page = guess(client, "/accounts/login/", "stagiaire", "again")

    assert page.status_code == 429
    assert "Trop de connexions échouées" in page.text
    assert "15 minutes" in page.text


def test_guessing_many_usernames_from_one_address_locks_the_address(client, stagiaire):
    for n in range(LIMIT):
        guess(client, "/accounts/login/", f"someone{n}", "guess")

    assert guess(client, "/accounts/login/", "stagiaire", "facteur-stagiaire").status_code == 429
    elsewhere = guess(client, "/accounts/login/", "stagiaire", "facteur-stagiaire", "10.7.7.7")
    assert elsewhere.status_code == 302  # the address is locked, not the account


def test_after_the_cool_off_the_right_password_works_again(client, stagiaire):
    for n in range(LIMIT):
        guess(client, "/accounts/login/", "stagiaire", f"guess-{n}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    assert guess(client, "/accounts/login/", "stagiaire", "facteur-stagiaire").status_code == 302


def test_an_administrator_lifts_a_lockout(client, stagiaire):
    for n in range(LIMIT):
        guess(client, "/accounts/login/", "stagiaire", f"guess-{n}")

    call_command("axes_reset_username", "stagiaire", verbosity=0)

    assert guess(client, "/accounts/login/", "stagiaire", "facteur-stagiaire").status_code == 302


def run_worker():
    _run_worker()


def test_the_reset_page_answers_alike_for_known_and_unknown_addresses(
    client, stagiaire, mailoutbox
):
    known = client.post(reverse("password_reset"), {"email": "stagiaire@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    # Nothing is looked up or sent during the request: both only queue a task.
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert mailoutbox == []
    assert DBTaskResult.objects.count() == 2
    run_worker()
    assert [m.to for m in mailoutbox] == [["stagiaire@example.org"]]


def test_the_reset_mail_speaks_the_language_of_the_page(client, stagiaire, mailoutbox):
    with translation.override("en"):
        client.post(reverse("password_reset"), {"email": "stagiaire@example.org"})
    run_worker()

    assert "/en/accounts/password/reset/" in mailoutbox[0].body


def _run_worker():
    """Run the queued tasks as the worker does, keeping the test's database connection.

    The worker closes old connections between tasks; inside a test's transaction on
    PostgreSQL that would close the test's own.
    """
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
