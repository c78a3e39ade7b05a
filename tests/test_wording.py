"""Wording the issue asked for, in the French catalogue: neutral, with real plural forms."""

from pathlib import Path

from babel.messages.pofile import read_po

FRENCH = Path(__file__).resolve().parents[1] / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def french() -> dict:
    with FRENCH.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(handle)}


def test_the_trainer_is_named_in_neutral_words():
    strings = french()
    texts = [s if isinstance(s, str) else " ".join(s) for s in strings.values()]
    assert not [t for t in texts if "votre formateur" in t.lower()]


def test_answered_counts_use_plural_forms_not_parentheses():
    strings = french()
    texts = [s if isinstance(s, str) else " ".join(s) for s in strings.values()]
    assert not [t for t in texts if "répondue(s)" in t]
    forms = strings["%(answered)s question answered out of %(total)s"]
    assert forms[0].startswith("%(answered)s question répondue")
    assert forms[-1].startswith("%(answered)s questions répondues")


def test_the_lab_message_body_is_french_on_a_french_page():
    assert french()["Hello from the lab."] == "Bonjour depuis le labo."
