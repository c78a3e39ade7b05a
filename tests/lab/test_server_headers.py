from quizapp.lab.server.headers import (
    SmtpSession,
    header_block,
    printable,
    split_message,
    stamp,
    to_crlf,
)

MESSAGE = b"Received: from b\r\n\tby c\r\nReceived: from a\r\nSubject: hi\r\n\r\nbody\r\n"


def test_to_crlf_normalises_every_line_ending():
    assert to_crlf(b"a\nb\r\nc\rd") == b"a\r\nb\r\nc\r\nd"


def test_split_message_separates_headers_from_body():
    head, body = split_message(MESSAGE)
    assert head.endswith(b"Subject: hi\r\n\r\n") and body == b"body\r\n"
    assert split_message(b"Subject: x\r\n") == (b"Subject: x\r\n\r\n", b"")


def test_header_block_keeps_repeated_fields_and_their_folding():
    block = header_block(MESSAGE, [b"RECEIVED"])
    assert block == b"Received: from b\r\n\tby c\r\nReceived: from a\r\n\r\n"


def test_header_block_not_excludes_the_named_fields():
    assert header_block(MESSAGE, ["received"], negate=True) == b"Subject: hi\r\n\r\n"


def test_printable_strips_what_could_break_a_header():
    assert printable(b"evil\r\nX-Injected: 1 (x)") == "evilX-Injected:1x"
    assert printable("[127.0.0.1]") == "[127.0.0.1]"


def test_stamp_puts_the_mda_hop_above_the_msa_hop():
    session = SmtpSession("laptop", "127.0.0.1", ("TLSv1.3", "TLS_AES_256_GCM_SHA384"), "alice")
    filed = stamp(b"Subject: x\n\nbody\n", session, "a@b.test", "alice@lab.test", "mail.lab.test")
    lines = filed.split(b"\r\n")
    assert lines[0] == b"Return-Path: <a@b.test>"
    assert lines[1] == b"Delivered-To: alice@lab.test"
    received = [line for line in lines if line.startswith(b"Received:")]
    assert received == [
        b"Received: from mail.lab.test",
        b"Received: from laptop (localhost [127.0.0.1])",
    ]
    assert b"with ESMTPSA" in filed and filed.endswith(b"\r\n\r\nbody\r\n")


def test_with_protocol_says_whether_tls_and_auth_were_used():
    assert SmtpSession("h", "192.0.2.1", None, None).with_protocol == "ESMTP"
    assert SmtpSession("h", "192.0.2.1", ("v", "c"), None).with_protocol == "ESMTPS"
    assert SmtpSession("h", "192.0.2.1", ("v", "c"), "bob").with_protocol == "ESMTPSA"
