"""The lab's IMAP server as mail clients use it, through Python's imaplib (issue 14, 2 to 4)."""

import imaplib
import re
import smtplib

import pytest

from tests.lab import conftest_server
from tests.lab.conftest_server import HOST

lab_server = conftest_server.lab_server
mailbox = conftest_server.mailbox

EIGHT_BIT = (
    b"From: \xc3\x89lodie Martin <elodie@example.org>\r\n"
    b"To: trainee@lab.facteur.test\r\n"
    b"Subject: Caf\xc3\xa9 cr\xc3\xa8me \xe9t\xe9\r\n"  # UTF-8, then stray Latin-1
    b"\r\n"
    b"Bonjour.\r\n"
)


def relay(server, box, message: bytes) -> None:
    """Hand a message to the relay port, as anyone on the network can."""
    with smtplib.SMTP(HOST, server.port("smtp"), timeout=5) as client:
        client.sendmail("someone@example.org", [box.address], message)


def imap(server, box) -> imaplib.IMAP4_SSL:
    client = imaplib.IMAP4_SSL(
        HOST, server.port("imaps"), ssl_context=server.tls_context(), timeout=5
    )
    client.login(box.address, box.password)
    return client


def response_code(client: imaplib.IMAP4, name: str) -> list:
    return client.untagged_responses.pop(name, [])


# 2. Raw 8-bit headers --------------------------------------------------------------------------


def test_a_raw_8bit_header_never_breaks_envelope_and_the_session_goes_on(lab_server, mailbox):
    relay(lab_server, mailbox, EIGHT_BIT)
    client = imap(lab_server, mailbox)
    client.select("INBOX")

    status, data = client.fetch(
        "1:*", "(ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (SUBJECT)])"
    )

    assert status == "OK"
    envelope = data[0][0]
    assert b"=?utf-8?b?" in envelope  # encoded-words, 7-bit clean
    assert b'NIL "elodie" "example.org"' in envelope
    assert "Café".encode() in data[0][1]  # the header section itself is served as it is
    assert client.noop()[0] == "OK"
    assert client.search(None, "ALL") == ("OK", [b"1"])
    client.logout()


def test_an_rfc_6532_utf8_address_reaches_the_client_as_a_literal(lab_server, mailbox):
    message = "From: Zoé <zoé@exemple.fr>\r\nSubject: adresse\r\n\r\nx\r\n".encode()
    relay(lab_server, mailbox, message)
    client = imap(lab_server, mailbox)
    client.select("INBOX")

    status, data = client.fetch("1", "(ENVELOPE)")

    assert status == "OK"
    assert "zoé".encode() in b"".join(
        part if isinstance(part, bytes) else b"".join(part) for part in data
    )
    client.logout()


# 3. Folders ------------------------------------------------------------------------------------


def test_the_usual_folders_exist_with_their_special_use(lab_server, mailbox):
    client = imap(lab_server, mailbox)

    status, listing = client.list()

    assert status == "OK"
    assert b'(\\HasNoChildren \\Sent) "/" "Sent"' in listing
    assert b'(\\HasNoChildren \\Drafts) "/" "Drafts"' in listing
    assert b'(\\HasNoChildren \\Trash) "/" "Trash"' in listing
    assert b'(\\HasNoChildren) "/" "INBOX"' in listing
    assert {"UIDPLUS", "MOVE", "SPECIAL-USE"} <= set(client.capabilities)
    client.logout()


def test_folders_can_be_created_renamed_and_deleted(lab_server, mailbox):
    client = imap(lab_server, mailbox)

    assert client.create("Archives/2026")[0] == "OK"
    assert client.rename("Archives", "Old")[0] == "OK"
    listing = b"\n".join(client.list()[1])
    assert b'"Old/2026"' in listing and b'(\\HasChildren) "/" "Old"' in listing
    assert client.delete("Old")[0] == "NO"  # it has children
    assert client.delete("Old/2026")[0] == "OK"
    assert client.delete("Old")[0] == "OK"
    assert client.create("Sent")[0] == "NO"  # exists already
    assert client.delete("INBOX")[0] == "NO"
    client.logout()


def test_append_with_and_without_flags_and_date_answers_appenduid(lab_server, mailbox):
    client = imap(lab_server, mailbox)
    message = b"From: me@lab.facteur.test\r\nSubject: sent copy\r\n\r\nHello\r\n"

    plain = client.append("Sent", None, None, message)
    dated = client.append("Sent", "(\\Seen)", imaplib.Time2Internaldate(1767225600), message)

    assert plain[0] == dated[0] == "OK"
    assert re.search(rb"\[APPENDUID \d+ 1\]", plain[1][0])
    assert re.search(rb"\[APPENDUID \d+ 2\]", dated[1][0])
    client.select("Sent")
    flags = client.fetch("1:2", "(FLAGS INTERNALDATE)")[1]
    assert b"\\Seen" not in flags[0] and b"\\Seen" in flags[1]
    assert b'"01-Jan-2026 00:00:00 +0000"' in flags[1]
    client.logout()


