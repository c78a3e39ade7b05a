import pytest

from quizapp.lab.server.accounts import (
    PASSWORD_ALPHABET,
    AccountBook,
    create_mailbox,
    delete_mailbox,
    generate_password,
    hash_password,
    login_to_name,
    mailbox_exists,
    mailbox_name_for,
    verify_password,
)


def test_generated_passwords_use_only_unambiguous_characters():
    password = generate_password()
    assert set(password.replace("-", "")) <= set(PASSWORD_ALPHABET)
    assert generate_password() != password


def test_hash_verifies_only_the_right_password():
    encoded = hash_password("k7pm-x2qa-9dfe")
    assert "k7pm" not in encoded
    assert verify_password("k7pm-x2qa-9dfe", encoded)
    assert not verify_password("k7pm-x2qa-9dff", encoded)
    assert not verify_password("anything", "not$a$hash")


def test_create_mailbox_returns_a_password_the_server_accepts(tmp_path):
    password = create_mailbox(tmp_path, "alice")
    book = AccountBook(tmp_path)
    assert mailbox_exists(tmp_path, "alice")
    assert book.verify("alice", password)
    assert not book.verify("alice", password + "x")
    assert not book.verify("bob", password)


def test_the_server_sees_a_reset_without_restarting(tmp_path):
    old = create_mailbox(tmp_path, "alice", "first-password")
    book = AccountBook(tmp_path)
    assert book.verify("alice", old)
    new = create_mailbox(tmp_path, "alice")
    assert not book.verify("alice", old)
    assert book.verify("alice", new)


def test_a_deleted_mailbox_can_no_longer_log_in(tmp_path):
    password = create_mailbox(tmp_path, "alice")
    book = AccountBook(tmp_path)
    assert delete_mailbox(tmp_path, "alice")
    assert not book.verify("alice", password)
    assert not delete_mailbox(tmp_path, "alice")


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("alice", "alice"),
        ("Alice@Lab.Facteur.Test", "alice"),
        ("alice@example.org", None),
        ("../alice", None),
    ],
)
def test_login_names_a_mailbox_of_the_lab_domain_only(login, expected):
    assert login_to_name(login, "lab.facteur.test") == expected


def test_mailbox_names_derived_from_usernames_are_valid():
    assert mailbox_name_for("Élodie.M") == "elodie.m"
    assert mailbox_name_for("jean paul") == "jean-paul"
    assert mailbox_name_for("@@@") == "trainee"
