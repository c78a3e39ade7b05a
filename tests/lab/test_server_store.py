import pytest

from quizapp.lab.server.store import (
    DELETED,
    SEEN,
    MailStore,
    UnknownMessage,
    apply_flags,
    check_name,
)


@pytest.fixture
def store(tmp_path):
    return MailStore(tmp_path)


def test_deliver_gives_increasing_uids_and_keeps_the_octets(store):
    first = store.deliver("alice", b"Subject: a\r\n\r\n1\r\n")
    second = store.deliver("alice", b"Subject: b\r\n\r\n2\r\n")
    assert second > first
    assert store.read("alice", second) == b"Subject: b\r\n\r\n2\r\n"
    assert [m.size for m in store.messages("alice")] == [17, 17]


def test_a_new_store_object_sees_the_same_mailbox(store, tmp_path):
    store.deliver("alice", b"x\r\n", flags=[SEEN])
    again = MailStore(tmp_path)
    assert again.state("alice") == store.state("alice")
    assert again.messages("alice")[0].seen


def test_uids_are_never_reused_after_removal(store):
    uid = store.deliver("alice", b"x\r\n")
    store.remove("alice", [uid])
    assert store.deliver("alice", b"y\r\n") > uid
    with pytest.raises(UnknownMessage):
        store.read("alice", uid)


def test_ensure_gives_a_new_mailbox_a_nonzero_uidvalidity_once(store):
    created = store.ensure("alice")
    assert created.uidvalidity > 0
    assert store.ensure("alice").uidvalidity == created.uidvalidity


def test_store_flags_adds_removes_and_replaces(store):
    uid = store.deliver("alice", b"x\r\n", flags=[SEEN])
    assert store.store_flags("alice", [uid], [DELETED], 1)[uid] == {SEEN, DELETED}
    assert store.store_flags("alice", [uid], [SEEN], -1)[uid] == {DELETED}
    assert store.store_flags("alice", [uid], ["\\Flagged"], 0)[uid] == {"\\Flagged"}
    assert store.store_flags("alice", [uid + 1], [SEEN], 1) == {}


def test_apply_flags_modes_follow_imap_store():
    current = frozenset({SEEN})
    assert apply_flags(current, [DELETED], 1) == {SEEN, DELETED}
    assert apply_flags(current, [SEEN], -1) == set()
    assert apply_flags(current, [DELETED], 0) == {DELETED}


def test_empty_removes_every_message(store):
    store.deliver("alice", b"x\r\n")
    store.deliver("alice", b"y\r\n")
    assert store.empty("alice") == 2
    assert store.messages("alice") == ()


def test_listeners_hear_changes_until_unsubscribed(store):
    heard = []
    store.subscribe("alice", heard.append)
    store.deliver("alice", b"x\r\n")
    store.unsubscribe("alice", heard.append)
    store.deliver("alice", b"y\r\n")
    assert heard == ["alice"]


def test_writes_leave_no_temporary_files(store, tmp_path):
    store.deliver("alice", b"x\r\n")
    assert not [p for p in tmp_path.rglob("*.tmp")]


@pytest.mark.parametrize("name", ["../etc", "Alice", "", "a/b", ".hidden", "x" * 65])
def test_names_that_could_escape_or_clash_are_refused(name):
    with pytest.raises(ValueError):
        check_name(name)
