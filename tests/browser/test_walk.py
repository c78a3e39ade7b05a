"""A newcomer walks the site in a real browser, on a phone and on a PC."""

import re

import pytest

from course.loading import load_course
from course.models import Section
from tests.browser.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped_course():
    load_course(source_dir=ROOT / "fixtures" / "course")
    return Section.objects.first()


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [375, 1280])
def test_a_newcomer_reads_switches_language_signs_up_and_logs_in(
    live_server, open_tab, shipped_course, width
):
    tab = open_tab(width=width)
    page = tab.page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Cours").click()
    page.get_by_role("link", name=shipped_course.title_fr, exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == shipped_course.title_fr
    assert _no_horizontal_scroll(page)

    page.get_by_role("link", name="Glossaire").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Glossaire"

    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_url("**/en/course/glossary/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Glossary"

    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-long-pass-phrase-42")
    page.get_by_label("Password confirmation").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Create my account").click()
    assert page.get_by_role("link", name="newcomer").is_visible()

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("link", name="newcomer").is_visible()
    assert _no_horizontal_scroll(page)
    assert tab.csp_violations() == []


PAGES = ["/", "/course/", "/course/glossary/", "/accounts/login/", "/accounts/signup/"]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_pages_have_no_serious_accessibility_violation(
    live_server, open_tab, shipped_course, prefix
):
    tab = open_tab()
    sections = [s.get_absolute_url().removeprefix("/en") for s in Section.objects.all()]
    found = {}
    for path in [*PAGES, *sections]:
        tab.page.goto(live_server.url + prefix + path)
        if violations := tab.axe_violations():
            found[prefix + path] = violations
    assert found == {}
    assert tab.csp_violations() == []


def test_the_keyboard_reaches_every_control_with_a_visible_focus(
    live_server, open_tab, shipped_course
):
    tab = open_tab(width=1280)
    page = tab.page
    page.goto(live_server.url + shipped_course.get_absolute_url())
    focusable = page.evaluate(
        "[...document.querySelectorAll('a[href], button, select, input:not([type=hidden]), "
        'textarea, summary, [tabindex="0"]\')].filter(e => e.getClientRects().length)'
        ".map((e, i) => { e.dataset.kbd = i; return i; }).length"
    )
    reached, invisible = set(), []
    for _ in range(focusable + 5):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                 return {key: e.dataset.kbd, html: e.outerHTML.slice(0, 80),
                         visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0}; }"""
        )
        if info["key"] is None:  # focus left the page, past the last control
            continue
        reached.add(info["key"])
        if not info["visible"]:
            invisible.append(info["html"])
    assert reached >= {str(i) for i in range(focusable)}
    assert invisible == []
