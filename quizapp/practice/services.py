"""Practice workflows: who is practising, starting a session, recording an answer."""

import random
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from quizapp.bank import specs
from quizapp.bank.models import Question
from quizapp.practice.models import Answer, Learner, PracticeSession, SessionItem

VISITOR_SESSION_KEY = "visitor_key"


def owner_filter(request) -> dict:
    """Return the lookup that limits learner-owned rows to whoever sent the request."""
    if request.user.is_authenticated:
        return {"learner__user": request.user}
    key = request.session.get(VISITOR_SESSION_KEY)
    return {"learner__visitor_key": key} if key else {"pk__in": []}


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
    visitor.delete()
    return moved


def _pick_questions(*, learner, candidates, size: int, rng: random.Random) -> list[Question]:
    ids = list(candidates.values_list("id", flat=True))
    seen = set(learner.answers.filter(question_id__in=ids).values_list("question_id", flat=True))
    fresh = [i for i in ids if i not in seen]
    rng.shuffle(fresh)
    stale = [i for i in ids if i in seen]
    rng.shuffle(stale)
    chosen = (fresh + stale)[:size]
    by_id = Question.objects.in_bulk(chosen)
    return [by_id[i] for i in chosen]


@transaction.atomic
def start_session(*, learner, scope, topic=None, section=None, size: int) -> PracticeSession:
    """Create a session of `size` questions in the scope, new questions first."""
    candidates = Question.objects.published()
    if scope == PracticeSession.Scope.TOPIC:
        candidates = candidates.filter(topics=topic)
    elif scope == PracticeSession.Scope.SECTION:
        candidates = candidates.filter(topics__in=section.topics.all()).distinct()
    seed = secrets.randbelow(2**31)
    rng = random.Random(seed)  # noqa: S311  (shuffling questions, not secrets)
    questions = _pick_questions(learner=learner, candidates=candidates, size=size, rng=rng)
    session = PracticeSession.objects.create(
        learner=learner,
        scope=scope,
        topic=topic,
        section=section,
        size=len(questions),
        seed=seed,
    )
    SessionItem.objects.bulk_create(
        SessionItem(
            session=session,
            position=position,
            question=question,
            choice_order=specs.shuffled_keys(question.type, question.spec, rng),
        )
        for position, question in enumerate(questions, start=1)
    )
    return session


@dataclass(frozen=True)
class Recorded:
    answer: Answer
    created: bool


def record_answer(*, item: SessionItem, given: dict) -> Recorded:
    """Grade and store the answer to a served item, once: a resend returns the first one."""
    grade = item.question.grade(given)
    elapsed = timezone.now() - item.served_at if item.served_at else None
    try:
        with transaction.atomic():
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
            )
            if item.position == item.session.size:
                PracticeSession.objects.filter(pk=item.session_id).update(
                    finished_at=timezone.now()
                )
    except IntegrityError:
        return Recorded(Answer.objects.get(item=item), created=False)
    return Recorded(answer, created=True)
