from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from quizapp.adaptive.reviews import CardState, rating_for, review


@pytest.mark.parametrize(
    ("score", "seconds", "known", "rating"),
    [
        (0.0, 5, True, Rating.Again),  # wrong, however fast
        (0.5, 5, True, Rating.Hard),  # partly right
        (0.9, 5, True, Rating.Hard),  # nearly right (Moodle's 90 % option)
        (0.25, 5, True, Rating.Again),  # a quarter of the marks is mostly a lapse
        (1.0, 60, True, Rating.Hard),  # right but slow
        (1.0, 20, False, Rating.Good),  # right
        (1.0, 5, False, Rating.Good),  # fast, but first time right: not yet "sure"
        (1.0, 5, True, Rating.Easy),  # right, fast and known before
        (1.0, None, True, Rating.Good),  # unknown time counts as neither slow nor fast
    ],
)
def test_an_answer_maps_to_the_written_rating(score, seconds, known, rating):
    elapsed = timedelta(seconds=seconds) if seconds is not None else None
    assert rating_for(score=score, elapsed=elapsed, known_before=known) == rating


def test_a_wrong_answer_is_due_again_sooner_than_a_right_one():
    now = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    again = review(CardState(), Rating.Again, now, card_id=1)
    good = review(CardState(), Rating.Good, now, card_id=1)
    assert now <= again.due < good.due
    assert good.last_review == now


def test_a_card_in_review_grows_its_interval_after_good_answers():
    now = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    card = review(CardState(), Rating.Good, now, card_id=1)
    card = review(card, Rating.Good, card.due, card_id=1)
    first_interval = card.due - card.last_review
    card = review(card, Rating.Good, card.due, card_id=1)
    assert card.due - card.last_review > first_interval
