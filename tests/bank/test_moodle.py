import pytest
from defusedxml import ElementTree as SafeET

from quizapp.bank import formats
from quizapp.bank.formats import moodle
from quizapp.bank.models import Misconception, Question
from quizapp.bank.native import BankImportError
from quizapp.bank.services import export_items, import_questions
from quizapp.bank.specs import QuestionType
from tests.bank import samples
from tests.bank.conftest import native_bank

pytestmark = pytest.mark.usefixtures("english")

FOREIGN = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/top/Défaut pour CP1</text></category>
  </question>
  <question type="multichoice">
    <name><text>Port de soumission</text></name>
    <questiontext format="html"><text><![CDATA[<p>Quel port pour <strong>soumettre</strong>
      un message&nbsp;?</p><pre>220 mail.example.net ESMTP</pre>]]></text></questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>Le port 587.</p>]]></text></generalfeedback>
    <idnumber></idnumber>
    <single>true</single>
    <answer fraction="100" format="html"><text><![CDATA[<p>587</p>]]></text></answer>
    <answer fraction="0" format="html"><text><![CDATA[<p>25</p>]]></text>
      <feedback format="html"><text>Non</text></feedback></answer>
    <tags><tag><text>ports</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>Port de soumission</text></name>
    <questiontext format="html"><text>Ports chiffrés ?</text></questiontext>
    <generalfeedback format="html"><text>TLS implicite.</text></generalfeedback>
    <single>false</single>
    <answer fraction="50" format="html"><text>465</text></answer>
    <answer fraction="50" format="html"><text>993</text></answer>
    <answer fraction="-100" format="html"><text>25</text></answer>
  </question>
  <question type="truefalse">
    <name><text>POP3 efface</text></name>
    <questiontext format="moodle_auto_format"><text>POP3 ne peut pas effacer.</text>
    </questiontext>
    <generalfeedback format="html"><text>DELE existe.</text></generalfeedback>
    <answer fraction="0" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="100" format="moodle_auto_format"><text>false</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>Commande TLS</text></name>
    <questiontext format="html"><text>Quelle commande ?</text></questiontext>
    <generalfeedback format="html"><text>STARTTLS.</text></generalfeedback>
    <usecase>0</usecase>
    <answer fraction="100" format="moodle_auto_format"><text>STARTTLS</text></answer>
    <answer fraction="0" format="moodle_auto_format"><text>*</text></answer>
  </question>
  <question type="numerical">
    <name><text>IMAPS</text></name>
    <questiontext format="html"><text>Port IMAPS ?</text></questiontext>
    <generalfeedback format="html"><text>993.</text></generalfeedback>
    <answer fraction="100" format="moodle_auto_format"><text>993</text>
      <tolerance>0</tolerance></answer>
  </question>
  <question type="matching">
    <name><text>Rôles</text></name>
    <questiontext format="html"><text>Associez.</text></questiontext>
    <generalfeedback format="html"><text>Voir le cours.</text></generalfeedback>
    <subquestion format="html"><text>MUA</text><answer><text>client</text></answer></subquestion>
    <subquestion format="html"><text>MTA</text><answer><text>relais</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>annuaire</text></answer></subquestion>
  </question>
  <question type="ordering">
    <name><text>Dialogue</text></name>
    <questiontext format="html"><text>Dans l'ordre.</text></questiontext>
    <generalfeedback format="html"><text>EHLO d'abord.</text></generalfeedback>
    <answer fraction="2.0000000" format="html"><text>MAIL FROM</text></answer>
    <answer fraction="1.0000000" format="html"><text>EHLO</text></answer>
    <answer fraction="3.0000000" format="html"><text>DATA</text></answer>
  </question>
