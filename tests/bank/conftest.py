import pytest
from django.utils import translation

from quizapp.bank.models import Question
from quizapp.bank.services import import_questions
from tests.bank import samples


@pytest.fixture
def english():
    """Read error messages in English, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def sample_bank(make_course):
    """Import the sample items (every type) into a course with two topics and three sections."""
    make_course(sections=3)
    import_questions(questions=samples.items(), misconceptions=samples.misconceptions())
    return native_bank()


def native_bank() -> list[dict]:
    """Return every question of the database as native dicts, by key."""
    questions = Question.objects.select_related("main_topic", "section").prefetch_related("topics")
    return [q.to_native() for q in questions.order_by("key")]
