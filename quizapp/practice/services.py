"""Practice workflows: who is practising, starting a session, recording an answer."""

import random
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from quizapp.adaptive import services as adaptive
from quizapp.bank import specs
from quizapp.practice.models import Answer, Learner, PracticeSession, SessionItem

VISITOR_SESSION_KEY = "visitor_key"


def owner_filter(request) -> dict:
    """Return the lookup that limits learner-owned rows to whoever sent the request."""
    if request.user.is_authenticated:
        return {"learner__user": request.user}
    key = request.session.get(VISITOR_SESSION_KEY)
    return {"learner__visitor_key": key} if key else {"pk__in": []}


def existing_learner(request) -> Learner | None:
    """Return the request's learner if there is one yet (never creates it)."""
    if request.user.is_authenticated:
        return Learner.objects.filter(user=request.user).first()
    key = request.session.get(VISITOR_SESSION_KEY)
    return Learner.objects.filter(visitor_key=key).first() if key else None


def learner_for(request) -> Learner:
    """Return the request's learner, creating it (and a visitor key) on first need."""
    if request.user.is_authenticated:
        learner, _ = Learner.objects.get_or_create(user=request.user)
        return learner
    key = request.session.get(VISITOR_SESSION_KEY)
    if not key:
        key = request.session[VISITOR_SESSION_KEY] = secrets.token_hex(16)
    learner, _ = Learner.objects.get_or_create(visitor_key=key)
    return learner


@transaction.atomic
def claim_visitor_work(*, visitor_key: str | None, user) -> int:
    """Move a visitor's sessions and answers to the account just created; return answers moved."""
    if not visitor_key:
        return 0
    visitor = Learner.objects.filter(visitor_key=visitor_key, user=None).first()
    if visitor is None:
        return 0
    if not Learner.objects.filter(user=user).exists():
        # The new account has no learner yet: the visitor's becomes it, at no copy.
        visitor.user, visitor.visitor_key = user, None
        visitor.save(update_fields=["user", "visitor_key"])
        return visitor.answers.count()
    learner = Learner.objects.get(user=user)
    visitor.sessions.update(learner=learner)
    moved = visitor.answers.update(learner=learner)
    adaptive.move_review_cards(source=visitor, target=learner)
    visitor.delete()
    return moved


@transaction.atomic
def start_session(
    *, learner, scope, topic=None, section=None, size: int, mode=PracticeSession.Mode.PRACTICE
) -> PracticeSession:
    """Create a session; its questions are chosen one at a time as it goes."""
    return PracticeSession.objects.create(
        learner=learner, mode=mode, scope=scope, topic=topic, section=section, size=size
    )


def serve_next(*, session, served: list[int]) -> SessionItem | None:
    """Add the engine's next question to the session, shown from now; None when done.

    `served` lists the questions the session has already served, in order.
    """
    if len(served) >= session.size:
        return None
    profile = getattr(session.learner, "model", None)
    pick = adaptive.pick_next(
        profile=profile,
        session=session,
        served=set(served),
        due_only=session.mode == PracticeSession.Mode.REVIEW,
    )
    if pick is None:
        return None
    question = pick.question
    rng = random.Random()  # noqa: S311  (shuffling choices, not secrets)
    item = SessionItem.objects.create(
        session=session,
        position=len(served) + 1,
        question=question,
        choice_order=specs.shuffled_keys(question.type, question.spec, rng),
        served_at=timezone.now(),
        reason=pick.reason,
        reason_topic=pick.topic or "",
        probe=pick.probe,
    )
    item.session = session
    return item


@dataclass(frozen=True)
class Recorded:
    answer: Answer
    created: bool


def record_answer(*, item: SessionItem, given: dict) -> Recorded:
    """Grade, learn from and store the answer to a served item, once.

    The learner model, the item's difficulty and the review card change in the
    same transaction as the answer row: a resent answer hits the one-answer-per-
    item constraint, the whole transaction rolls back, and the first answer stands.
    """
    grade = item.question.grade(given)
    now = timezone.now()
    elapsed = now - item.served_at if item.served_at else None
    try:
        with transaction.atomic():
            learned = adaptive.learn_from_answer(
                profile=getattr(item.session.learner, "model", None),
                learner_id=item.session.learner_id,
                session_id=item.session_id,
                question=item.question,
                correct=grade.correct,
                score=grade.score,
                elapsed=elapsed,
                when=now,
            )
            answer = Answer.objects.create(
                learner_id=item.session.learner_id,
                question_id=item.question_id,
                session_id=item.session_id,
                item=item,
                given=given,
                score=grade.score,
                correct=grade.correct,
                misconceptions=grade.misconceptions,
                time_taken_ms=int(elapsed.total_seconds() * 1000) if elapsed else None,
                predicted=learned.predicted,
                rating=learned.rating,
            )
    except IntegrityError:
        # Only the one-answer-per-item constraint may end here (every other row
        # is created race-free): the answer that won stands, and is returned.
        first = Answer.objects.filter(item=item).first()
        if first is None:
            raise
        return Recorded(first, created=False)
    return Recorded(answer, created=True)