</quiz>
"""


def write_and_read(questions, lang="fr"):
    text, summary = formats.write("moodle", questions, samples.misconceptions(), lang)
    assert summary == []
    return formats.read(text, "moodle")[0]


def parsed(questions, lang="fr"):
    text, _summary = moodle.write(questions, samples.misconceptions(), lang)
    return {q.findtext("name/text"): q for q in SafeET.fromstring(text).iter("question")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_moodle_export_imported_into_an_empty_bank_gives_the_same_items(sample_bank, lang):
    assert {item["type"] for item in sample_bank} == set(QuestionType.values)
    questions, misconceptions = export_items()
    text, summary = formats.write("moodle", questions, misconceptions, lang)
    Question.objects.all().delete()
    Misconception.objects.all().delete()  # truly empty: the file declares what it uses
    imported, declared = formats.read(text)
    import_questions(questions=imported, misconceptions=declared)
    assert summary == []
    assert native_bank() == sample_bank


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_sample_item_survives_a_moodle_round_trip_without_a_database(lang):
    assert write_and_read(samples.items(), lang) == samples.items()


def test_each_type_is_written_as_the_moodle_type_that_holds_it():
    questions = parsed(samples.items())
    types = {name: q.get("type") for name, q in questions.items()}
    assert types["single-587"] == types["multiple-secure"] == "multichoice"
    assert questions["single-587"].findtext("single") == "true"
    assert questions["multiple-secure"].findtext("single") == "false"
    assert types["tf-pop3"] == "truefalse" and types["port-imaps"] == "numerical"
    assert types["short-starttls"] == "shortanswer" and types["matching-roles"] == "matching"
    assert types["ordering-dialogue"] == "ordering"
    assert questions["ordering-dialogue"].findtext("gradingtype") == "RELATIVE_NEXT_EXCLUDE_LAST"


def test_right_options_share_100_percent_and_wrong_ones_minus_100():
    question = parsed(samples.items())["multiple-secure"]
    fractions = [answer.get("fraction") for answer in question.findall("answer")]
    assert fractions == ["50", "50", "-50", "-50"]


def test_a_wrong_option_carries_its_misconception_label_as_feedback():
    question = parsed(samples.items(), "en")["single-587"]
    feedback = [a.findtext("feedback/text") for a in question.findall("answer")]
    assert feedback == ["", "Mixing up 465 and 587", "Port 25 for mail clients"]


def test_the_texts_are_in_the_chosen_language_with_french_when_english_is_missing():
    question = parsed(samples.items(), "en")["single-587"]
    assert question.findtext("questiontext/text") == "Which port for submission?"
    assert [a.findtext("text") for a in question.findall("answer")] == ["587", "465", "25"]


def test_our_metadata_travels_as_moodle_tags_and_idnumber():
    question = parsed(samples.items())["single-587"]
    tags = [tag.findtext("text") for tag in question.findall("tags/tag")]
    assert question.findtext("idnumber") == "single-587"
    assert "facteur-topic:ports-security" in tags and "facteur-topic:smtp-roles" in tags
    assert "facteur-difficulty:-0.75" in tags and "facteur-source:RFC 6409 §3.1" in tags
    assert "facteur-misconception:b:465-vs-587" in tags


def test_a_file_made_in_moodle_is_read_as_french_drafts_of_the_default_topic():
    questions, misconceptions = formats.read(FOREIGN, default_topics=["ports-security"])
    first = questions[0]
    assert misconceptions == []
    assert first["key"] == "port-de-soumission" and first["status"] == "draft"
    assert first["topics"] == ["ports-security"] and first["difficulty"] == 0.0
    assert first["text"] == {
        "fr": "Quel port pour soumettre un message ?\n\n```text\n220 mail.example.net ESMTP\n```",
        "en": "",
    }
    assert [o["text"]["fr"] for o in first["options"]] == ["587", "25"]
    assert [o["correct"] for o in first["options"]] == [True, False]
    assert first["options"][1]["feedback"] == {"fr": "Non", "en": ""}


def test_each_moodle_type_becomes_the_facteur_type_that_means_the_same():
    questions, _ = formats.read(FOREIGN, default_topics=["ports-security"])
    by_key = {q["key"]: q for q in questions}
    options = by_key["port-de-soumission-2"]["options"]
    assert [o["correct"] for o in options] == [True, True, False]
    assert [o["fraction"] for o in options] == [0.5, 0.5, -1.0]
    assert by_key["pop3-efface"]["answer"] is False
    assert by_key["commande-tls"]["answers"] == [
        {"text": "STARTTLS", "fraction": 1.0},
        {"text": "*", "fraction": 0.0},
    ]
    assert by_key["imaps"]["answers"] == [{"value": 993, "tolerance": 0, "fraction": 1.0}]
    assert [p["right"]["fr"] for p in by_key["roles"]["pairs"]] == ["client", "relais"]
    assert by_key["roles"]["distractors"][0]["text"]["fr"] == "annuaire"
    assert [s["text"]["fr"] for s in by_key["dialogue"]["steps"]] == ["EHLO", "MAIL FROM", "DATA"]


def test_a_moodle_question_without_our_topic_and_no_default_gets_none():
    questions, _ = formats.read(FOREIGN)
    assert all(q["topics"] == [] for q in questions)


def question_xml(qtype: str, name: str, body: str = "") -> str:
    return (
        f'<question type="{qtype}"><name><text>{name}</text></name>'
        f"<questiontext><text>Q</text></questiontext>{body}</question>"
    )


def test_unsupported_moodle_types_are_skipped_and_a_bad_supported_one_refuses_the_file():
    text = "<quiz>{}{}{}</quiz>".format(
        question_xml("essay", "Rédaction"),
        question_xml("multianswer", "Texte à trous"),
        question_xml("truefalse", "Bonne", '<answer fraction="100"><text>true</text></answer>'),
    )
    with pytest.raises(BankImportError) as raised:
        formats.read(text)
    assert raised.value.errors == [
        "the question “Bonne” (no. 3): a true/false question needs “true” and “false”, "
        "one of them right"
    ]
    false = '<answer fraction="0"><text>false</text></answer>'
    fixed = text.replace("<text>true</text></answer>", "<text>true</text></answer>" + false)
    reading = formats.read_report(fixed)
    assert [q["key"] for q in reading.questions] == ["bonne"]
    assert [(s.name, s.type, s.where) for s in reading.skipped] == [
        ("Rédaction", "essay", "no. 1"),
        ("Texte à trous", "multianswer", "no. 2"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('<answer fraction="33"><text>5</text></answer>', "grade 33 % is not one of Moodle's"),
        ('<answer fraction="lots"><text>5</text></answer>', "not a grade"),
        ('<answer fraction="100"><text>cinq</text></answer>', "“cinq” is not a number"),
        ('<answer fraction="-50"><text>5</text></answer>', "cannot be worth less than 0"),
    ],
)
def test_what_moodle_itself_would_refuse_is_refused_in_its_words(body, message):
    with pytest.raises(BankImportError) as raised:
        formats.read(f"<quiz>{question_xml('numerical', 'Q1', body)}</quiz>", "moodle")
    assert raised.value.errors[0].startswith("the question “Q1” (no. 1): ")
    assert message in raised.value.errors[0]


def test_a_numerical_item_keeps_its_tolerances_and_partial_credit():
    body = (
        '<answer fraction="100"><text>3,1415</text><tolerance>0.0005</tolerance></answer>'
        '<answer fraction="50"><text>3</text><tolerance>0.2</tolerance>'
        "<feedback><text>Presque.</text></feedback></answer>"
        '<answer fraction="0"><text>*</text></answer>'
    )
    (item,) = formats.read(f"<quiz>{question_xml('numerical', 'Pi', body)}</quiz>")[0]
    assert item["answers"] == [
        {"value": 3.1415, "tolerance": 0.0005, "fraction": 1.0},
        {"value": 3, "tolerance": 0.2, "fraction": 0.5, "feedback": {"fr": "Presque.", "en": ""}},
    ]


def test_a_case_sensitive_short_answer_with_a_wildcard_is_kept():
    body = '<usecase>1</usecase><answer fraction="100"><text>STAR*</text></answer>'
    (item,) = formats.read(f"<quiz>{question_xml('shortanswer', 'Q', body)}</quiz>")[0]
    assert item["usecase"] is True
    assert item["answers"] == [{"text": "STAR*", "fraction": 1.0}]


PNG = (  # a 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_an_embedded_image_is_kept_as_a_checked_file_and_an_outside_one_is_reported():
    body = (
        '<questiontext format="html"><text><![CDATA[<p>Voyez <img src="@@PLUGINFILE@@/a.png" '
        'alt="schéma"> et <img src="http://example.net/b.png"></p>]]></text>'
        f'<file name="a.png" encoding="base64">{PNG}</file></questiontext>'
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer>'
    )
    text = (
        f'<quiz><question type="truefalse"><name><text>Image</text></name>{body}</question></quiz>'
    )
    reading = formats.read_report(text)
    (item,) = reading.questions
    (sha,) = reading.media
    assert reading.media[sha][:2] == ("a.png", "image/png")
    assert item["text"]["fr"] == f"Voyez ![schéma](/media/questions/{sha}.png) et"
    assert any("http://example.net/b.png" in warning for warning in reading.warnings)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("x.svg", "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=", "SVG"),
        ("x.mp3", "SUQzAwAAAAAAEFRDT04=", "not a PNG, JPEG or GIF"),
    ],
)
def test_an_unsafe_or_unknown_file_is_not_kept_and_the_report_says_why(name, data, reason):
    body = (
        f'<questiontext><text>Q</text><file name="{name}" encoding="base64">{data}</file>'
        '</questiontext><answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer>'
    )
    text = f'<quiz><question type="truefalse"><name><text>F</text></name>{body}</question></quiz>'
    reading = formats.read_report(text)
    assert reading.media == {}
    assert any(reason in warning and name in warning for warning in reading.warnings)


def test_malformed_xml_is_reported_with_its_line_and_column():
    with pytest.raises(BankImportError) as raised:
        formats.read("<quiz>\n<question type='truefalse'>\n</quiz>", "moodle")
    assert raised.value.errors == ["the XML is not well-formed (line 3, column 2)"]


def test_xml_entities_are_refused_before_they_expand():
    bomb = '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaaaaaaaa">]><quiz>&a;&a;</quiz>'
    with pytest.raises(BankImportError, match="entities"):
        formats.read(bomb, "moodle")


def test_an_xml_file_that_is_not_a_moodle_quiz_is_refused():
    with pytest.raises(BankImportError, match="no <quiz> element"):
        formats.read("<html><body/></html>", "moodle")


def test_a_quiz_without_questions_is_refused():
    with pytest.raises(BankImportError, match="holds no question"):
        formats.read("<quiz></quiz>", "moodle")


def test_facteur_data_that_no_longer_matches_the_answers_is_reported():
    text, _ = moodle.write(samples.items()[:1], samples.misconceptions(), "fr")
    tree = SafeET.fromstring(text)
    question = tree.find("question[@type='multichoice']")
    question.remove(question.findall("answer")[2])
    damaged = SafeET.tostring(tree, encoding="unicode")
    with pytest.raises(BankImportError, match="no longer match"):
        formats.read(damaged, "moodle")


def test_a_tag_difficulty_that_is_not_a_number_is_reported():
    text, _ = moodle.write(samples.items()[:1], samples.misconceptions(), "fr")
    damaged = text.replace("facteur-difficulty:-0.75", "facteur-difficulty:hard")
    with pytest.raises(BankImportError, match="facteur-difficulty:hard"):
        formats.read(damaged, "moodle")


def test_derived_keys_stay_unique_and_valid_idnumbers_are_kept():
    body = '<answer fraction="100"><text>true</text></answer>'
    body += '<answer fraction="0"><text>false</text></answer>'
    text = "<quiz>{}{}{}</quiz>".format(
        question_xml("truefalse", "Même nom !", body),
        question_xml("truefalse", "Même nom !", body),
        question_xml("truefalse", "Autre", body + "<idnumber>mon-id-42</idnumber>"),
    )
    keys = [q["key"] for q in formats.read(text, "moodle")[0]]
    assert keys == ["meme-nom", "meme-nom-2", "mon-id-42"]
