"""Practice sessions and answers, for export and erasure (quizapp/privacy/registry.py).

On deletion the answers stay, anonymised: the learner row they hang on loses
its link to the account and gets a key nobody holds. Item statistics, the
trainers' item analysis and the difficulty the engine learned from these
answers thus stay true, while nothing leads back to the person.
"""

import secrets

from django.utils.translation import gettext_lazy as _

from quizapp.practice.models import Answer, Learner, PracticeSession
from quizapp.privacy.registry import PersonalData, register

ERASED_PREFIX = "erased-"


def sessions_of(user) -> list[dict]:
    sessions = PracticeSession.objects.filter(learner__user=user).select_related("topic", "section")
    return [
        {
            "session": session.pk,
            "mode": session.mode,
            "scope": session.scope,
            "topic": session.topic.slug if session.topic else "",
            "section": session.section.slug if session.section else "",
            "size": session.size,
            "created_at": session.created_at,
            "finished_at": session.finished_at,
        }
        for session in sessions.order_by("created_at")
    ]


def answers_of(user) -> list[dict]:
    answers = Answer.objects.filter(learner__user=user).select_related("item", "question")
    return [
        {
            "session": answer.session_id,
            "position": answer.item.position,
            "question": answer.question_id,
            "question_text": answer.question.text,
            "given": answer.given,
            "score": answer.score,
            "correct": answer.correct,
            "misconceptions": answer.misconceptions,
            "time_taken_ms": answer.time_taken_ms,
            "answered_at": answer.answered_at,
        }
        for answer in answers.order_by("answered_at", "pk")
    ]


def anonymise_learner(user) -> int:
    """Detach the user's learner row (answers and sessions stay); return the answers kept."""
    learner = Learner.objects.filter(user=user).first()
    if learner is None:
        return 0
    learner.user, learner.visitor_key = None, ERASED_PREFIX + secrets.token_hex(16)
    learner.save(update_fields=["user", "visitor_key"])
    return learner.answers.count()


register(
    PersonalData(
        name="sessions",
        label=_("Your practice sessions"),
        export=sessions_of,
        on_delete=_("Kept without your name, with the answers."),
    )
)
register(
    PersonalData(
        name="answers",
        label=_("Your answers, with their scores and times"),
        export=answers_of,
        erase=anonymise_learner,
        on_delete=_(
            "Kept without your name or anything that leads back to you, so that the "
            "statistics of each question stay true for the trainees after you."
        ),
    )
)
