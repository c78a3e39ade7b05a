"""Exam workflows: start or resume an attempt, save an answer, close it once, on time.

Time is the server's. Every function that may act on an attempt takes `now` and goes
through `close_if_over`, so views, the periodic task and tests share one rule and tests
move the clock by passing another `now`.
"""

import random
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from quizapp.bank import specs
from quizapp.exams import adaptive_form, grading
from quizapp.exams.models import Attempt, AttemptItem, Exam


class ExamError(Exception):
    """A refusal the trainee reads, in their language."""


class AttemptClosed(ExamError):
    def __init__(self):
        super().__init__(
            _("Time is up: this attempt closed at its deadline, answers after it are not recorded.")
        )


def deadline_for(
    *, started_at: datetime, duration: timedelta, extra_minutes: int = 0, closes_at=None
) -> datetime:
    """Return when an attempt must end: start + duration + extra time, within the window.

    Extra time (« tiers temps ») extends the window's end too, else it would be lost to
    a trainee who starts late in the window.
    """
    extra = timedelta(minutes=extra_minutes)
    deadline = started_at + duration + extra
    if closes_at is not None:
        deadline = min(deadline, closes_at + extra)
    return deadline


def close_if_over(attempt: Attempt, *, now: datetime) -> bool:
    """Close an open attempt whose deadline has passed; return True if it is (now) closed."""
    if not attempt.is_open:
        return True
    if not attempt.is_over(now):
        return False
    finish(attempt=attempt, now=attempt.deadline, status=Attempt.Status.TIMED_OUT)
    attempt.refresh_from_db()
    return True


def close_overdue(*, now: datetime) -> int:
    """Close every open attempt past its deadline; return how many closed (periodic task)."""
    closed = 0
    for attempt in Attempt.objects.open().filter(deadline__lte=now).select_related("exam"):
        closed += finish(attempt=attempt, now=attempt.deadline, status=Attempt.Status.TIMED_OUT)
    return closed


def start_attempt(
    *, exam: Exam, user, now: datetime, extra_minutes: int = 0, closes_at=None, assignment=None
) -> Attempt:
    """Return the trainee's open attempt on this exam, or start one (drawing its items).

    One open attempt per trainee and exam: a second tab or a double click finds the
    first one (the database constraint decides a race).
    """
    current = Attempt.objects.open().filter(exam=exam, user=user).first()
    if current is not None and not close_if_over(current, now=now):
        return current
    deadline = deadline_for(
        started_at=now, duration=exam.duration(), extra_minutes=extra_minutes, closes_at=closes_at
    )
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                exam=exam, user=user, started_at=now, deadline=deadline,
                extra_minutes=extra_minutes, assignment=assignment,
            )  # fmt: skip
            if exam.is_adaptive:
                adaptive_form.begin(attempt)
            else:
                _draw_fixed_form(attempt)
    except IntegrityError:
        return Attempt.objects.open().get(exam=exam, user=user)
    return attempt


def _draw_fixed_form(attempt: Attempt) -> None:
    """Draw each topic's number of items at random among the blueprint's eligible ones."""
    rng = random.Random()  # noqa: S311  (variety between trainees, not secrecy)
    exam = attempt.exam
    eligible = list(exam.eligible_questions().only("pk", "type", "spec", "main_topic_id"))
    picked = []
    for rule in exam.rules.all():
        pool = [q for q in eligible if q.main_topic_id == rule.topic_id]
        picked += rng.sample(pool, min(rule.items, len(pool)))
    rng.shuffle(picked)
    if not picked:
        raise ExamError(_("This exam has no published question to draw from."))
    AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            position=position,
            question=question,
            choice_order=specs.shuffled_keys(question.type, question.spec, rng),
        )
        for position, question in enumerate(picked, start=1)
    )


def save_answer(*, attempt: Attempt, item: AttemptItem, given: dict | None, flagged, now):
    """Keep the trainee's answer (and flag) on a fixed-form item, until the deadline."""
    if close_if_over(attempt, now=now):
        raise AttemptClosed
    fields = {}
    if given is not None:
        fields.update(given=given, answered_at=now)
    if flagged is not None:
        fields["flagged"] = flagged
    if fields:
        # The attempt must still be open when the row is written: a submit in another tab wins.
        AttemptItem.objects.filter(pk=item.pk, attempt__status=Attempt.Status.OPEN).update(**fields)


def answer_adaptive(*, attempt: Attempt, item: AttemptItem, given: dict, now) -> None:
    """Grade the current adaptive item (shown to nobody yet) and stop if the test decides."""
    if close_if_over(attempt, now=now):
        raise AttemptClosed
    grade = item.question.grade(given)
    with transaction.atomic():
        updated = AttemptItem.objects.filter(
            pk=item.pk, given__isnull=True, attempt__status=Attempt.Status.OPEN
        ).update(
            given=given, answered_at=now, score=grade.score, correct=grade.correct,
            misconceptions=grade.misconceptions,
        )  # fmt: skip
        if not updated:
            return  # a resent answer: the first one stands
        decided = adaptive_form.advance(attempt)
    if decided:
        finish(attempt=attempt, now=now, status=Attempt.Status.SUBMITTED)


def submit(*, attempt: Attempt, now: datetime) -> bool:
    """End the attempt at the trainee's « Terminer »; return False if it was already over."""
    if close_if_over(attempt, now=now):
        return False
    return bool(finish(attempt=attempt, now=now, status=Attempt.Status.SUBMITTED))


def finish(*, attempt: Attempt, now: datetime, status: str) -> int:
    """Close the attempt once, grade it and feed the learner model; return 1 if this call did.

    The conditional update is the lock: of two submits (two tabs, a resent form, the
    periodic task) exactly one moves the attempt out of "open", and only it grades.
    """
    with transaction.atomic():
        won = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.OPEN).update(
            status=status, finished_at=now
        )
        if not won:
            return 0
        attempt.status, attempt.finished_at = status, now
        grading.grade_attempt(attempt)
    return 1
