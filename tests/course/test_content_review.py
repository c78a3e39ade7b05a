"""The errors an independent review found against the RFCs stay fixed, in both languages.

Each test reads the shipped fixtures, so undoing a fix in either language fails it.
"""

import json
import re
from pathlib import Path

import pytest

from quizapp.bank import grading

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LANGUAGES = ("fr", "en")


@pytest.fixture(scope="module")
def items() -> dict[str, dict]:
    document = json.loads((FIXTURES / "questions.json").read_text())
    return {q["key"]: q for q in document["questions"]}


@pytest.fixture(scope="module")
def glossary() -> dict[str, dict]:
    document = json.loads((FIXTURES / "course" / "course.json").read_text())
    return {term["slug"]: term for term in document["glossary"]}


def section(slug: str, language: str) -> str:
    return (FIXTURES / "course" / "sections" / f"{slug}.{language}.md").read_text()


def all_content() -> str:
    texts = [(FIXTURES / "questions.json").read_text()]
    texts += [p.read_text() for p in (FIXTURES / "course").rglob("*") if p.is_file()]
    return "\n".join(texts)


def test_pop3_quit_replies_ok_before_releasing_the_lock(items):
    """RFC 1939 §6: remove the deleted messages, reply, then release the lock and close."""
    item = items["pop3-update-steps-01"]
    text = {s["key"]: s["text"]["en"] for s in item["steps"]}
    rfc_order = [
        "The session enters the UPDATE state",
        "The server removes from the maildrop the messages marked by DELE",
        "The server replies `+OK`",
        "The server releases the exclusive lock on the maildrop",
        "The TCP connection is closed",
    ]
    by_text = {v: k for k, v in text.items()}
    answer = {"order": [by_text[step] for step in rfc_order]}
    assert grading.grade("ordering", item, answer).correct


def test_no_citation_of_rfc_5598_sections_that_do_not_exist():
    content = all_content()
    assert not re.search(r"5598 §4\.2\.[3-9]", content)
    assert not re.search(r"rfc5598#section-4\.2\.[3-9]", content)


def test_the_mda_and_message_store_items_cite_their_real_sections(items):
    for key in ("roles-mda-who-01", "roles-mda-short-01", "roles-mda-filter-tf-01"):
        assert items[key]["source"] == "RFC 5598 §4.3.3", key
    for key in ("roles-pc-off-01", "roles-where-pop-imap-read-01"):
        assert items[key]["source"] == "RFC 5598 §4.2.2", key
    for key in ("roles-agents-match-01", "roles-path-steps-01"):
        assert items[key]["source"] == "RFC 5598 §4.3", key


def test_the_mda_is_the_mail_delivery_agent_everywhere(glossary):
    assert "Message Delivery Agent" not in all_content()
    assert "Mail Delivery Agent" in glossary["mda"]["term"]["fr"]
    for language in LANGUAGES:
        assert "(*Mail Delivery Agent*)" in section("smtp-roles", language)


def test_rfc_8996_is_not_credited_with_retiring_ssl():
    for language in LANGUAGES:
        text = section("ports-security", language)
        assert "rfc6176" in text and "rfc7568" in text, language
        assert "(SSL, TLS 1.0" not in text, language


def test_ehlo_is_preferred_to_helo_which_servers_still_accept(glossary):
    definition = glossary["ehlo"]["definition"]
    assert "remplace" not in definition["fr"] and "replaces" not in definition["en"]
    assert "préférer" in definition["fr"] and "preferred" in definition["en"]


def test_the_tls_label_in_mail_clients_is_called_ambiguous():
    french, english = section("client-setup", "fr"), section("client-setup", "en")
    assert "« SSL/TLS », « TLS », « SSL » désignent" not in french
    assert '"SSL/TLS", "TLS", "SSL" mean' not in english
    assert "« TLS » seul est ambigu" in french and '"TLS" alone is ambiguous' in english


def test_a_greeting_is_not_said_to_always_start_with_220(items):
    explanation = items["diag-banner-exchange-01"]["explanation"]
    assert "Toute bannière" not in explanation["fr"]
    assert "Every SMTP greeting" not in explanation["en"]
    assert all("554" in explanation[lang] for lang in LANGUAGES)


def test_dkim_signs_chosen_header_fields_and_a_hash_of_the_body():
    assert "qui signe les en-têtes." not in section("smtp-roles", "fr")
    assert "corps" in section("smtp-roles", "fr").split("DKIM", 1)[1][:200]
    assert "hash of the body" in section("smtp-roles", "en")


def test_quit_cites_its_own_section_of_rfc_5321():
    for language in LANGUAGES:
        line = next(ln for ln in section("smtp-roles", language).splitlines() if "`QUIT`" in ln)
        assert "§4.1.1.10" in line and "§3.3" not in line, language


def test_plain_without_tls_is_discouraged_not_said_to_be_forbidden(items):
    item = items["setup-base64-tf-01"]
    assert "interdit" not in item["explanation"]["fr"]
    assert "forbids" not in item["explanation"]["en"]
    assert "4616" in item["source"]
