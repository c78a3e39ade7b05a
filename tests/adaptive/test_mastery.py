from types import SimpleNamespace

from django.utils import translation

from quizapp.adaptive.engine import Engine, LearnerState
from quizapp.adaptive.mastery import readiness, topic_mastery

TOPICS = [SimpleNamespace(slug="ports-security", name="Ports")]


def answered(engine, correct: bool, count: int) -> LearnerState:
    engine.reset(
        [
            {"id": i, "options": 4, "topic": "ports-security", "difficulty": 0.0}
            for i in range(count)
        ]
    )
    state = LearnerState()
    for i in range(count):
        engine.record(state, i, correct, float(i))
    return state


def test_a_new_learner_has_everything_to_discover_and_no_readiness_yet():
    engine = Engine()
    state = LearnerState()
    [row] = topic_mastery(engine, state, TOPICS)
    assert row.level == "discover"
    with translation.override("en"):
        assert readiness(engine, state).probability is None
        assert "10 more questions" in readiness(engine, state).words


def test_many_right_answers_master_the_topic_and_make_one_ready():
    engine = Engine()
    state = answered(engine, True, 30)
    [row] = topic_mastery(engine, state, TOPICS)
    assert row.level == "mastered"
    assert row.percent >= 80
    assert readiness(engine, state).probability > 0.9


def test_many_wrong_answers_say_not_ready():
    engine = Engine()
    state = answered(engine, False, 30)
    [row] = topic_mastery(engine, state, TOPICS)
    assert row.level == "progress"
    assert readiness(engine, state).probability < 0.3
