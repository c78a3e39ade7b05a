"""Mock exams in a real browser: without JavaScript, at phone and desktop widths, in both
languages, with axe and the CSP watching every page."""

import re

import pytest

from course.loading import load_course
from quizapp.accounts.models import User
from quizapp.bank.formats import read
from quizapp.bank.services import import_questions
from quizapp.exams.blueprints import ensure_default_exams
from quizapp.exams.models import Attempt
from quizapp.groups.services import create_group
from tests.browser.conftest import ROOT
from tests.browser.test_trainer_and_lab_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site():
    load_course(source_dir=ROOT / "fixtures" / "course")
    questions, misconceptions = read((ROOT / "fixtures" / "questions.json").read_text())
    import_questions(questions=questions, misconceptions=misconceptions)
    ensure_default_exams()
    trainee = User.objects.create_user("trainee", password="a-long-pass-phrase-1")
    trainer = User.objects.create_user("trainer", password="a-long-pass-phrase-2", role="trainer")
    group = create_group(trainer=trainer, name="Groupe test")
    group.trainees.add(trainee)
    return group


def answer_first_choice(page):
    form = page.locator("#question-form")
    if form.locator("input[type=radio]").count():
        form.locator("input[type=radio]").first.check()
    elif form.locator("input[name=choice]").count():
        form.locator("input[name=choice]").first.check()
    elif form.locator("select").count():
        selects = form.locator("select")
        for k in range(selects.count()):
            selects.nth(k).select_option(index=k + 1)
    else:
        form.locator("input[name=value]").fill("587")


def checked(tab, found, name):
    if violations := tab.axe_violations():
        found[name] = violations


def sit_fixed_form(page, base, tab=None, found=None):
    """Walk the fixed form: answer, flag, move through the grid, summary, finish."""

    def check(name):
        if tab is not None:
            checked(tab, found, name)

    page.goto(base + "/exams/")
    check("index")
    page.goto(base + "/exams/examen-blanc-cp1-03-01/")
    check("exam")
    page.locator("main form button[type=submit]").first.click()
    assert re.search(r"/exams/attempt/\d+/$", page.url)
    assert re.search(r"\b(30|29)\b", page.locator(".exam-timer").inner_text())  # time left
    check("question")
    answer_first_choice(page)
    page.locator("input[name=flagged]").check()
    page.locator("button[name=go][value=next]").click()
    assert page.url.endswith("/q/2/")
    page.locator("button[name=go][value='1']").click()  # back to 1 through the grid
    assert page.locator("input[name=flagged]").is_checked()
    page.locator("button[name=go][value=summary]").click()
    check("summary")
    assert "29" in page.locator("main").inner_text()  # 29 questions unanswered
    page.locator("form[action$='/submit/'] button").click()
    assert "/results/" in page.url
    check("results")


@pytest.mark.parametrize(("prefix", "width"), [("", 375), ("/en", 1280)])
def test_the_fixed_form_without_javascript(live_server, open_tab, site, prefix, width):
    tab = open_tab(width=width, java_script_enabled=False)
    log_in(tab.page, live_server.url, "trainee", "a-long-pass-phrase-1")
    sit_fixed_form(tab.page, live_server.url + prefix)
    assert tab.page.locator(".verdict-fail, .verdict-pass").count() == 1


@pytest.mark.parametrize(("prefix", "width"), [("", 1280), ("/en", 375)])
def test_the_fixed_form_pages_pass_axe_and_the_csp(live_server, open_tab, site, prefix, width):
    tab = open_tab(width=width)
    found = {}
    log_in(tab.page, live_server.url, "trainee", "a-long-pass-phrase-1")
    sit_fixed_form(tab.page, live_server.url + prefix, tab, found)
    assert found == {}
    assert tab.csp_violations() == []


@pytest.mark.parametrize(("prefix", "width"), [("", 1280), ("/en", 375)])
def test_the_adaptive_form_with_javascript_and_the_certificate_check(
    live_server, open_tab, site, prefix, width
):
    tab = open_tab(width=width)
    page, found = tab.page, {}
    log_in(page, live_server.url, "trainee", "a-long-pass-phrase-1")
    page.goto(live_server.url + prefix + "/exams/examen-blanc-cp1-03-01-adaptatif/")
    page.locator("main form button[type=submit]").first.click()
    checked(tab, found, "adaptive question")
    assert re.match(r"\d+:\d\d", page.locator(".timer-value").inner_text())  # counting down
    for _ in range(3):
        answer_first_choice(page)
        page.locator("button[name=go]").click()
    assert page.locator("button[name=go][value=previous]").count() == 0  # no going back
    attempt = Attempt.objects.get()
    attempt.passed = True
    page.goto(live_server.url + prefix + f"/exams/attempt/{attempt.pk}/summary/")
    page.locator("form[action$='/submit/'] button").click()
    attempt.refresh_from_db()
    Attempt.objects.filter(pk=attempt.pk).update(passed=True)
    page.reload()
    checked(tab, found, "adaptive results")
    code = attempt.certificate.code
    page.goto(live_server.url + prefix + f"/verify/{code}/")
    checked(tab, found, "verify")
    assert page.locator("main").inner_text().count("trainee") == 1
    assert found == {}
    assert tab.csp_violations() == []


@pytest.mark.parametrize(("prefix", "width"), [("", 375), ("/en", 1280)])
def test_trainer_pages_give_and_monitor(live_server, open_tab, site, prefix, width):
    tab = open_tab(width=width)
    page, found = tab.page, {}
    log_in(page, live_server.url, "trainer", "a-long-pass-phrase-2")
    page.goto(live_server.url + prefix + "/exams/examen-blanc-cp1-03-01/give/")
    checked(tab, found, "give")
    page.locator("select[name=group]").select_option(label="Groupe test")
    page.locator("input[name=opens_at]").fill("2026-01-01T08:00")
    page.locator("input[name=closes_at]").fill("2030-01-01T08:00")
    page.locator("main form button[type=submit]").click()
    assert "/exams/given/" in page.url
    checked(tab, found, "monitor")
    page.locator("select[name=trainee]").select_option(label="trainee")
    page.locator("input[name=minutes]").fill("15")
    page.locator("form[action$='/extra-time/'] button").click()
    assert "+15" in page.locator("main").inner_text()
    page.goto(live_server.url + prefix + "/exams/examen-blanc-cp1-03-01/")
    page.locator("form[action$='/copy/'] button").click()
    checked(tab, found, "edit copy")
    page.goto(live_server.url + prefix + f"/groups/{site.pk}/")
    checked(tab, found, "dashboard")
    assert found == {}
    assert tab.csp_violations() == []
