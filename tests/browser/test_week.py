"""A trainee's week in a real browser: reviews, mastery, ordering by buttons, the lab's login."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quizapp.adaptive.models import ReviewCard
from quizapp.adaptive.services import learn_from_lab
from quizapp.bank.models import Question
from quizapp.practice.models import Learner
from tests.practice.test_views import force_next

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def log_in(page, url):
    page.goto(url + "/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "secret-pass-1")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


@pytest.mark.usefixtures("bank")
@pytest.mark.parametrize("width", [375, 1280])
def test_reviews_and_mastery_are_drawn_and_pass_axe(live_server, open_tab, trainee, width):
    learner = Learner.objects.create(user=trainee)
    now = timezone.now()
    for n, question in enumerate(Question.objects.all()):
        ReviewCard.objects.create(
            learner=learner, question=question, state=2, due=now + timedelta(days=n - 2)
        )
    learn_from_lab(user=trainee, kind="port_map", grade=1.0)
    tab = open_tab(width=width)
    page = tab.page
    log_in(page, live_server.url)
    nav = page.get_by_role("navigation", name="Menu principal")
    assert nav.get_by_role("link", name=re.compile(r"Révisions 3 à faire")).count() == 1
    page.goto(live_server.url + "/")
    assert page.locator(".mastery-history svg polyline").count() == 1
    assert fits(page) and tab.axe_violations() == [] and tab.csp_violations() == []
    page.goto(live_server.url + "/practice/reviews/")
    assert page.locator(".forecast svg rect").count() == 7
    assert fits(page) and tab.axe_violations() == [] and tab.csp_violations() == []
    if width == 375:
        header = page.evaluate("document.querySelector('.site-header').offsetHeight")
        assert header <= 110  # two short rows, not a quarter of the screen


@pytest.mark.usefixtures("bank")
def test_ordering_steps_move_with_buttons_without_javascript(live_server, open_tab, monkeypatch):
    force_next(monkeypatch, "ordering")
    tab = open_tab(width=375, java_script_enabled=False)
    page = tab.page
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Commencer").click()
    first = page.locator(".ordering-step .step-text").nth(0).inner_text()
    page.locator(".ordering-step").nth(0).get_by_role(
        "button", name=re.compile("Descendre")
    ).click()
    assert page.locator(".ordering-step .step-text").nth(1).inner_text() == first
    # Script is off, so no evaluate(): the :focus selector asks the browser itself.
    assert page.locator(":focus").get_attribute("value") == "down-1"
    page.get_by_role("button", name="Vérifier ma réponse").click()
    assert page.locator("#feedback-title").is_visible()
    assert page.locator(":focus").get_attribute("id") == "feedback-title"
    assert page.locator("#live-verdict").count() == 1


def test_a_visitor_opening_the_lab_is_told_why_to_log_in(live_server, open_tab, db):
    tab = open_tab(width=375)
    page = tab.page
    page.goto(live_server.url + "/lab/")
    assert "Le labo demande un compte." in page.locator("main").inner_text()
    assert fits(page) and tab.axe_violations() == []


from tests.practice.conftest import bank  # noqa: E402, F401  (one question of each type)
