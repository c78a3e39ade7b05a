"""A trainer imports a real Moodle file in a real browser: report first, then confirmation."""

import pytest

from quizapp.bank.models import Question
from tests.browser.conftest import ROOT
from tests.browser.test_trainer_and_lab_pages import log_in, site  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURE = ROOT / "tests" / "bank" / "fixtures" / "moodle" / "nested_categories_with_questions.xml"


@pytest.mark.parametrize("width", [375, 1280])
def test_a_trainer_sees_the_report_maps_categories_and_imports(live_server, open_tab, site, width):  # noqa: F811
    tab = open_tab(width=width)
    page = tab.page
    log_in(page, live_server.url, "trainer", "a-long-pass-phrase-2")
    page.goto(live_server.url + "/bank/import-export/")
    page.set_input_files("input[type=file]", str(FIXTURE))
    page.get_by_role("button", name="Voir le rapport").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Vérifier l'import"
    assert page.get_by_text("Kappa Essay Question").is_visible()
    assert tab.axe_violations() == []
    assert Question.objects.count() == 0
    for number in range(4):
        page.locator(f"select[name=topic-{number}]").select_option(index=1)
    page.get_by_role("button", name="Mettre à jour le rapport").click()
    page.get_by_role("button", name="Importer exactement ceci").click()
    assert "Import terminé : 4 créées, 0 remplacées, 0 conservées, 1 ignorées." in page.content()
    assert Question.objects.count() == 4
    assert tab.csp_violations() == []
