"""Mastery per topic over time: one row per learner and active day."""

from datetime import datetime
from types import SimpleNamespace

from django.db.models import F
from django.utils import timezone

from quizapp.adaptive.mastery import topic_mastery
from quizapp.adaptive.models import LearnerModel
from quizapp.adaptive.services import learner_state, new_engine
from quizapp.groups.models import HeldMisconception, MasteryDay


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


def record_held_misconceptions(*, answer) -> None:
    """Count the misconceptions the answer chose; any other one on this item is no longer held."""
    traces = HeldMisconception.objects.filter(
        learner_id=answer.learner_id, question_id=answer.question_id
    )
    traces.exclude(misconception__in=answer.misconceptions).update(held=False)
    for slug in answer.misconceptions:
        updated = traces.filter(misconception=slug).update(
            hits=F("hits") + 1, held=True, last_seen=answer.answered_at
        )
        if not updated:
            HeldMisconception.objects.create(
                learner_id=answer.learner_id,
                question_id=answer.question_id,
                misconception=slug,
                hits=1,
                last_seen=answer.answered_at,
            )
