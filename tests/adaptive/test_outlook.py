"""Reviews in the navigation, the next due time and the 7-day forecast."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizapp.adaptive.models import ReviewCard
from quizapp.adaptive.outlook import outlook_for
from quizapp.bank.models import Question
from quizapp.practice.models import Learner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank")]


def noon():
    return timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)


def cards(learner, *delays, now=None):
    """Give `learner` one review card per delay from `now` (negative: overdue)."""
    now = now or timezone.now()
    for question, delay in zip(Question.objects.all(), delays, strict=False):
        ReviewCard.objects.create(
            learner=learner, question=question, state=2, due=now + delay, stability=1.0
        )


@pytest.fixture
def learner(trainee):
    return Learner.objects.create(user=trainee)


def test_the_outlook_counts_due_now_says_when_next_and_fills_seven_days(learner):
    now = noon()
    cards(learner, -timedelta(hours=2), -timedelta(minutes=1), timedelta(days=2), now=now)
    outlook = outlook_for(learner, now=now)
    assert outlook.due == 2
    assert outlook.next_due == now + timedelta(days=2)
    assert [d.count for d in outlook.days] == [2, 0, 1, 0, 0, 0, 0]
    assert outlook.week == 3


def test_a_review_due_later_today_is_in_todays_bar_but_not_due_now(learner):
    now = noon()
    cards(learner, timedelta(hours=11), timedelta(hours=13), now=now)
    outlook = outlook_for(learner, now=now)
    assert outlook.due == 0
    assert [d.count for d in outlook.days[:2]] == [1, 1]


def test_the_navigation_shows_the_reviews_due(client, learner, trainee):
    cards(learner, -timedelta(minutes=5), -timedelta(minutes=1), timedelta(hours=3))
    client.force_login(trainee)
    page = client.get(reverse("course:glossary")).text
    assert re.search(r'href="/practice/reviews/"[^>]*>Révisions <span class="nav-count">2<', page)


def test_nobody_sees_someone_elses_reviews(client, learner, other_trainee):
    cards(learner, -timedelta(minutes=5))
    client.force_login(other_trainee)
    assert 'class="nav-count"' not in client.get(reverse("course:glossary")).text
    page = client.get(reverse("practice:reviews"))
    assert page.context["outlook"].due == 0
    client.logout()
    assert client.get(reverse("practice:reviews")).context["outlook"].week == 0


def test_the_reviews_page_says_when_the_next_comes_and_draws_the_week(client, learner, trainee):
    cards(learner, timedelta(hours=2, minutes=5), timedelta(days=1, hours=2))
    client.force_login(trainee)
    response = client.get(reverse("practice:reviews"))
    assert response.status_code == 200
    text = response.text
    assert "la prochaine arrive dans 2\xa0heures" in text
    assert text.count("<rect ") == 7  # one bar per day
    # Coordinates are numbers an SVG reads, not French decimals with a comma.
    assert not re.search(r'(x|y|height|width)="[\d.]*,', text)
    assert "<caption>Révisions à faire par jour</caption>" in text


def test_the_mastery_card_says_when_the_next_review_comes_instead_of_nothing(
    client, learner, trainee
):
    cards(learner, timedelta(hours=2, minutes=5))
    client.force_login(trainee)
    text = client.get(reverse("home")).text.replace("&#x27;", "'")
    assert "Aucune révision à faire pour l'instant : la prochaine arrive dans 2\xa0heures" in text


from tests.practice.conftest import bank  # noqa: E402, F401  (one question of each type)
