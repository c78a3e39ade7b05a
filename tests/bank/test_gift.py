import pytest

from quizapp.bank import formats
from quizapp.bank.formats import gift
from quizapp.bank.models import Question
from quizapp.bank.native import BankImportError
from quizapp.bank.services import export_items, import_questions
from tests.bank import samples
from tests.bank.conftest import native_bank

pytestmark = pytest.mark.usefixtures("english")

# Written as trainers write GIFT by hand, after Moodle's documentation.
FOREIGN = """// Questions de révision
$CATEGORY: $course$/top/CP1

::Soumission:: Quel port pour soumettre ? {
  =587 # oui
  ~25 # non, c'est le relais
  ~110
####Le port 587 (RFC 6409).}

::Chiffrés::[html]<p>Ports <b>chiffrés</b> ?</p>{
  ~%50%465
  ~%50%993
  ~%-100%25
}

// a comment between questions
POP3 ne peut jamais effacer un message.{F####DELE existe.}

::Commande::Quelle commande passe en TLS ?{=STARTTLS =STLS####STARTTLS.}

::IMAPS::Port IMAPS ?{#993####993.}

::Rôles::Associez.{
  =MUA -> client
  =MTA -> relais
  = -> annuaire
####Voir le cours.}

::Trou::Le port {=587 =cinq-cent-quatre-vingt-sept####Vu.} sert à la soumission.
"""


def read(text: str, **options) -> list[dict]:
    return formats.read(text, "gift", **options)[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_gift_export_imported_into_an_empty_bank_gives_the_same_items(sample_bank, lang):
    questions, misconceptions = export_items()
    text, summary = formats.write("gift", questions, misconceptions, lang)
    Question.objects.all().delete()
    imported, declared = formats.read(text)
    import_questions(questions=imported, misconceptions=declared)
    assert [skipped.key for skipped in summary] == ["ordering-dialogue"]
    assert native_bank() == [q for q in sample_bank if q["type"] != "ordering"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_expressible_sample_survives_a_gift_round_trip_without_a_database(lang):
    text, _summary = gift.write(samples.items(), samples.misconceptions(), lang)
    expected = [item for item in samples.items() if item["type"] != "ordering"]
    assert read(text) == expected


def test_ordering_items_are_named_in_the_summary_and_left_out_of_the_file():
    text, summary = gift.write(samples.items(), samples.misconceptions(), "fr")
    assert summary == [formats.Skipped("ordering-dialogue", "GIFT has no ordering questions")]
    assert "ordering-dialogue" not in text


def test_a_matching_pair_whose_left_text_has_an_arrow_is_left_out_and_named():
    item = samples.items()[7]
    item["pairs"][0]["left"]["en"] = "MUA -> MSA"
    text, summary = gift.write([item], samples.misconceptions(), "fr")
    assert [skipped.key for skipped in summary] == ["matching-roles"]
    assert "matching-roles" not in text


def test_reserved_characters_are_escaped_and_newlines_kept_on_one_line():
    assert gift.escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"
    text, _ = gift.write(samples.items()[:1], samples.misconceptions(), "fr")
    question_line = next(line for line in text.splitlines() if line.startswith("::"))
    assert "```text\\n220 ok\\n```" in question_line


def test_an_arrow_in_a_misconception_label_does_not_turn_a_short_answer_into_matching():
    item = samples.items()[6]
    item["misconceptions"] = {"MDA": "mta-vs-mda"}
    text, _ = gift.write([item], samples.misconceptions(), "fr")
    assert read(text) == [item]
    assert "#MTA → MDA" in text


def test_our_metadata_goes_in_moodle_id_and_tag_comments():
    text, _ = gift.write(samples.items()[:1], samples.misconceptions(), "fr")
    assert "// [id:single-587] [tag:facteur-status:published]" in text
    assert "[tag:facteur-misconception:b:465-vs-587]" in text
    assert '// facteur: {"lang": "fr", "other": {"text": "Which port for submission?"' in text


def test_a_file_written_by_hand_is_read_as_moodle_reads_it():
    questions = {q["key"]: q for q in read(FOREIGN, default_topics=["ports-security"])}
    single = questions["soumission"]
    assert single["type"] == "single" and single["status"] == "draft"
    assert [(o["text"]["fr"], o["correct"]) for o in single["options"]] == [
        ("587", True),
        ("25", False),
        ("110", False),
    ]
    assert single["explanation"]["fr"] == "Le port 587 (RFC 6409)."
    assert questions["chiffres"]["type"] == "multiple"
    assert questions["chiffres"]["text"]["fr"] == "Ports chiffrés ?"
    assert [o["correct"] for o in questions["chiffres"]["options"]] == [True, True, False]
    assert questions["pop3-ne-peut-jamais-effacer-un-message"]["answer"] is False
    assert questions["commande"]["accepted"] == ["STARTTLS", "STLS"]
    assert questions["imaps"]["accepted"] == [993]
    assert len(questions["roles"]["pairs"]) == 2 and len(questions["roles"]["distractors"]) == 1
    assert questions["trou"]["text"]["fr"] == "Le port _____ sert à la soumission."


def test_items_without_our_topics_take_the_default_ones():
    assert {tuple(q["topics"]) for q in read(FOREIGN, default_topics=["smtp-roles"])} == {
        ("smtp-roles",)
    }
    assert {tuple(q["topics"]) for q in read(FOREIGN)} == {()}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("::Intro:: Lisez ceci.", "line 1: a text without answers"),
        ("\n\n::Essai:: Décrivez SMTP.{}", "line 3: an essay question"),
        ("// c\n::Q:: Port ?{#587:2}", "line 1: only whole numbers without tolerance"),
        ("::Q:: Port ?{#500..600}", "line 1: a range of numbers"),
        ("::Q:: Port ?{=587", "line 1: its braces"),
        ("::Q:: Lequel ?{=a ~%50%b}", "line 1: an answer worth 50 %"),
        ("::Q:: Associez.{=a -> b =c}", "line 1: a matching answer needs"),
    ],
)
def test_what_cannot_be_imported_is_reported_with_its_line(text, message):
    with pytest.raises(BankImportError) as raised:
        read(text)
    assert raised.value.errors[0].startswith(message)


def test_every_bad_question_is_reported_not_only_the_first():
    with pytest.raises(BankImportError) as raised:
        read("::A:: Texte.\n\n::B:: Port ?{#1..2}\n\n::C:: Vrai ?{T}")
    assert [error.split(":")[0] for error in raised.value.errors] == ["line 1", "line 3"]


def test_damaged_facteur_comments_are_reported():
    text, _ = gift.write(samples.items()[:1], samples.misconceptions(), "fr")
    damaged = text.replace('// facteur: {"lang"', '// facteur: {lang"')
    with pytest.raises(BankImportError, match="Facteur data is damaged"):
        read(damaged)


def test_a_file_of_comments_only_holds_no_question():
    with pytest.raises(BankImportError, match="holds no question"):
        read("// nothing here\n$CATEGORY: top\n")
