"""Mastery per topic over time: one row per learner and active day."""

from datetime import datetime
from types import SimpleNamespace

from django.db.models import F
from django.utils import timezone

from quizapp.adaptive.mastery import readiness, topic_mastery
from quizapp.adaptive.models import LearnerModel
from quizapp.adaptive.services import learner_state, new_engine
from quizapp.groups.models import HeldMisconception, MasteryDay


def mastery_snapshot(state, topics) -> tuple[dict, float | None]:
    """Return {topic slug: [percent, answers, level]} over `topics`, and the readiness."""
    engine = new_engine()
    rows = topic_mastery(engine, state, topics)
    snapshot = {row.slug: [row.percent, row.answers, row.level, row.low, row.high] for row in rows}
    return snapshot, readiness(engine, state).probability


def record_mastery_day(*, learner_id: int, when: datetime, answered: int = 1) -> None:
    """Store the learner's mastery now as `when`'s day's (local time), counting `answered`."""
    profile = LearnerModel.objects.filter(learner_id=learner_id).first()
    state = learner_state(profile)
    # The topics answered so far: a topic never answered shows no figure anyway.
    topics = [SimpleNamespace(slug=slug, name=slug) for slug in state.topics]
    snapshot, ready = mastery_snapshot(state, topics)
    day = timezone.localdate(when)
    fields = {"topics": snapshot, "readiness": ready}
    if answered:
        fields["last_at"] = when
    rows = MasteryDay.objects.filter(learner_id=learner_id, day=day)
    if rows.update(answers=F("answers") + answered, **fields):
        return  # the usual case: one query
    # The day's first answer. Insert an empty day unless a second tab just did, then
    # count: no savepoint, and no answer lost to the race.
    MasteryDay.objects.bulk_create(
        [MasteryDay(learner_id=learner_id, day=day)], ignore_conflicts=True
    )
    rows.update(answers=F("answers") + answered, **fields)


def record_held_misconceptions(*, answer) -> None:
    """Count the misconceptions the answer chose; any other one on this item is no longer held."""
    traces = HeldMisconception.objects.filter(
        learner_id=answer.learner_id, question_id=answer.question_id
    )
    traces.exclude(misconception__in=answer.misconceptions).update(held=False)
    for slug in answer.misconceptions:
        # get_or_create survives a second tab creating the same row at the same moment
        # (it retries in a savepoint): an error here would roll the answer back.
        trace, created = HeldMisconception.objects.get_or_create(
            learner_id=answer.learner_id,
            question_id=answer.question_id,
            misconception=slug,
            defaults={"hits": 1, "last_seen": answer.answered_at},
        )
        if not created:
            traces.filter(pk=trace.pk).update(
                hits=F("hits") + 1, held=True, last_seen=answer.answered_at
            )
