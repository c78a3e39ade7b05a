"""The bank we ship is what the issue promises: enough items, every type, links that resolve."""

import json
from collections import Counter
from pathlib import Path

import pytest

from course.loading import load_course
from course.models import Section
from course.rendering import render_markdown
from quizapp.bank.models import Question
from quizapp.bank.services import import_questions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shipped(db):
    load_course(source_dir=ROOT / "fixtures" / "course")
    document = json.loads((ROOT / "fixtures" / "questions.json").read_text())
    import_questions(questions=document["questions"], misconceptions=document["misconceptions"])
    return Question.objects.published().select_related("main_topic", "section")


def test_the_bank_has_150_published_items_and_25_per_topic(shipped):
    assert shipped.count() >= 150
    per_topic = Counter(q.main_topic.slug for q in shipped)
    assert len(per_topic) == 5
    assert min(per_topic.values()) >= 25


def test_every_item_type_is_in_the_bank(shipped):
    # Numerical items come from Moodle banks; the shipped bank's numbers are ports.
    expected = set(Question.Type.values) - {Question.Type.NUMERICAL}
    assert set(shipped.values_list("type", flat=True)) == expected


def test_every_item_is_bilingual_explained_sourced_and_linked_to_a_paragraph(shipped):
    rendered = {
        section.pk: render_markdown(section.body_fr) + render_markdown(section.body_en)
        for section in Section.objects.all()
    }
    for question in shipped:
        assert question.text_en and question.explanation_en, question.key
        assert question.source.startswith("RFC"), question.key
        assert question.section is not None and question.anchor, question.key
        assert f'id="{question.anchor}"' in rendered[question.section_id], question.key