def test_append_to_a_missing_folder_asks_the_client_to_create_it(lab_server, mailbox):
    client = imap(lab_server, mailbox)

    status, data = client.append("Nowhere", None, None, b"Subject: x\r\n\r\ny\r\n")

    assert status == "NO"
    assert data[0].startswith(b"[TRYCREATE]")
    client.logout()


def test_move_and_copy_report_copyuid_and_uid_expunge_removes_only_what_is_named(
    lab_server, mailbox
):
    for n in range(3):
        relay(lab_server, mailbox, b"Subject: m%d\r\n\r\nx\r\n" % n)
    client = imap(lab_server, mailbox)
    client.select("INBOX")

    assert client.uid("MOVE", "1", "Trash")[0] == "OK"
    assert re.search(rb"\[COPYUID \d+ 1 1\]", b" ".join(response_code(client, "OK")))
    copied = client._simple_command("UID", "COPY", "2:3", "Drafts")  # keeps the tagged text
    assert copied[1][0].startswith(b"[COPYUID")
    client.uid("STORE", "2:3", "+FLAGS", "(\\Deleted)")
    assert client.uid("EXPUNGE", "3")[0] == "OK"
    assert client.uid("SEARCH", None, "ALL")[1] == [b"2"]
    client.select("Trash")
    assert client.search(None, "SUBJECT", "m0")[1] == [b"1"]
    client.logout()


# 4. SEARCH, BODYSTRUCTURE, ENVELOPE -------------------------------------------------------------


def test_search_by_subject_from_charset_and_since(lab_server, mailbox):
    relay(lab_server, mailbox, b"From: Alice <alice@example.org>\r\nSubject: Bonjour\r\n\r\nx\r\n")
    relay(lab_server, mailbox, EIGHT_BIT)
    client = imap(lab_server, mailbox)
    client.select("INBOX")

    assert client.search(None, "SUBJECT", "bonjour") == ("OK", [b"1"])
    assert client.search(None, "FROM", '"alice@example.org"') == ("OK", [b"1"])
    assert client.search(None, "SINCE", "1-Jan-2020") == ("OK", [b"1 2"])
    assert client.search(None, "OR", "FROM", "elodie", "SUBJECT", "nothing") == ("OK", [b"2"])
    client.literal = "café".encode()
    assert client.search("UTF-8", "SUBJECT") == ("OK", [b"2"])
    assert client.search("KOI8-R", "ALL")[0] == "NO"
    client.logout()


def test_a_message_without_mime_headers_gets_the_rfc_defaults(lab_server, mailbox):
    relay(lab_server, mailbox, b"Subject: plain\r\n\r\nline 1\r\nline 2\r\n")
    client = imap(lab_server, mailbox)
    client.select("INBOX")

    data = client.fetch("1", "(BODYSTRUCTURE)")[1][0]

    assert b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" ' in data
    client.logout()


def test_an_envelope_without_from_has_nil_addresses(lab_server, mailbox):
    relay(lab_server, mailbox, b"Subject: nobody\r\n\r\nx\r\n")
    client = imap(lab_server, mailbox)
    client.select("INBOX")

    data = client.fetch("1", "(ENVELOPE)")[1][0]

    assert b'"nobody" NIL NIL NIL NIL NIL NIL NIL NIL)' in data
    client.logout()


@pytest.mark.parametrize("section", ["BODY.PEEK[1]", "BODY.PEEK[2.MIME]", "BODY.PEEK[3]"])
def test_multipart_sections_are_served_or_nil(lab_server, mailbox, section):
    relay(
        lab_server,
        mailbox,
        b"Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n"
        b"\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\nContent-Type: text/html\r\n"
        b"\r\n<p>two</p>\r\n--b--\r\n",
    )
    client = imap(lab_server, mailbox)
    client.select("INBOX")

    status, data = client.fetch("1", f"({section})")

    assert status == "OK"
    expected = {"BODY.PEEK[1]": b"one", "BODY.PEEK[2.MIME]": b"text/html", "BODY.PEEK[3]": None}
    served = data[0][1] if isinstance(data[0], tuple) else None
    if expected[section] is None:
        assert b"NIL" in data[0]
    else:
        assert expected[section] in served
    client.logout()
