"""A learner's reviews ahead: due now, when the next one comes, and the next seven days.

As Anki shows it: the reviews due now are counted in the navigation, the next due time says
when to come back, and a bar per day shows the week's load. Days are the learner's local
days (the site's time zone): a review due at 23:30 belongs to today, not to tomorrow.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from quizapp.adaptive.models import ReviewCard

FORECAST_DAYS = 7


@dataclass(frozen=True)
class Day:
    day: date
    count: int


@dataclass(frozen=True)
class Outlook:
    due: int
    next_due: datetime | None
    days: list[Day]

    @property
    def next_soon(self) -> bool:
        """Return True when the next review is under a minute away ("in 0 minutes" says nothing)."""
        return self.next_due is not None and self.next_due - timezone.now() < timedelta(minutes=1)

    @property
    def week(self) -> int:
        return sum(d.count for d in self.days)

    @property
    def busiest(self) -> int:
        return max((d.count for d in self.days), default=0)


def due_count(learner, *, now: datetime | None = None) -> int:
    """Return how many reviews the learner has due now (one COUNT query)."""
    if learner is None:
        return 0
    return ReviewCard.objects.filter(learner=learner, due__lte=now or timezone.now()).count()


def outlook_for(learner, *, now: datetime | None = None) -> Outlook:
    """Return the learner's reviews due now, the next due time and the 7-day forecast.

    Today's bar holds what is due now as well as later today: overdue reviews are today's.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    empty = Outlook(0, None, [Day(today + timedelta(days=i), 0) for i in range(FORECAST_DAYS)])
    if learner is None:
        return empty
    cards = ReviewCard.objects.filter(learner=learner)
    due = cards.filter(due__lte=now).count()
    upcoming = cards.filter(due__gt=now).order_by("due").values_list("due", flat=True).first()
    horizon = timezone.make_aware(
        datetime.combine(today + timedelta(days=FORECAST_DAYS), datetime.min.time())
    )
    per_day = dict(
        cards.filter(due__gt=now, due__lt=horizon)
        .annotate(day=TruncDate("due", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    days = [
        Day(d.day, per_day.get(d.day, 0) + (due if i == 0 else 0)) for i, d in enumerate(empty.days)
    ]
    return Outlook(due, upcoming, days)
