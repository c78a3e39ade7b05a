"""Files nobody here wrote, taken from Moodle's and gift-pegjs's own tests (see fixtures/README.md).

Each file either imports (its supported questions come in, every other one is named) or is
refused with reasons, as Moodle itself would refuse it. The spot checks below look at what
each kind of question becomes: the right key, credit and feedback.
"""

from pathlib import Path

import pytest

from quizapp.bank import formats
from quizapp.bank.grading import grade
from quizapp.bank.native import BankImportError
from quizapp.bank.services import import_questions

pytestmark = pytest.mark.usefixtures("english")
FIXTURES = Path(__file__).parent / "fixtures"

# file: (questions imported, questions skipped), or None when the whole file is refused
EXPECTED = {
    "gift-pegjs/TFTwoFeedback.gift": (1, 0),
    "gift-pegjs/category0.gift": None,
    "gift-pegjs/category1.gift": (1, 0),
    "gift-pegjs/categorySpecialCharacter.gift": None,
    "gift-pegjs/comments.gift": (1, 0),
    "gift-pegjs/description1.gift": (1, 1),
    "gift-pegjs/descriptionTitleEscapedColon.gift": (1, 1),
    "gift-pegjs/descriptionWithID.gift": (1, 1),
    "gift-pegjs/escapeAll.gift": (1, 0),
    "gift-pegjs/escapeColon.gift": (1, 0),
    "gift-pegjs/escapeEquals.gift": (1, 0),
    "gift-pegjs/essay1.gift": None,
    "gift-pegjs/formatExamples.gift": (1, 0),
    "gift-pegjs/formatExamples2.gift": (1, 0),
    "gift-pegjs/giftFormatPhpExamples.gift": (10, 0),
    "gift-pegjs/markdown.gift": None,
    "gift-pegjs/matching1.gift": (2, 0),
    "gift-pegjs/mc1.gift": (1, 0),
    "gift-pegjs/mc3.gift": (1, 0),
    "gift-pegjs/mc4.gift": (1, 0),
    "gift-pegjs/mc5.gift": (4, 0),
    "gift-pegjs/mcHTMLComment.gift": (1, 0),
    "gift-pegjs/multiLineFeedback1.gift": (2, 0),
    "gift-pegjs/multipleAnswersFloat.gift": (1, 0),
    "gift-pegjs/newlineAndLaTeX.gift": None,
    "gift-pegjs/numerical1.gift": (5, 0),
    "gift-pegjs/options1.gift": (14, 0),
    "gift-pegjs/shortAnswer1.gift": (2, 0),
    "gift-pegjs/shortAnswer2.gift": (2, 0),
    "gift-pegjs/shortAnswerNotMatching.gift": (2, 0),
    "gift-pegjs/shortFirstEmbedded.gift": (1, 0),
    "gift-pegjs/shortFirstEmbeddedHTML.gift": (2, 0),
    "gift-pegjs/shortFirstEmbeddedUnderline.gift": (2, 0),
    "gift-pegjs/shortFirstEmbeddedUnderlineHTML.gift": (2, 0),
    "gift-pegjs/symbolsAll.gift": (1, 0),
    "gift-pegjs/tag_id.gift": None,
    "gift-pegjs/tag_id_and_two_tags.gift": None,
    "gift-pegjs/tag_two_tags.gift": None,
    "gift-pegjs/tf1.gift": (1, 0),
    "gift-pegjs/tf1_html.gift": (1, 0),
    "gift-pegjs/tf1_markdown.gift": (1, 0),
    "gift-pegjs/tf2.gift": (2, 0),
    "gift-pegjs/totara_moodle_backslash.gift": None,
    "gift-pegjs/totara_moodle_essay.gift": None,
    "gift-pegjs/totara_moodle_match.gift": (1, 0),
    "gift-pegjs/totara_moodle_multichoice.gift": (1, 0),
    "gift-pegjs/totara_moodle_multichoice_multi.gift": (1, 0),
    "gift-pegjs/totara_moodle_numerical.gift": (1, 0),
    "gift-pegjs/totara_moodle_pre_content.gift": None,
    "gift-pegjs/totara_moodle_shortanswer.gift": (1, 0),
    "gift-pegjs/totara_moodle_shortanswer_general_feedback.gift": (1, 0),
    "gift-pegjs/totara_moodle_truefalse.gift": (1, 0),
    "gift-pegjs/totara_moodle_truefalse_true_answer1.gift": (1, 0),
    "gift-pegjs/totara_moodle_truefalse_true_answer2.gift": (1, 0),
    "gift-pegjs/type_inferred_multiline_markdown.gift": (1, 0),
    "moodle/broken_cloze_questions.xml": None,
    "moodle/error_invalid_grades.xml": None,
    "moodle/html_chars_in_idnumbers.xml": (1, 0),
    "moodle/multianswer.xml": None,
    "moodle/nested_categories_with_questions.xml": (4, 1),
    "moodle/ordering_testexport.gift.txt": (1, 0),
    "moodle/ordering_testimport.moodle.xml": (1, 0),
    "moodle/questions.gift.txt": (8, 1),
    "moodle/questions_in_category.gift.txt": (4, 0),
}


