from django.utils import translation

from quizapp.lab.probe import Protocol, replycodes
from quizapp.lab.probe.session import ERROR_CODES
from quizapp.lab.probe.transcript import NOTES


def test_known_smtp_code_has_its_own_explanation():
    assert replycodes.explain(Protocol.SMTP, "454") is replycodes.SMTP_CODES[454]


def test_unknown_smtp_code_falls_back_to_its_class():
    assert replycodes.explain(Protocol.SMTP, "299") is replycodes.SMTP_CLASSES[2]
    assert replycodes.explain(Protocol.SMTP, "599") is replycodes.SMTP_CLASSES[5]


def test_pop3_and_imap_status_words_are_explained():
    assert replycodes.explain(Protocol.POP3, "-ERR") is replycodes.POP3_STATUS["-ERR"]
    assert replycodes.explain(Protocol.IMAP, "no") is replycodes.IMAP_STATUS["NO"]


def test_a_line_without_status_has_no_explanation():
    assert replycodes.explain(Protocol.IMAP, "") == ""
    assert replycodes.explain(Protocol.OTHER, "200") == ""


def test_explanations_are_english_msgids_translated_lazily():
    with translation.override("en"):
        assert str(replycodes.explain(Protocol.SMTP, "221")).startswith("The server is closing")


def test_every_dialogue_error_has_an_explanation_and_a_transcript_note():
    codes = {code for _, code in ERROR_CODES}

    assert codes <= set(replycodes.ERRORS)
    assert codes <= set(NOTES)


def test_every_opening_error_has_an_explanation():
    assert {"refused", "no_answer", "network_error", "not_tls", "tls_failed"} <= set(
        replycodes.ERRORS
    )
