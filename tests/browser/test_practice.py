"""Practice in a real browser: with htmx, and with JavaScript switched off."""

import re

import pytest

from course.loading import load_course
from quizapp.bank.formats import read
from quizapp.bank.services import import_questions
from tests.browser.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped_bank():
    load_course(source_dir=ROOT / "fixtures" / "course")
    questions, misconceptions = read((ROOT / "fixtures" / "questions.json").read_text())
    import_questions(questions=questions, misconceptions=misconceptions)


def answer_whatever_is_asked(page):
    form = page.locator("form.question")
    if form.locator("input[type=radio]").count():
        form.locator("input[type=radio]").first.check()
    elif form.locator("input[type=checkbox]").count():
        form.locator("input[type=checkbox]").first.check()
    elif form.locator(".ordering").count():
        pass  # the steps are already ranked as shown: checking submits that order
    elif form.locator("select").count():
        selects = form.locator("select")
        for k in range(selects.count()):
            selects.nth(k).select_option(index=k + 1)
    else:
        form.locator("input[name=value]").fill("587")
    page.get_by_role("button", name="Vérifier ma réponse").click()


def test_htmx_practice_swaps_feedback_in_place_and_moves_focus(live_server, open_tab, shipped_bank):
    tab = open_tab(width=375)
    page = tab.page
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Commencer").click()
    url = page.url
    answer_whatever_is_asked(page)
    page.wait_for_selector("#feedback-title")
    assert page.url == url  # swapped in place, no navigation
    assert page.evaluate("document.activeElement.id") == "feedback-title"
    assert re.fullmatch(
        r"Bonne réponse\.|Mauvaise réponse\.|Partiellement juste : \d+ %\.",
        page.locator("#live-verdict").inner_text(),
    )
    assert page.locator("#live-verdict").count() == 1
    page.get_by_role("link", name=re.compile("Question suivante")).click()
    page.wait_for_selector("#question-title")
    assert page.locator("progress").first.get_attribute("value") == "1"
    assert tab.csp_violations() == []
    assert tab.axe_violations() == []


def test_practice_works_without_javascript(live_server, open_tab, shipped_bank):
    tab = open_tab(width=1280, java_script_enabled=False)
    page = tab.page
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Commencer").click()
    answer_whatever_is_asked(page)
    page.wait_for_selector("#feedback-title")
    assert "feedback=1" in page.url  # full-page POST, then redirect
    page.get_by_role("link", name=re.compile("Question suivante")).click()
    assert page.locator("#question-title").inner_text() == "Question 2"
