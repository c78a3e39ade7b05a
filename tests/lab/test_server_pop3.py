from types import SimpleNamespace

import pytest

from quizapp.lab.server.pop3 import LabPOP3, Pop3Mailbox
from quizapp.lab.server.store import MailStore


@pytest.fixture
def store(tmp_path):
    store = MailStore(tmp_path)
    store.deliver("alice", b"Subject: one\r\n\r\n1\r\n")
    store.deliver("alice", b"Subject: two\r\n\r\n2\r\n")
    return store


def test_dele_hides_a_message_at_once_but_removes_it_only_at_sync(store):
    session = Pop3Mailbox(store, "alice")
    session.deleteMessage(0)
    assert [number for number, _size, _uidl in session.live()] == [2]
    assert len(store.messages("alice")) == 2
    session.sync()
    assert [m.uid for m in store.messages("alice")] == [2]


def test_a_message_cannot_be_deleted_twice_or_read_once_deleted(store):
    session = Pop3Mailbox(store, "alice")
    session.deleteMessage(0)
    with pytest.raises(ValueError):
        session.deleteMessage(0)
    with pytest.raises(ValueError):
        session.getMessage(0)


def test_rset_brings_deleted_messages_back(store):
    session = Pop3Mailbox(store, "alice")
    session.deleteMessage(1)
    session.undeleteMessages()
    session.sync()
    assert len(store.messages("alice")) == 2


def test_uidl_is_stable_across_sessions(store):
    assert Pop3Mailbox(store, "alice").getUidl(1) == Pop3Mailbox(store, "alice").getUidl(1)


def test_byte_stuffing_catches_a_dot_at_the_start_of_a_chunk():
    server = LabPOP3(
        SimpleNamespace(portal=None, implicit_tls=False, tls_options=None, login_delay=0)
    )
    chunks = [server.transformChunk(c) for c in (b"line\n", b".dot\n", b"x.y\n.")]
    assert b"".join(chunks) == b"line\r\n..dot\r\nx.y\r\n.."
