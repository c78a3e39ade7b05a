"""Lab and trainer pages pass axe and the CSP in a real browser, in both languages."""

import re

import pytest

from course.loading import load_course
from quizapp.accounts.models import User
from quizapp.lab.models import LabServer
from tests.browser.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(settings, tmp_path):
    settings.LAB_DATA_DIR = tmp_path / "lab"
    load_course(source_dir=ROOT / "fixtures" / "course")
    User.objects.create_user("trainee", password="a-long-pass-phrase-1")
    trainer = User.objects.create_user("trainer", password="a-long-pass-phrase-2", role="trainer")
    return LabServer.objects.create(
        name="Labo test",
        host="127.0.0.1",
        allowed_networks="127.0.0.0/8",
        domain="lab.test",
        relay_port=2525,
        submission_port=2587,
        imap_port=2143,
        created_by=trainer,
    )


def log_in(page, base, username, password):
    page.goto(base + "/accounts/login/")
    page.get_by_label(re.compile("utilisateur")).fill(username)
    page.get_by_label(re.compile("^Mot de passe")).fill(password)
    page.get_by_role("button", name="Se connecter").click()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_lab_pages_for_a_trainee(live_server, open_tab, site, prefix):
    tab = open_tab(width=375)
    log_in(tab.page, live_server.url, "trainee", "a-long-pass-phrase-1")
    found = {}
    for path in ["/lab/", f"/lab/{site.pk}/"]:
        tab.page.goto(live_server.url + prefix + path)
        assert tab.page.get_by_role("heading", level=1).is_visible()
        if violations := tab.axe_violations():
            found[path] = violations
    assert found == {}
    assert tab.csp_violations() == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_trainer_pages(live_server, open_tab, site, prefix):
    tab = open_tab(width=1280)
    log_in(tab.page, live_server.url, "trainer", "a-long-pass-phrase-2")
    found = {}
    for path in ["/lab/trainer/", "/lab/trainer/runs/", "/bank/import-export/"]:
        response = tab.page.goto(live_server.url + prefix + path)
        assert response.status == 200
        if violations := tab.axe_violations():
            found[path] = violations
    assert found == {}
    assert tab.csp_violations() == []
