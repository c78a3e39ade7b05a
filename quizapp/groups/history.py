"""Mastery per topic over time: one row per learner and active day."""

from datetime import datetime
from types import SimpleNamespace

from django.db.models import F
from django.utils import timezone

from course.models import Topic
from quizapp.adaptive.mastery import readiness, topic_mastery
from quizapp.adaptive.models import LearnerModel
from quizapp.adaptive.services import learner_state, new_engine
from quizapp.groups.models import HeldMisconception, MasteryDay


def mastery_snapshot(state, topics) -> tuple[dict, float | None]:
    """Return {topic slug: [percent, answers, level]} over `topics`, and the readiness."""
    engine = new_engine()
    rows = topic_mastery(engine, state, topics)
    snapshot = {row.slug: [row.percent, row.answers, row.level] for row in rows}
    return snapshot, readiness(engine, state).probability


def record_mastery_day(*, learner_id: int, when: datetime, answered: int = 1) -> None:
    """Store the learner's mastery now as `when`'s day's (local time), counting `answered`."""
    profile = LearnerModel.objects.filter(learner_id=learner_id).first()
    slugs = Topic.objects.values_list("slug", flat=True)
    topics = [SimpleNamespace(slug=slug, name=slug) for slug in slugs]
    snapshot, ready = mastery_snapshot(learner_state(profile), topics)
    day = timezone.localdate(when)
    fields = {"topics": snapshot, "readiness": ready}
    if answered:
        fields["last_at"] = when
    rows = MasteryDay.objects.filter(learner_id=learner_id, day=day)
    if rows.update(answers=F("answers") + answered, **fields):
        return
    # A second tab creating the same day meanwhile: get_or_create retries in a savepoint.
    _row, created = MasteryDay.objects.get_or_create(
        learner_id=learner_id, day=day, defaults={"answers": answered, **fields}
    )
    if not created:
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
