import pytest

from quizapp.lab.probe import classify
from quizapp.lab.probe.results import Protocol

# What real servers send, copied from their documentation and from live sessions.
POSTFIX_GREETING = "220 mail.example.org ESMTP Postfix (Debian/GNU)"
EXIM_GREETING = "220 mx.example.net ESMTP Exim 4.96 Mon, 01 Jan 2024 10:00:00 +0000"
EXCHANGE_GREETING = (
    "220 EXCH01.contoso.local Microsoft ESMTP MAIL Service ready at Mon, 1 Jan 2024 10:00:00 +0100"
)
DOVECOT_POP3_GREETING = "+OK Dovecot (Debian) ready."
EXCHANGE_POP3_GREETING = "+OK The Microsoft Exchange POP3 service is ready."
DOVECOT_IMAP_GREETING = (
    "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ "
    "STARTTLS LOGINDISABLED] Dovecot (Debian) ready."
)
EXCHANGE_IMAP_GREETING = (
    "* OK The Microsoft Exchange IMAP4 service is ready. "
    "[TQBOADIAUABSADAAMQBDAEEAMAAwADEAMwAuAG4AYQBtAHAAcgBkADAAMQAuAHAAcgBvAGQA]"
)

POSTFIX_EHLO = [
    "250-mail.example.org",
    "250-PIPELINING",
    "250-SIZE 10240000",
    "250-VRFY",
    "250-ETRN",
    "250-STARTTLS",
    "250-ENHANCEDSTATUSCODES",
    "250-8BITMIME",
    "250-DSN",
    "250-SMTPUTF8",
    "250 CHUNKING",
]
EXIM_EHLO = [
    "250-mx.example.net Hello facteur.invalid [192.0.2.10]",
    "250-SIZE 52428800",
    "250-LIMITS MAILMAX=1000 RCPTMAX=50000",
    "250-8BITMIME",
    "250-PIPELINING",
    "250-PIPECONNECT",
    "250-AUTH PLAIN LOGIN",
    "250-CHUNKING",
    "250-STARTTLS",
    "250-PRDR",
    "250 HELP",
]
EXCHANGE_EHLO = [
    "250-EXCH01.contoso.local Hello [192.0.2.10]",
    "250-SIZE 37748736",
    "250-PIPELINING",
    "250-DSN",
    "250-ENHANCEDSTATUSCODES",
    "250-STARTTLS",
    "250-X-ANONYMOUSTLS",
    "250-AUTH NTLM",
    "250-X-EXPS GSSAPI NTLM",
    "250-8BITMIME",
    "250-BINARYMIME",
    "250-CHUNKING",
    "250 XRDST",
]
DOVECOT_CAPA = ["CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "STLS"]
EXCHANGE_CAPA = ["TOP", "UIDL", "SASL NTLM GSSAPI PLAIN", "USER", "STLS"]


@pytest.mark.parametrize(
    ("greeting", "protocol", "software"),
    [
        (POSTFIX_GREETING, Protocol.SMTP, "Postfix"),
        (EXIM_GREETING, Protocol.SMTP, "Exim"),
        (EXCHANGE_GREETING, Protocol.SMTP, "Microsoft Exchange"),
        (DOVECOT_POP3_GREETING, Protocol.POP3, "Dovecot"),
        (EXCHANGE_POP3_GREETING, Protocol.POP3, "Microsoft Exchange"),
        (DOVECOT_IMAP_GREETING, Protocol.IMAP, "Dovecot"),
        (EXCHANGE_IMAP_GREETING, Protocol.IMAP, "Microsoft Exchange"),
        ("* PREAUTH IMAP4rev1 server logged in as trainee", Protocol.IMAP, ""),
        ("* BYE Too many connections", Protocol.IMAP, ""),
        ("554 5.7.1 mx.example.net: connection refused", Protocol.SMTP, ""),
        ("220 ftp.example.com ESMTP Postfix", Protocol.SMTP, "Postfix"),
        ("HTTP/1.1 400 Bad Request", Protocol.OTHER, ""),
        ("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", Protocol.OTHER, ""),
    ],
)
def test_real_greetings_name_their_protocol_and_software(greeting, protocol, software):
    assert classify.detect_protocol(greeting) == protocol
    assert classify.guess_software(greeting) == software


def test_postfix_postscreen_greeting_starts_as_smtp_continuation():
    line = classify.smtp_line("220-mail.example.org ESMTP Postfix")

    assert classify.detect_protocol("220-mail.example.org ESMTP Postfix") == Protocol.SMTP
    assert line.code == 220
    assert not line.final


@pytest.mark.parametrize("greeting", ["220 (vsFTPd 3.0.3)", "220 ProFTPD Server (Debian)"])
def test_ftp_greeting_with_220_is_not_taken_for_smtp(greeting):
    assert classify.detect_protocol(greeting) == Protocol.OTHER
    assert classify.other_kind(greeting) == "ftp"


@pytest.mark.parametrize(
    ("line", "kind"),
    [("HTTP/1.0 200 OK", "http"), ("SSH-2.0-dropbear", "ssh"), ("\x00\xffjunk", "")],
)
def test_other_services_are_named_when_recognisable(line, kind):
    assert classify.other_kind(line) == kind


def test_garbage_is_something_else():
    assert classify.detect_protocol("\x00\xff\x1b[31mHELLO") == Protocol.OTHER


@pytest.mark.parametrize(
    ("line", "done"),
    [("250-PIPELINING", False), ("250 CHUNKING", True), ("250", True), ("garbage", True)],
)
def test_only_a_dash_after_the_code_continues_an_smtp_reply(line, done):
    assert classify.smtp_reply_done(line) is done


def test_postfix_ehlo_offers_starttls_and_a_size_limit_but_no_auth_before_tls():
    caps = classify.parse_ehlo(POSTFIX_EHLO)

    assert caps.starttls
    assert caps.size == 10240000
    assert caps.auth == []
    assert "mail.example.org" not in caps.keywords
    assert caps.keywords[:3] == ["PIPELINING", "SIZE", "VRFY"]


def test_exim_ehlo_lists_its_auth_mechanisms():
    caps = classify.parse_ehlo(EXIM_EHLO)

    assert caps.auth == ["PLAIN", "LOGIN"]
    assert caps.size == 52428800
    assert caps.starttls


def test_exchange_ehlo_auth_is_ntlm_and_x_exps_is_not_client_auth():
    caps = classify.parse_ehlo(EXCHANGE_EHLO)

    assert caps.auth == ["NTLM"]
    assert "X-EXPS" in caps.keywords
    assert caps.size == 37748736


def test_old_outlook_auth_equals_style_is_read_as_auth():
    caps = classify.parse_ehlo(["250-old.example", "250-AUTH GSSAPI LOGIN", "250 AUTH=LOGIN NTLM"])

    assert caps.auth == ["GSSAPI", "LOGIN", "NTLM"]
    assert caps.keywords.count("AUTH") == 1


def test_size_without_a_number_means_no_announced_limit():
    caps = classify.parse_ehlo(["250-mx.example", "250 SIZE"])

    assert "SIZE" in caps.keywords
    assert caps.size is None


@pytest.mark.parametrize(
    ("line", "status"),
    [("+OK", "+OK"), ("+OK ready", "+OK"), ("-ERR no", "-ERR"), ("+OKAY", ""), ("OK", "")],
)
def test_pop3_status_words_stand_alone(line, status):
    assert classify.pop3_status(line) == status


def test_dovecot_capa_offers_stls_without_sasl_before_tls():
    caps = classify.parse_capa(DOVECOT_CAPA)

    assert caps.starttls
    assert caps.auth == []
    assert "UIDL" in caps.keywords


def test_exchange_capa_lists_its_sasl_mechanisms():
    caps = classify.parse_capa(EXCHANGE_CAPA)

    assert caps.auth == ["NTLM", "GSSAPI", "PLAIN"]
    assert caps.starttls


def test_dovecot_greeting_code_carries_logindisabled_and_starttls():
    caps = classify.imap_capabilities([DOVECOT_IMAP_GREETING])

    assert caps.login_disabled
    assert caps.starttls
    assert "IMAP4REV1" in caps.keywords


def test_exchange_imap_trailing_brackets_are_not_a_response_code():
    status = classify.imap_status(EXCHANGE_IMAP_GREETING)

    assert status.status == "OK"
    assert status.code == ""
    assert classify.imap_capabilities([EXCHANGE_IMAP_GREETING]) is None


def test_untagged_capability_wins_over_a_response_code():
    lines = [
        "* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR",
        "a1 OK [CAPABILITY IMAP4rev1 STARTTLS] done",
    ]

    caps = classify.imap_capabilities(lines)

    assert caps.auth == ["PLAIN", "XOAUTH2"]
    assert not caps.starttls


def test_tagged_ok_with_a_capability_code_is_read():
    caps = classify.imap_capabilities(["a2 OK [CAPABILITY IMAP4rev1 IDLE MOVE] Logged in"])

    assert caps.keywords == ["IMAP4REV1", "IDLE", "MOVE"]


def test_tagged_status_words_are_upper_cased():
    status = classify.imap_status("a1 no [AUTHENTICATIONFAILED] Authentication failed.")

    assert (status.tag, status.status, status.code) == ("a1", "NO", "AUTHENTICATIONFAILED")


@pytest.mark.parametrize(
    ("protocol", "line", "status"),
    [
        (Protocol.SMTP, "454 4.7.0 TLS not available", "454"),
        (Protocol.POP3, "-ERR Unknown command", "-ERR"),
        (Protocol.IMAP, "a1 BAD Error in IMAP command", "BAD"),
        (Protocol.IMAP, "* CAPABILITY IMAP4rev1", ""),
        (None, "+OK Dovecot ready.", "+OK"),
        (Protocol.POP3, "250 ok", ""),
    ],
)
def test_line_status_is_read_for_the_protocol_in_use(protocol, line, status):
    assert classify.line_status(protocol, line) == status


def test_capability_keywords_are_cleaned_and_bounded():
    lines = ["250-mx.example", "250-EVIL\x1b[2J" + "X" * 200, *[f"250-K{n}" for n in range(300)]]

    caps = classify.parse_ehlo(lines)

    assert "\x1b" not in caps.keywords[0]
    assert len(caps.keywords[0]) <= classify.KEYWORD_LIMIT
    assert len(caps.keywords) == classify.MAX_KEYWORDS
