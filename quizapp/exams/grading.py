"""Grade a closed attempt and pass its answers on to the learner model (source "exam")."""

from django.utils import timezone

from quizapp.adaptive import services as adaptive
from quizapp.exams import adaptive_form
from quizapp.exams.models import Attempt
from quizapp.practice.models import Answer, Learner, PracticeSession, SessionItem


def grade_attempt(attempt: Attempt) -> None:
    """Score the attempt, decide pass or fail, and feed the answers to the learner model.

    Runs in the closing transaction. An unanswered fixed-form item counts as wrong in the
    score but is no evidence about the trainee: it is not passed to the learner model.
    """
    items = list(attempt.items.select_related("question__main_topic", "question__stat"))
    for item in items:
        if item.answered and item.score is None:
            grade = item.question.grade(item.given)
            item.score, item.correct = grade.score, grade.correct
            item.misconceptions = grade.misconceptions
        elif not item.answered:
            item.score, item.correct = 0.0, False
    type(items[0]).objects.bulk_update(items, ["score", "correct", "misconceptions"])
    if attempt.exam.is_adaptive:
        verdict = adaptive_form.conclusion(attempt, items)
        attempt.passed, attempt.stop_reason = verdict["passed"], verdict["reason"]
        attempt.ability, attempt.ability_se = verdict["theta"], verdict["se"]
        attempt.expected = verdict["expected"]
        attempt.score = verdict["expected"][1] / 100
    else:
        attempt.score = sum(item.score for item in items) / len(items)
        attempt.passed = attempt.score * 100 >= attempt.exam.pass_mark
    attempt.practice_session = _feed_learner_model(attempt, [i for i in items if i.answered])
    attempt.save()


def _feed_learner_model(attempt: Attempt, items) -> PracticeSession | None:
    if not items:
        return None
    learner = Learner.objects.get_or_create(user=attempt.user)[0]
    session = PracticeSession.objects.create(
        learner=learner,
        mode=PracticeSession.Mode.EXAM,
        scope=PracticeSession.Scope.COURSE,
        size=len(items),
        finished_at=attempt.finished_at or timezone.now(),
    )
    rows = SessionItem.objects.bulk_create(
        SessionItem(
            session=session,
            position=item.position,
            question=item.question,
            choice_order=item.choice_order,
            served_at=attempt.started_at,
            reason="exam",
        )
        for item in items
    )
    when = attempt.finished_at or timezone.now()
    learned = adaptive.learn_from_exam(
        learner_id=learner.pk,
        answers=[
            (item.question, bool(item.correct), item.score, None, item.answered_at or when)
            for item in items
        ],
    )
    Answer.objects.bulk_create(
        Answer(
            learner=learner,
            question=item.question,
            session=session,
            item=row,
            given=item.given,
            score=item.score,
            correct=bool(item.correct),
            misconceptions=item.misconceptions,
            predicted=result.predicted,
            rating=result.rating,
            source=Answer.Source.EXAM,
        )
        for item, row, result in zip(items, rows, learned, strict=True)
    )
    return session
