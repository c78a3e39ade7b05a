"""Spaced repetition with FSRS: from an answer to a rating, and the next due date.

The mapping from an answer to an FSRS rating, written down once:
- wrong, or less than half the marks          -> Again
- half the marks or more, or right but slow    -> Hard
  (> 45 s)
- right                                        -> Good
- right, fast (under 10 s) on an item the learner
  had already answered right before ("sure")   -> Easy
"Slow" and "fast" are measured from the moment the question was shown to the
moment the answer arrived; an unknown time counts as neither.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

HALF = 0.5  # below this a partly right answer is mostly a lapse
SLOW = timedelta(seconds=45)
FAST = timedelta(seconds=10)

# One scheduler for the whole site: its parameters are FSRS-6's defaults.
SCHEDULER = Scheduler()


def rating_for(*, score: float, elapsed: timedelta | None, known_before: bool) -> Rating:
    """Return the FSRS rating of one answer (see the module docstring)."""
    if score < HALF:
        return Rating.Again
    if score < 1 or (elapsed is not None and elapsed > SLOW):
        return Rating.Hard
    if known_before and elapsed is not None and elapsed < FAST:
        return Rating.Easy
    return Rating.Good


@dataclass
class CardState:
    """The stored part of an FSRS card (the database row holds the same fields)."""

    state: int = State.Learning
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None


def review(card: CardState, rating: Rating, when: datetime, card_id: int) -> CardState:
    """Return the card after one review at `when` (an aware datetime)."""
    fsrs_card = Card(
        card_id=card_id,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due or when,
        last_review=card.last_review,
    )
    updated, _log = SCHEDULER.review_card(fsrs_card, rating, when.astimezone(UTC))
    return CardState(
        state=int(updated.state),
        step=updated.step,
        stability=updated.stability,
        difficulty=updated.difficulty,
        due=updated.due,
        last_review=updated.last_review,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)
