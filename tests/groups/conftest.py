import pytest
from django.utils import timezone, translation

from quizapp.groups import services
from quizapp.groups.models import Membership
from quizapp.practice.models import Learner, SessionItem
from quizapp.practice.services import record_answer, start_session
from tests.practice.conftest import bank  # noqa: F401  (one question of each type)

# A parsed answer per question of the `bank` fixture: right, and wrong (on a misconception).
ANSWERS = {
    "single": ({"choice": "a"}, {"choice": "b"}),
    "truefalse": ({"value": False}, {"value": True}),
    "port": ({"value": 587}, {"value": 25}),
}


@pytest.fixture(autouse=True)
def _french_urls():
    """A request under /en/ leaves English active: reverse() in the next test must not see it."""
    with translation.override("fr"):
        yield


@pytest.fixture
def group(trainer):
    return services.create_group(trainer=trainer, name="BTS SIO 1")


@pytest.fixture
def other_group(other_trainer):
    return services.create_group(trainer=other_trainer, name="Autre groupe")


@pytest.fixture
def member(group, trainee):
    Membership.objects.create(group=group, trainee=trainee)
    return trainee


@pytest.fixture
def other_member(other_group, other_trainee):
    Membership.objects.create(group=other_group, trainee=other_trainee)
    return other_trainee


def practise(user, question, *, right: bool, session=None):
    """Record one answer of `user` to `question` through the real answer workflow."""
    learner, _ = Learner.objects.get_or_create(user=user)
    session = session or start_session(learner=learner, scope="course", size=50)
    item = SessionItem.objects.create(
        session=session,
        position=session.items.count() + 1,
        question=question,
        choice_order=[],
        served_at=timezone.now(),
    )
    item.session = session
    given = ANSWERS[question.type][0 if right else 1]
    return record_answer(item=item, given=given).answer
