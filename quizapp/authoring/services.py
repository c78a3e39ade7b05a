"""Trainers' changes to questions, each logged with who, what and when."""

from django.db import transaction

from quizapp.authoring.models import QuestionLog
from quizapp.bank.models import Question


@transaction.atomic
def set_status(*, questions, status: str, user, reason: str = "") -> int:
    """Give `questions` the status, log each that changed; return how many changed.

    The rows are locked and re-read, so two trainers publishing the same items at
    once log each change once.
    """
    ids = list(questions.values_list("pk", flat=True))
    changing = list(
        Question.objects.select_for_update()
        .filter(pk__in=ids)
        .exclude(status=status)
        .values_list("pk", flat=True)
    )
    if not changing:
        return 0
    Question.objects.filter(pk__in=changing).update(status=status)
    action = (
        QuestionLog.Action.PUBLISHED
        if status == Question.Status.PUBLISHED
        else QuestionLog.Action.UNPUBLISHED
    )
    details = {"reason": reason} if reason else {}
    QuestionLog.objects.bulk_create(
        QuestionLog(question_id=pk, user=user, action=action, details=details) for pk in changing
    )
    return len(changing)


@transaction.atomic
def save_edit(*, form, user) -> Question:
    """Save a question form and log which fields changed (nothing logged if none)."""
    question = form.save()
    if form.changed_data:
        QuestionLog.objects.create(
            question=question,
            user=user,
            action=QuestionLog.Action.EDITED,
            details={"fields": sorted(form.changed_data)},
        )
    return question
