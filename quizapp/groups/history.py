"""Mastery per topic over time: one row per learner and active day."""

from datetime import datetime
from types import SimpleNamespace

from django.utils import timezone

from quizapp.adaptive.mastery import topic_mastery
from quizapp.adaptive.models import LearnerModel
from quizapp.adaptive.services import learner_state, new_engine
from quizapp.groups.models import MasteryDay


def mastery_snapshot(state) -> dict:
    """Return {topic slug: [percent, answers]} for the topics a learner state has seen."""
    engine = new_engine()
    topics = [SimpleNamespace(slug=slug, name=slug) for slug in state.topics]
    return {row.slug: [row.percent, row.answers] for row in topic_mastery(engine, state, topics)}


def record_mastery_day(*, learner_id: int, when: datetime) -> None:
    """Store the learner's mastery now as the mastery of `when`'s day (local time)."""
    profile = LearnerModel.objects.filter(learner_id=learner_id).first()
    snapshot = mastery_snapshot(learner_state(profile))
    day = timezone.localdate(when)
    MasteryDay.objects.update_or_create(
        learner_id=learner_id, day=day, defaults={"topics": snapshot}
    )
