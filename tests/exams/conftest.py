from datetime import UTC, datetime, timedelta

import pytest

from course.models import Section, Topic
from quizapp.bank.models import Misconception, Question
from quizapp.exams.models import BlueprintRule, Exam
from tests.practice.conftest import SPECS

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """The exams' clock, moved by the test."""

    def __init__(self):
        self.value = START

    def __call__(self):
        return self.value

    def advance(self, **delta):
        self.value += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr("quizapp.exams.clock.now", fake)
    return fake


@pytest.fixture
def exam_bank(make_course):
    """Three published questions of each type on each of two topics (42 items)."""
    make_course(sections=2)
    Misconception.objects.create(
        slug="port-25-for-clients", label_fr="Port 25 pour les clients", label_en="Port 25"
    )
    Misconception.objects.create(
        slug="imap-subjects-only", label_fr="IMAP sujets", label_en="IMAP subjects"
    )
    section = Section.objects.get(slug="section-1")
    questions = []
    for topic in Topic.objects.all():
        for kind, spec in SPECS.items():
            for n in range(3):
                question = Question.objects.create(
                    key=f"{topic.slug}-{kind}-{n}",
                    type=kind,
                    status=Question.Status.PUBLISHED,
                    main_topic=topic,
                    section=section,
                    anchor="ancre-1",
                    source="RFC 6409 §3.1",
                    text_fr=f"Question {kind} {n} ?",
                    text_en=f"Question {kind} {n}?",
                    explanation_fr=f"EXPLICATION-SECRETE {kind} {n}.",
                    explanation_en=f"SECRET-EXPLANATION {kind} {n}.",
                    difficulty=(n - 1) * 0.8,
                    spec=spec,
                )
                question.topics.set([topic])
                questions.append(question)
    return questions


def make_exam(form=Exam.Form.FIXED, per_topic=4, minutes=30, slug=None, **fields):
    exam = Exam.objects.create(
        slug=slug or f"exam-{form}",
        title_fr="Examen blanc",
        title_en="Mock exam",
        form=form,
        duration_minutes=minutes,
        **fields,
    )
    for topic in Topic.objects.all():
        BlueprintRule.objects.create(exam=exam, topic=topic, items=per_topic)
    return exam


@pytest.fixture
def fixed_exam(exam_bank):
    return make_exam()


@pytest.fixture
def adaptive_exam(exam_bank):
    return make_exam(Exam.Form.ADAPTIVE)
