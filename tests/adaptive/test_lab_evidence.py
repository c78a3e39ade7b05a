"""A lab check is strong evidence of its topic; every answer leaves a point of mastery history."""

import pytest
from django.utils import timezone

from quizapp.adaptive import services
from quizapp.adaptive.models import LearnerModel
from quizapp.adaptive.services import learn_from_lab, progress_for
from quizapp.adaptive.state import LearnerState
from quizapp.practice.models import Learner

pytestmark = pytest.mark.django_db

LAB_TOPICS = ("ports-security", "client-setup", "pop3-imap")


@pytest.fixture
def topics(db):
    from course.models import Topic

    for order, slug in enumerate(LAB_TOPICS):
        Topic.objects.create(slug=slug, order=order, name_fr=slug, name_en=slug)


def practised(user, answers=60) -> Learner:
    """Return a learner who answered `answers` items across the lab topics, 2 in 3 right."""
    learner = Learner.objects.create(user=user)
    engine = services.new_engine()
    meta = [{"id": i, "options": 4, "topic": LAB_TOPICS[i % 3]} for i in range(answers)]
    engine.reset(meta)
    state = LearnerState()
    for i in range(answers):
        engine.record(state, i, (i // 3) % 3 != 0, float(i))  # each topic 2 in 3
    LearnerModel.objects.create(learner=learner, state={"engine": state.to_dict()}, answers=answers)
    return learner


def moves_of_three_labs(learner) -> dict[str, int]:
    """Return how many points each lab topic's mastery moves after three labs at 100 %."""
    before = {row.slug: row.percent for row in progress_for(learner).topics}
    for kind in ("port_map", "send_fetch", "pop_vs_imap"):
        learn_from_lab(user=learner.user, kind=kind, grade=1.0)
    after = {row.slug: row.percent for row in progress_for(learner).topics}
    return {slug: after[slug] - before[slug] for slug in LAB_TOPICS}


def test_three_labs_at_100_percent_move_mastery_as_strong_evidence(topics, trainee):
    moves = moves_of_three_labs(practised(trainee))
    print("weighted:", moves)
    assert all(move >= 15 for move in moves.values()), moves


def test_counted_as_one_answer_of_unknown_difficulty_they_moved_it_little(
    topics, trainee, monkeypatch
):
    """The issue's finding (7 to 14 points after 80 answers), kept to show what the weight does."""
    monkeypatch.setattr(services, "LAB_WEIGHT", 1)
    monkeypatch.setattr(services, "LAB_ITEM_VAR", 1.0)
    moves = moves_of_three_labs(practised(trainee))
    print("one answer:", moves)
    assert all(move <= 10 for move in moves.values()), moves


def test_a_failed_lab_check_lowers_the_topic(topics, trainee):
    learn_from_lab(user=trainee, kind="port_map", grade=0.2)
    learner = Learner.objects.get(user=trainee)
    [ports] = [row for row in progress_for(learner).topics if row.slug == "ports-security"]
    assert ports.percent < 35


def test_each_day_keeps_the_last_mastery_of_each_topic_answered(topics, trainee):
    learn_from_lab(user=trainee, kind="port_map", grade=1.0)
    history = LearnerModel.objects.get(learner__user=trainee).state["history"]
    today = timezone.localdate().isoformat()
    assert list(history) == [today]
    assert set(history[today]) == {"ports-security"} and history[today]["ports-security"] > 70
    learner = Learner.objects.get(user=trainee)
    chart = progress_for(learner).chart
    assert [line.name for line in chart["lines"]] == ["ports-security"]
    assert chart["rows"][0][1][0] == history[today]["ports-security"]