def read(name: str, **options) -> formats.Reading:
    return formats.read_report((FIXTURES / name).read_text(encoding="utf-8"), **options)


def by_name(reading: formats.Reading) -> dict[str, dict]:
    return {reading.labels[q["key"]].split("“")[1].split("”")[0]: q for q in reading.questions}


def test_every_fixture_file_is_in_the_table():
    files = {
        f"{p.parent.name}/{p.name}"
        for p in FIXTURES.glob("*/*")
        if p.suffix != ".md" and p.name != "LICENSE"
    }
    assert files == set(EXPECTED)


@pytest.mark.parametrize(("name", "expected"), EXPECTED.items())
def test_each_real_file_imports_or_is_refused_with_reasons(make_course, name, expected):
    make_course()
    if expected is None:
        with pytest.raises(BankImportError) as raised:
            read(name, default_topics=["smtp-roles"])
        assert raised.value.errors
        return
    reading = read(name, default_topics=["smtp-roles"])
    assert (len(reading.questions), len(reading.skipped)) == expected
    counts = import_questions(
        questions=reading.questions,
        misconceptions=reading.misconceptions,
        labels=reading.labels,
        media=reading.media,
        drafts=True,
    )
    assert counts["created"] + counts["updated"] == expected[0]


def test_moodles_gift_examples_keep_partial_credit_tolerance_and_feedback():
    questions = by_name(read("gift-pegjs/giftFormatPhpExamples.gift"))
    hometown = questions["Jesus' hometown (Short answer ex.)"]["answers"]
    assert [(a["text"], a["fraction"]) for a in hometown] == [
        ("Nazareth", 1.0),
        ("Nazereth", 0.75),
        ("Bethlehem", 0.25),
    ]
    assert hometown[1]["feedback"]["fr"] == "Right, but misspelled."
    year = questions["Numerical example"]
    assert [(a["value"], a["tolerance"], a["fraction"]) for a in year["answers"]] == [
        (1822, 0, 1.0),
        (1822, 2, 0.5),
    ]
    assert grade("numerical", year, {"value": 1823.0}).score == 0.5
    tomb = questions["Grant's Tomb"]
    assert tomb["text"]["fr"] == "Grant is _____ in Grant's tomb."
    assert [o.get("feedback", {}).get("fr") for o in tomb["options"]] == [
        "No one is buried there.",
        "Right answer!",
        "We hope not!",
    ]


def test_a_third_each_and_minus_100_grade_as_moodle_does():
    (item,) = read("gift-pegjs/multipleAnswersFloat.gift").questions
    assert [o["fraction"] for o in item["options"]] == [0.3333333, 0.3333333, -1.0, 0.3333333, -1.0]
    assert grade("multiple", item, {"choices": ["a", "b", "d"]}).correct
    assert grade("multiple", item, {"choices": ["a", "b", "c"]}).score == 0.0


