import json
import random
from pathlib import Path

import pytest

from course.loading import load_course
from quizapp.bank import formats
from quizapp.bank.models import Misconception, Question
from quizapp.bank.native import BankImportError
from quizapp.bank.services import export_items, import_questions
from quizapp.bank.specs import QuestionType
from tests.bank import samples
from tests.bank.conftest import native_bank

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
ROOT = Path(__file__).resolve().parents[2]


def errors_of(**document) -> list[str]:
    with pytest.raises(BankImportError) as raised:
        import_questions(**document)
    return raised.value.errors


def test_one_bad_question_imports_nothing_and_every_error_names_its_question(make_course):
    make_course()
    items = samples.items()
    items[1]["topics"] = ["no-such-topic"]
    items[4]["misconceptions"] = {"25": "never-declared"}
    errors = errors_of(questions=items, misconceptions=samples.misconceptions())
    assert errors == [
        "multiple-secure: unknown topic(s): no-such-topic",
        "port-submission: undeclared misconception(s): never-declared",
    ]
    assert Question.objects.count() == 0
    assert Misconception.objects.count() == 0


def test_a_moodle_file_with_one_bad_question_imports_nothing(sample_bank):
    questions, misconceptions = export_items()
    text, _summary = formats.write("moodle", questions, misconceptions, "fr")
    Question.objects.all().delete()
    damaged = text.replace("facteur-anchor:ancre-2", "facteur-anchor:nowhere")
    imported, declared = formats.read(damaged)
    errors = errors_of(questions=imported, misconceptions=declared)
    assert errors == ["multiple-secure: unknown paragraph “nowhere”"]
    assert Question.objects.count() == 0


def test_an_unsupported_foreign_type_is_skipped_and_named_with_its_position(make_course):
    make_course()
    good, _summary = formats.write("moodle", samples.items()[2:3], [], "fr")
    essay = '<question type="essay"><name><text>Rédigez</text></name></question>'
    reading = formats.read_report(good.replace("</quiz>", essay + "</quiz>"))
    assert [q["key"] for q in reading.questions] == ["tf-pop3"]
    assert reading.skipped == [formats.Unsupported("Rédigez", "essay", "no. 2")]


def test_strict_refuses_a_file_with_an_unsupported_question(make_course):
    make_course()
    good, _summary = formats.write("moodle", samples.items()[2:3], [], "fr")
    essay = '<question type="essay"><name><text>Rédigez</text></name></question>'
    with pytest.raises(BankImportError) as raised:
        formats.read_report(good.replace("</quiz>", essay + "</quiz>"), strict=True)
    assert raised.value.errors == [
        "the question “Rédigez” (no. 2) is of type “essay”, which Facteur lacks"
    ]


def test_a_foreign_question_without_any_topic_is_reported_by_its_key(make_course):
    make_course()
    questions, declared = formats.read("::Vrai ?:: SMTP relaie.{T####Oui.}")
    reading = formats.read_report("::Vrai ?:: SMTP relaie.{T####Oui.}")
    errors = errors_of(questions=questions, misconceptions=declared, labels=reading.labels)
    assert errors == [
        "the question “Vrai ?” (line 1): it has no topic: choose one for its category"
    ]


def test_a_foreign_question_with_a_default_topic_is_imported_as_a_draft(make_course):
    make_course()
    text = "::Vrai ?:: SMTP relaie.{T####Oui.}"
    questions, declared = formats.read(text, default_topics=["smtp-roles"])
    assert import_questions(questions=questions, misconceptions=declared)["created"] == 1
    question = Question.objects.get(key="vrai")
    assert question.status == "draft" and question.main_topic.slug == "smtp-roles"


def test_keeping_existing_questions_leaves_edits_and_labels_alone(sample_bank):
    Question.objects.filter(key="tf-imap").update(text_fr="Texte du formateur")
    Misconception.objects.filter(slug="465-vs-587").update(label_fr="Libellé du formateur")
    counts = import_questions(
        questions=samples.items(), misconceptions=samples.misconceptions(), update=False
    )
    assert counts == {"created": 0, "updated": 0, "kept": len(samples.ITEMS), "drafts": 0}
    assert Question.objects.get(key="tf-imap").text_fr == "Texte du formateur"
    assert Misconception.objects.get(slug="465-vs-587").label_fr == "Libellé du formateur"


def test_replacing_existing_questions_overwrites_them(sample_bank):
    Question.objects.filter(key="tf-imap").update(text_fr="Texte du formateur")
    counts = import_questions(questions=samples.items(), misconceptions=samples.misconceptions())
    assert counts["updated"] == len(samples.ITEMS)
    assert native_bank() == sample_bank


def replace(item: dict, **fields) -> dict:
    return {**item, **fields}


SAMPLE = samples.ITEMS[2]
MALFORMED = [
    [42],
    [replace(SAMPLE, key="Not A Slug")],
    [replace(SAMPLE, status="maybe")],
    [replace(SAMPLE, difficulty="hard")],
    [replace(SAMPLE, difficulty=True)],
    [replace(SAMPLE, topics="ports-security")],
    [replace(SAMPLE, text="just a string")],
    [replace(SAMPLE, text={"fr": ["a list"]})],
    [replace(SAMPLE, source=12)],
    [replace(SAMPLE, source="x" * 121)],
    [replace(SAMPLE, section="", anchor="ancre-1")],
    [replace(SAMPLE, misconception=["465-vs-587"])],
    [replace(samples.ITEMS[0], options=["a", "b"])],
    [replace(samples.ITEMS[4], misconceptions=["port-25-for-clients"])],
    [replace(samples.ITEMS[4], answer=25)],
    [replace(samples.ITEMS[7], distractors=[{"key": "mua", "text": {"fr": "x"}}])],
    [replace(samples.ITEMS[7], distractors="none")],
]


