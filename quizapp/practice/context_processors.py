"""What every page's navigation shows of practice: the reviews due now."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from quizapp.adaptive.models import ReviewCard
from quizapp.practice.services import owner_filter


def reviews_due(request) -> dict:
    """Return the number of reviews due, counted only if a template shows it (one query)."""

    def count() -> int:
        return ReviewCard.objects.filter(**owner_filter(request), due__lte=timezone.now()).count()

    return {"reviews_due": SimpleLazyObject(count)}