def test_numerical_ranges_and_tolerances_come_in_as_intervals():
    pi, pi_range, one_to_five = read("gift-pegjs/numerical1.gift").questions[1:4]
    assert pi["answers"][0] == {"value": 3.1415, "tolerance": 0.0005, "fraction": 1.0}
    assert pi_range["answers"][0]["value"] == pytest.approx(3.1415)
    assert pi_range["answers"][0]["tolerance"] == pytest.approx(0.0005)
    assert one_to_five["answers"][0] == {"value": 3, "tolerance": 2, "fraction": 1.0}


def test_true_false_feedback_goes_to_the_answer_it_belongs_to():
    (item,) = read("gift-pegjs/totara_moodle_truefalse.gift").questions
    assert item["answer"] is False
    assert item["feedback"]["true"]["fr"] == "42 is the Ultimate Answer."
    assert item["feedback"]["false"]["fr"] == "You gave the right answer."


def test_a_catch_all_short_answer_keeps_its_feedback():
    (item,) = read("gift-pegjs/totara_moodle_shortanswer.gift").questions
    assert [(a["text"], a["fraction"]) for a in item["answers"]] == [
        ("Frog", 1.0),
        ("Cat", 0.5),
        ("*", 0.0),
    ]
    assert grade("short", item, {"value": "dog"}).score == 0.0
    assert item["answers"][2]["feedback"]["fr"] == "Completely wrong"


def test_format_markers_of_answers_are_read_not_kept():
    (item,) = read("gift-pegjs/formatExamples.gift").questions
    assert item["pairs"][0]["left"]["fr"] == "An activity supporting asynchronous discussions."
    assert item["pairs"][1]["left"]["fr"].startswith("A teacher asks")
    assert item["distractors"][0]["text"]["fr"] == "Chat"


def test_categories_are_read_and_an_essay_is_named_with_its_position():
    reading = read("moodle/nested_categories_with_questions.xml")
    assert [path for path, _count in reading.category_paths()] == [
        "$course$/Iota",
        "$course$/Iota/Kappa",
        "$course$/Iota/Kappa/Lambda",
        "$course$/Iota/Mu",
    ]
    assert reading.skipped == [formats.Unsupported("Kappa Essay Question", "essay", "no. 2")]


def test_a_cloze_only_file_is_refused_and_names_each_question():
    with pytest.raises(BankImportError) as raised:
        read("moodle/broken_cloze_questions.xml")
    assert raised.value.errors[0] == "the file holds no question Facteur can import"
    assert len(raised.value.errors) == 6


def test_an_invalid_moodle_grade_is_refused_in_moodles_words():
    with pytest.raises(BankImportError) as raised:
        read("moodle/error_invalid_grades.xml")
    assert "the grade 33 % is not one of Moodle's grades" in raised.value.errors[0]


def test_the_ordering_plugins_question_keeps_its_order_and_hints_and_reports_the_rest():
    reading = read("moodle/ordering_testimport.moodle.xml")
    (item,) = reading.questions
    assert item["key"] == "myid"
    assert [s["text"]["fr"] for s in item["steps"]] == [
        "Modular",
        "Object",
        "Oriented",
        "Dynamic",
        "Learning",
        "Environment",
    ]
    assert item["hints"] == [{"fr": "Hint 1", "en": ""}, {"fr": "Hint 2", "en": ""}]
    assert any("combined feedback" in w for w in reading.warnings)
    assert any("feedback of each step" in w for w in reading.warnings)


def test_an_image_the_gift_file_cannot_carry_is_reported():
    reading = read("gift-pegjs/multiLineFeedback1.gift")
    assert any("@@PLUGINFILE@@/3.png" in w for w in reading.warnings)


def test_moodle_gift_fixture_reads_every_question_but_the_essay():
    reading = read("moodle/questions.gift.txt")
    assert [s.type for s in reading.skipped] == ["essay"]
    colours = by_name(reading)["colours"]
    assert [o["fraction"] for o in colours["options"]] == [0.5, -1.0, 0.5, -1.0]
    assert colours["options"][3]["text"]["fr"] == "blue"
