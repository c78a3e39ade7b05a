import asyncio

import pytest

from quizapp.lab.probe import TargetRefused
from quizapp.lab.probe.imapcheck import imap_find_message

from . import fakeservers as fake

LOOPBACK = ["127.0.0.1/32"]
MESSAGE = (
    b"Received: from lab.test (localhost [127.0.0.1])\r\n"
    b"\tby lab.test with ESMTPSA; Mon, 1 Jan 2024 10:00:01 +0000\r\n"
    b"Received: from [192.0.2.7] by mua.example; Mon, 1 Jan 2024 10:00:00 +0000\r\n"
    b"Subject: =?utf-8?q?Test_=C3=A9t=C3=A9?= TOKEN-42\r\n"
    b"\r\n"
    b"Hello\r\n"
)


@pytest.fixture
def mailbox():
    other = fake.StoredMessage(2, b"Subject: something else\r\n\r\nbody\r\n")
    return fake.Mailbox("trainee1", 'se"cr\\et', [fake.StoredMessage(7, MESSAGE), other])


TOKEN = "TOKEN-42"


def check(box, context, token=TOKEN, *, implicit=False, password=None):
    async def scenario():
        handler = fake.imap_mailbox(box, context, implicit=implicit)
        async with fake.serve(handler, context if implicit else None) as port:
            return await imap_find_message(
                host="127.0.0.1",
                port=port,
                allowed_networks=LOOPBACK,
                username=box.user,
                password=box.password if password is None else password,
                token=token,
                implicit_tls=implicit,
                timeout=2.0,
            )

    return asyncio.run(scenario())


def test_message_with_the_token_is_found_with_its_received_headers(mailbox, tls_context):
    result = check(mailbox, tls_context)

    [found] = result.messages
    assert result.error == ""
    assert found.uid == 7
    assert found.received()[0].startswith("from lab.test (localhost [127.0.0.1]) by lab.test")
    assert len(found.received()) == 2
    assert ("Subject", "Test été TOKEN-42") in found.headers


def test_checking_never_marks_the_message_read(mailbox, tls_context):
    result = check(mailbox, tls_context)

    assert not result.messages[0].seen
    assert mailbox.messages[0].flags == set()
    assert not any(command.upper().startswith("SELECT") for command in mailbox.commands)


def test_seen_flag_set_by_another_client_is_reported(mailbox, tls_context):
    mailbox.messages[0].flags.add("\\Seen")

    assert check(mailbox, tls_context).messages[0].seen


def test_no_message_with_the_token_gives_an_empty_list(mailbox, tls_context):
    result = check(mailbox, tls_context, token="ABSENT")

    assert result.messages == []
    assert result.error == ""


def test_password_goes_only_inside_tls_and_is_masked_in_the_transcript(mailbox, tls_context):
    result = check(mailbox, tls_context)

    [login] = [line for line in result.transcript if " LOGIN " in line.text]
    assert login.tls
    assert "cr" not in login.text
    assert "********" in login.text
    assert result.tls.established


def test_implicit_tls_mailbox_is_checked_too(mailbox, tls_context):
    result = check(mailbox, tls_context, implicit=True)

    assert [message.uid for message in result.messages] == [7]


def test_wrong_password_is_a_login_failure(mailbox, tls_context):
    assert check(mailbox, tls_context, password="wrong").error == "login_failed"


@pytest.mark.parametrize("token", ['x" OR ALL', "", "a" * 65, "é"])
def test_token_that_could_change_the_command_is_refused(mailbox, tls_context, token):
    with pytest.raises(ValueError):
        check(mailbox, tls_context, token=token)


def test_mailbox_outside_the_lab_is_refused():
    with pytest.raises(TargetRefused):
        asyncio.run(
            imap_find_message(
                host="192.0.2.1",
                port=993,
                allowed_networks=LOOPBACK,
                username="u",
                password="p",
                token="T",
                implicit_tls=True,
            )
        )