@pytest.mark.parametrize("questions", MALFORMED)
def test_a_malformed_question_is_refused_with_a_reason_and_nothing_is_imported(
    make_course, questions
):
    make_course()
    errors = errors_of(questions=questions, misconceptions=samples.misconceptions())
    assert len(errors) == 1
    assert Question.objects.count() == 0


@pytest.mark.parametrize(
    "misconceptions",
    [[{"slug": "x"}], [{"slug": "Bad Slug", "label": {"fr": "x"}}], ["465-vs-587"]],
)
def test_a_malformed_misconception_is_refused(make_course, misconceptions):
    make_course()
    errors = errors_of(questions=samples.items(), misconceptions=misconceptions)
    assert errors[0].startswith("misconception ")
    assert Misconception.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", r"not valid JSON \(line 1\)"),
        ("[" * 100_000, "not valid JSON"),
        ('{"format": "other"}', "not a Facteur question file"),
        ('{"format": "facteur-questions"}', "must be lists"),
        ('{"format": "facteur-questions", "questions": {}}', "must be lists"),
    ],
)
def test_a_malformed_json_document_is_refused(text, message):
    with pytest.raises(BankImportError, match=message):
        formats.read(text, "json")


def damage(text: str, rng: random.Random) -> str:
    """Return text with a few characters that matter to the formats inserted or deleted."""
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        position = rng.randrange(len(chars))
        if rng.random() < 0.5:
            del chars[position]
        else:
            chars.insert(position, rng.choice('{}=~#:->%\\\n<>/&;"[]T05.*'))
    return "".join(chars)


@pytest.mark.parametrize("format", ["moodle", "gift", "json"])
def test_a_damaged_file_is_imported_or_refused_with_reasons_never_a_crash(make_course, format):
    make_course(sections=3)
    import_questions(questions=[], misconceptions=samples.misconceptions())
    text = formats.write(format, samples.items(), samples.misconceptions(), "fr")[0]
    rng, outcomes = random.Random(format), set()
    for _ in range(120):
        try:
            questions, declared = formats.read(damage(text, rng))
            import_questions(questions=questions, misconceptions=declared)
            outcomes.add("imported")
        except BankImportError as error:
            assert error.errors
            outcomes.add("refused")
    assert outcomes == {"imported", "refused"}


def load_shipped_bank() -> dict:
    load_course(source_dir=ROOT / "fixtures" / "course")
    return json.loads((ROOT / "fixtures" / "questions.json").read_text(encoding="utf-8"))


def test_the_shipped_bank_imports_cleanly():
    document = load_shipped_bank()
    counts = import_questions(
        questions=document["questions"], misconceptions=document["misconceptions"]
    )
    assert counts["created"] == len(document["questions"])
    expected = set(QuestionType.values) - {QuestionType.NUMERICAL}
    assert set(Question.objects.values_list("type", flat=True)) == expected


@pytest.mark.parametrize("format", ["moodle", "gift"])
def test_the_shipped_bank_survives_a_round_trip_into_an_empty_bank(format):
    document = load_shipped_bank()
    import_questions(questions=document["questions"], misconceptions=document["misconceptions"])
    before = native_bank()
    labels = set(Misconception.objects.values_list("slug", "label_fr", "label_en"))
    questions, misconceptions = export_items()
    text, summary = formats.write(format, questions, misconceptions, "fr")
    Question.objects.all().delete()
    Misconception.objects.all().delete()  # the course stays; the bank is truly empty
    imported, declared = formats.read(text)
    import_questions(questions=imported, misconceptions=declared)
    assert set(Misconception.objects.values_list("slug", "label_fr", "label_en")) <= labels
    assert not Misconception.objects.filter(draft=True).exists()
    left_out = {skipped.key for skipped in summary}
    assert native_bank() == [q for q in before if q["key"] not in left_out]
    ordering = {q["key"] for q in before if q["type"] == "ordering"}
    assert left_out == (ordering if format == "gift" else set())


def test_a_foreign_misconception_tag_is_created_as_a_draft_to_describe(make_course):
    make_course()
    text = "// [tag:facteur-misconception:b:smtp-reads-mail]\n::Q:: SMTP ?{=envoie ~lit}"
    reading = formats.read_report(text, default_topics=["smtp-roles"])
    counts = import_questions(
        questions=reading.questions, misconceptions=reading.misconceptions, drafts=True
    )
    assert counts["drafts"] == 1
    draft = Misconception.objects.get(slug="smtp-reads-mail")
    assert draft.draft and draft.label_fr == "smtp-reads-mail"
    assert Question.objects.get(key="q").spec["options"][1]["misconception"] == "smtp-reads-mail"


def test_without_drafts_an_undeclared_misconception_is_still_an_error(make_course):
    make_course()
    text = "// [tag:facteur-misconception:b:smtp-reads-mail]\n::Q:: SMTP ?{=envoie ~lit}"
    questions, declared = formats.read(text, default_topics=["smtp-roles"])
    assert errors_of(questions=questions, misconceptions=declared) == [
        "q: undeclared misconception(s): smtp-reads-mail"
    ]
