"""The engine's model of a learner and their review cards (quizapp/privacy/registry.py)."""

from django.utils.translation import gettext_lazy as _

from quizapp.adaptive.models import LearnerModel, ReviewCard
from quizapp.privacy.registry import PersonalData, register


def model_of(user) -> list[dict]:
    model = LearnerModel.objects.filter(learner__user=user).first()
    if model is None:
        return []
    return [{"answers": model.answers, "updated_at": model.updated_at, "state": model.state}]


def cards_of(user) -> list[dict]:
    cards = ReviewCard.objects.filter(learner__user=user).order_by("question_id")
    return [
        {
            "question": card.question_id,
            "state": card.state,
            "stability": card.stability,
            "difficulty": card.difficulty,
            "due": card.due,
            "last_review": card.last_review,
        }
        for card in cards
    ]


def erase_model(user) -> int:
    deleted, _ = LearnerModel.objects.filter(learner__user=user).delete()
    return deleted


def erase_cards(user) -> int:
    deleted, _ = ReviewCard.objects.filter(learner__user=user).delete()
    return deleted


register(
    PersonalData(
        name="mastery_model",
        label=_("What the site estimated of your level, overall and per topic"),
        export=model_of,
        erase=erase_model,
        on_delete=_("Deleted."),
    )
)
register(
    PersonalData(
        name="review_cards",
        label=_("Your review schedule, one card per question"),
        export=cards_of,
        erase=erase_cards,
        on_delete=_("Deleted."),
    )
)
