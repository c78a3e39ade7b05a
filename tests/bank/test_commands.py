import io
import json

import pytest
from django.core.management import CommandError, call_command

from quizapp.bank import formats
from quizapp.bank.models import Question
from quizapp.bank.services import export_items
from tests.bank import samples
from tests.bank.conftest import native_bank

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_writes_our_json_to_standard_output_by_default(sample_bank):
    out, _err = run("export_questions")
    assert json.loads(out)["questions"] == sample_bank


def test_export_writes_moodle_xml_in_the_chosen_language_to_a_file(sample_bank, tmp_path):
    target = tmp_path / "bank.xml"
    out, _err = run("export_questions", "--format", "moodle", "--lang", "en", "--output", target)
    questions, misconceptions = export_items()
    assert out == ""
    assert (
        target.read_text(encoding="utf-8")
        == formats.write("moodle", questions, misconceptions, "en")[0]
    )


def test_export_names_on_stderr_what_gift_cannot_express(sample_bank):
    out, err = run("export_questions", "--format", "gift")
    assert "not exported: ordering-dialogue: GIFT has no ordering questions" in err
    assert "not exported: short-case: GIFT has no case-sensitive short answers" in err
    assert "13 question(s) exported, 2 left out (gift)." in err
    assert "::single-587::" in out and "ordering-dialogue" not in out


def test_import_guesses_the_format_and_restores_an_exported_bank(sample_bank, tmp_path):
    source = tmp_path / "bank.gift.txt"
    run("export_questions", "--format", "gift", "--output", source)
    Question.objects.all().delete()
    out, _err = run("import_questions", source)
    assert out.strip() == "created: 13, updated: 0, kept: 0"
    left_out = {"ordering-dialogue", "short-case"}  # GIFT has no ordering, no case setting
    assert native_bank() == [q for q in sample_bank if q["key"] not in left_out]


def test_a_failed_import_prints_every_error_and_exits_non_zero(make_course, tmp_path):
    make_course()
    items = samples.items()
    items[0]["topics"], items[3]["status"] = ["nowhere"], "maybe"
    source = tmp_path / "bad.json"
    source.write_text(formats.write("json", items, samples.misconceptions())[0])
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"nothing imported from .*: 2 error"):
        call_command("import_questions", source, stderr=err)
    assert "single-587: unknown topic(s): nowhere" in err.getvalue()
    assert "tf-imap: the status must be" in err.getvalue()
    assert Question.objects.count() == 0


def test_import_gives_foreign_questions_the_topic_asked_for(make_course, tmp_path):
    make_course()
    source = tmp_path / "hand.txt"
    source.write_text("::SMTP:: SMTP relaie les messages.{T####Oui.}\n", encoding="utf-8")
    run("import_questions", source, "--format", "gift", "--topic", "smtp-roles")
    assert Question.objects.get(key="smtp").main_topic.slug == "smtp-roles"


def test_import_can_keep_existing_questions(sample_bank, tmp_path):
    source = tmp_path / "bank.json"
    run("export_questions", "--output", source)
    Question.objects.filter(key="tf-imap").update(text_fr="Édité")
    out, _err = run("import_questions", source, "--keep-existing")
    assert out.strip() == f"created: 0, updated: 0, kept: {len(samples.ITEMS)}"
    assert Question.objects.get(key="tf-imap").text_fr == "Édité"


def test_import_of_a_missing_file_is_a_clean_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_questions", tmp_path / "none.xml")


def test_load_questions_adds_what_is_missing_and_keeps_trainers_edits(sample_bank, tmp_path):
    source = tmp_path / "questions.json"
    source.write_text(formats.write("json", samples.items(), samples.misconceptions())[0])
    Question.objects.filter(key="tf-imap").update(text_fr="Édité")
    Question.objects.filter(key="tf-pop3").delete()
    out, _err = run("load_questions", "--source", source)
    assert out.strip() == f"created: 1, kept: {len(samples.ITEMS) - 1}"
    assert Question.objects.get(key="tf-imap").text_fr == "Édité"
    assert Question.objects.filter(key="tf-pop3").exists()


def test_load_questions_loads_nothing_when_one_question_is_wrong(make_course, tmp_path):
    make_course()
    items = samples.items()
    next(item for item in items if item["type"] == "ordering")["steps"] = []
    source = tmp_path / "questions.json"
    source.write_text(formats.write("json", items, samples.misconceptions())[0])
    with pytest.raises(CommandError, match="nothing loaded: 1 error"):
        call_command("load_questions", "--source", source, stderr=io.StringIO())
    assert Question.objects.count() == 0


def test_import_skips_what_facteur_lacks_and_says_so_unless_strict(make_course, tmp_path):
    make_course()
    source = tmp_path / "hand.gift.txt"
    source.write_text("::E:: Décrivez.{}\n\n::V:: Vrai ?{T}\n", encoding="utf-8")
    out, err = run("import_questions", source, "--topic", "smtp-roles")
    assert out.strip() == "created: 1, updated: 0, kept: 0"
    assert "skipped: E (essay, line 1)" in err
    Question.objects.all().delete()
    with pytest.raises(CommandError):
        call_command("import_questions", source, "--strict", stderr=io.StringIO())
    assert Question.objects.count() == 0
