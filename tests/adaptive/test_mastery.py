import math
from types import SimpleNamespace

import pytest
from django.utils import translation

from quizapp.adaptive.engine import Engine, LearnerState
from quizapp.adaptive.mastery import level_for, readiness, topic_mastery

TOPICS = [SimpleNamespace(slug="ports-security", name="Ports", pk=1)]
TWO_TOPICS = [*TOPICS, SimpleNamespace(slug="diagnostics", name="Diagnostic", pk=2)]


def answered(engine, correct: bool, count: int, topic="ports-security") -> LearnerState:
    engine.reset([{"id": i, "options": 4, "topic": topic, "difficulty": 0.0} for i in range(count)])
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
        assert "1 more question " in readiness(engine, answered(engine, True, 9)).words


def test_many_right_answers_master_the_topic_and_make_one_ready():
    engine = Engine()
    state = answered(engine, True, 30)
    [row] = topic_mastery(engine, state, TOPICS)
    assert row.level == "mastered"
    assert row.low >= 75 and row.percent >= row.low
    assert readiness(engine, state).probability > 0.9


def test_many_wrong_answers_make_the_topic_one_to_work_on_and_say_what_to_do():
    engine = Engine()
    state = answered(engine, False, 30)
    rows = topic_mastery(engine, state, TWO_TOPICS)
    assert rows[0].level == "weak" and rows[0].high < 50
    result = readiness(engine, state, rows)
    assert result.probability < 0.3
    assert result.step.topic.slug == "ports-security" and result.step.size == 10
    with translation.override("fr"):
        words = readiness(engine, state, rows).step.words
    assert "10 questions sur « Ports », votre thème le plus faible" in words


@pytest.mark.parametrize("theta", [x / 4 for x in range(-16, 17)])
@pytest.mark.parametrize("se", [0.1, 0.3, 0.6, 0.9, 1.2])
def test_levels_never_contradict_the_percentage(theta, se):
    """A mastered topic is always above any topic to work on, whatever the uncertainty."""
    percent = 100 / (1 + math.exp(-theta))
    level = level_for(theta, se)
    if level == "mastered":
        assert percent >= 75
    if level == "weak":
        assert percent < 50
    if se <= 0.3 and 10 < percent < 90:
        assert level != "discover"  # a narrow range always says something
