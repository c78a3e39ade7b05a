import pytest
from twisted.mail import imap4

from quizapp.lab.server.imap import fetch_marks_seen, partial
from quizapp.lab.server.imap_mailbox import InboxView
from quizapp.lab.server.store import SEEN, MailStore


def parse(query: bytes) -> list:
    parser = imap4._FetchParser()
    parser.parseString(query)
    return parser.result


@pytest.mark.parametrize(
    "query",
    [b"BODY[]", b"BODY[TEXT]", b"BODY[HEADER]", b"RFC822", b"RFC822.TEXT", b"(FLAGS BODY[1])"],
)
def test_reading_content_marks_seen(query):
    assert fetch_marks_seen(parse(query))


@pytest.mark.parametrize(
    "query",
    [b"BODY.PEEK[]", b"RFC822.HEADER", b"(FLAGS UID)", b"BODY", b"BODYSTRUCTURE", b"ENVELOPE"],
)
def test_peeking_or_reading_metadata_does_not(query):
    assert not fetch_marks_seen(parse(query))


def test_partial_returns_the_slice_and_labels_it_with_its_origin():
    item = parse(b"BODY.PEEK[]<3.4>")[0]
    assert partial(item, b"0123456789") == (b"BODY[]<3>", b"3456")
    assert partial(parse(b"BODY[]")[0], b"abc") == (b"BODY[]", b"abc")


class Recorder:
    def __init__(self):
        self.lines = []

    def sendUntaggedResponse(self, message, isAsync=None):
        self.lines.append(message)


def test_refresh_reports_removals_highest_first_then_new_mail(tmp_path):
    store = MailStore(tmp_path)
    uids = [store.deliver("alice", b"m%d\r\n" % i) for i in range(3)]
    view = InboxView(store, "alice", writeable=True)
    store.remove("alice", uids[:2])
    store.deliver("alice", b"new\r\n")
    recorder = Recorder()

    view.refresh(recorder)

    assert recorder.lines == [b"2 EXPUNGE", b"1 EXPUNGE", b"2 EXISTS"]
    assert view.getMessageCount() == 2


def test_refresh_reports_flags_set_by_another_session(tmp_path):
    store = MailStore(tmp_path)
    uid = store.deliver("alice", b"m\r\n")
    view = InboxView(store, "alice", writeable=True)
    store.store_flags("alice", [uid], [SEEN], 1)
    recorder = Recorder()

    view.refresh(recorder)

    assert recorder.lines == [b"1 FETCH (FLAGS (\\Seen))"]
    assert view.getUnseenCount() == 0


def test_read_only_view_refuses_to_store_flags(tmp_path):
    store = MailStore(tmp_path)
    store.deliver("alice", b"m\r\n")
    view = InboxView(store, "alice", writeable=False)
    with pytest.raises(imap4.ReadOnlyMailbox):
        view.store(imap4.MessageSet(1), [SEEN], 1, uid=False)
