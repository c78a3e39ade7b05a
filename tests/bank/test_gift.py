import pytest

from quizapp.bank import formats
from quizapp.bank.formats import gift
from quizapp.bank.models import Misconception, Question
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
    Misconception.objects.all().delete()  # truly empty: the file declares what it uses
    imported, declared = formats.read(text)
    import_questions(questions=imported, misconceptions=declared)
    assert [skipped.key for skipped in summary] == ["ordering-dialogue", "short-case"]
    assert native_bank() == [q for q in sample_bank if q["key"] not in {s.key for s in summary}]
    assert sorted(Misconception.objects.values_list("slug", flat=True)) == sorted(
        m["slug"] for m in samples.misconceptions()
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_expressible_sample_survives_a_gift_round_trip_without_a_database(lang):
    text, _summary = gift.write(samples.items(), samples.misconceptions(), lang)
    left_out = {"ordering-dialogue", "short-case"}
    expected = [item for item in samples.items() if item["key"] not in left_out]
    assert read(text) == expected


def test_ordering_items_are_named_in_the_summary_and_left_out_of_the_file():
    text, summary = gift.write(samples.items(), samples.misconceptions(), "fr")
    assert summary == [
        formats.Skipped("ordering-dialogue", "GIFT has no ordering questions"),
        formats.Skipped("short-case", "GIFT has no case-sensitive short answers"),
    ]
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
    assert [o.get("feedback") for o in single["options"]] == [
        {"fr": "oui", "en": ""},
        {"fr": "non, c'est le relais", "en": ""},
        None,
    ]
    assert single["explanation"]["fr"] == "Le port 587 (RFC 6409)."
    assert questions["chiffres"]["type"] == "multiple"
    assert questions["chiffres"]["text"]["fr"] == "Ports chiffrés ?"
    assert [o["correct"] for o in questions["chiffres"]["options"]] == [True, True, False]
    assert [o["fraction"] for o in questions["chiffres"]["options"]] == [0.5, 0.5, -1.0]
    assert questions["pop3-ne-peut-jamais-effacer-un-message"]["answer"] is False
    assert questions["commande"]["answers"] == [
        {"text": "STARTTLS", "fraction": 1.0},
        {"text": "STLS", "fraction": 1.0},
    ]
    assert questions["imaps"]["type"] == "numerical"
    assert questions["imaps"]["answers"] == [{"value": 993, "tolerance": 0, "fraction": 1.0}]
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
        ("::Q:: Port ?{=587", "the question “Q” (line 1): its braces"),
        ("\n\n::Q:: Associez.{=a -> b =c}", "the question “Q” (line 3): a matching answer needs"),
        ("::Q:: Année ?{#mille}", "the question “Q” (line 1): “mille” is not a number"),
        ("::Q:: Mot ?{=%-50%non}", "the question “Q” (line 1): a typed answer cannot be worth"),
    ],
)
def test_what_cannot_be_imported_is_reported_with_its_line(text, message):
    with pytest.raises(BankImportError) as raised:
        read(text)
    assert raised.value.errors[0].startswith(message)


@pytest.mark.parametrize(
    ("text", "kind", "where"),
    [
        ("::Intro:: Lisez ceci.", "description", "line 1"),
        ("\n\n::Essai:: Décrivez SMTP.{}", "essay", "line 3"),
    ],
)
def test_descriptions_and_essays_are_skipped_and_named_with_their_line(text, kind, where):
    reading = formats.read_report(text + "\n\n::V:: Vrai ?{T}", "gift")
    assert [q["key"] for q in reading.questions] == ["v"]
    assert [(s.type, s.where) for s in reading.skipped] == [(kind, where)]


def test_every_bad_question_is_reported_not_only_the_first():
    with pytest.raises(BankImportError) as raised:
        read("::A:: Texte.{=a -> b =c}\n\n::B:: Port ?{#1..2}\n\n::C:: Vrai ?{=5")
    assert [error.split(":")[0] for error in raised.value.errors] == [
        "the question “A” (line 1)",
        "the question “C” (line 5)",
    ]


def test_numerical_answers_keep_tolerance_ranges_and_credit():
    (year, pi, span) = read(
        "::Y:: Né en ?{#=1822:0#Oui =%50%1822:2#Proche}\n\n::P:: Pi ?{#3.1415:0.0005}"
        "\n\n::S:: De 1 à 5 ?{#1..5}"
    )
    assert year["answers"] == [
        {"value": 1822, "tolerance": 0, "fraction": 1.0, "feedback": {"fr": "Oui", "en": ""}},
        {"value": 1822, "tolerance": 2, "fraction": 0.5, "feedback": {"fr": "Proche", "en": ""}},
    ]
    assert pi["answers"] == [{"value": 3.1415, "tolerance": 0.0005, "fraction": 1.0}]
    assert span["answers"] == [{"value": 3, "tolerance": 2, "fraction": 1.0}]


def test_format_markers_in_answers_are_read_not_kept_as_text():
    (item,) = read("::M:: Couleur ?{=[html]<b>jaune</b> ~[plain]bleu ~[moodle]rouge}")
    assert [o["text"]["fr"] for o in item["options"]] == ["jaune", "bleu", "rouge"]


def test_multi_language_spans_fill_french_and_english():
    text = (
        '::L:: <span lang="fr" class="multilang">Vrai ?</span>'
        '<span lang="en" class="multilang">True?</span>{T}'
    )
    (item,) = read(text)
    assert item["text"] == {"fr": "Vrai ?", "en": "True?"}


def test_a_file_starting_with_a_brace_is_gift_not_json():
    (item,) = read("{ =Asia } is the largest continent.")
    assert item["text"]["fr"] == "_____ is the largest continent."


def test_a_single_choice_with_two_full_answers_is_kept():
    (item,) = read("::T:: Qui ?{=personne =nobody ~Grant}")
    assert [o["correct"] for o in item["options"]] == [True, True, False]


def test_damaged_facteur_comments_are_reported():
    text, _ = gift.write(samples.items()[:1], samples.misconceptions(), "fr")
    damaged = text.replace('// facteur: {"lang"', '// facteur: {lang"')
    with pytest.raises(BankImportError, match="Facteur data is damaged"):
        read(damaged)


def test_a_file_of_comments_only_holds_no_question():
    with pytest.raises(BankImportError, match="holds no question"):
        read("// nothing here\n$CATEGORY: top\n")
