import datetime

import pytest
from django.utils import translation

from course.models import Topic
from quizapp.bank.models import Question
from quizapp.practice.models import Answer, Learner, PracticeSession, SessionItem


def options(*keys, correct="a"):
    return {
        "options": [
            {
                "key": key,
                "text": {"fr": f"Option {key}", "en": f"Option {key}"},
                "correct": key == correct,
            }
            for key in keys
        ]
    }


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def topic(make_course):
    make_course(sections=1)
    return Topic.objects.get(slug="ports-security")


@pytest.fixture
def make_question(topic):
    def build(key, *, qtype="single", spec=None, status=Question.Status.PUBLISHED, on=None):
        question = Question.objects.create(
            key=key,
            type=qtype,
            status=status,
            main_topic=on or topic,
            source="RFC 6409",
            text_fr=f"Question {key} ?",
            text_en=f"Question {key}?",
            explanation_fr="Parce que.",
            explanation_en="Because.",
            spec=spec or options("a", "b", "c"),
        )
        question.topics.set([on or topic])
        return question

    return build


@pytest.fixture
def answer():
    """Return a function storing one answer of `learner` (a user or a Learner)."""

    def record(who, question, score, given=None, ms=1000):
        learner = who if isinstance(who, Learner) else Learner.objects.get_or_create(user=who)[0]
        session = PracticeSession.objects.create(learner=learner, scope="course", size=1)
        item = SessionItem.objects.create(session=session, position=1, question=question)
        return Answer.objects.create(
            learner=learner,
            question=question,
            session=session,
            item=item,
            given=given if given is not None else {"choice": "a" if score else "b"},
            score=score,
            correct=score == 1,
            time_taken_ms=ms,
        )

    return record


@pytest.fixture
def visitors(db):
    made = []

    def build(count):
        start = len(made)
        made.extend(Learner.objects.create(visitor_key=f"v{start + n}") for n in range(count))
        return made[start:]

    return build


NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fresh_cache():
    """The figures are cached: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
