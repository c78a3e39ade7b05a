"""Issue 10 walked in a real browser: a trainer's group, two trainees from their phones, the
dashboard, the trainee page and the exports showing exactly what they did."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from quizapp.accounts.models import User
from quizapp.groups.models import Group
from quizapp.practice.models import Answer
from tests.browser.test_practice import answer_whatever_is_asked, shipped_bank  # noqa: F401
from tests.browser.test_trainer_and_lab_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = 375


@pytest.fixture
def trainer_account(shipped_bank):  # noqa: F811
    return User.objects.create_user("formatrice", password="a-long-pass-phrase-2", role="trainer")


def practise(page, base, count):
    page.goto(base + "/practice/")
    page.get_by_role("button", name="Commencer").click()
    for n in range(count):
        answer_whatever_is_asked(page)
        page.wait_for_selector("#feedback-title")
        if n < count - 1:
            page.get_by_role("link", name=re.compile("Question suivante")).click()
            page.wait_for_selector("#question-title")


def sign_up(page, username):
    page.locator("#id_username").fill(username)
    page.locator("#id_password1").fill("a-long-pass-phrase-9")
    page.locator("#id_password2").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Créer mon compte").click()


def download(page, link_name, nth):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).nth(nth).click()
    with open(info.value.path(), "rb") as file:
        return file.read()


def test_a_trainer_group_two_trainees_and_what_the_trainer_sees(
    live_server, open_tab, trainer_account
):
    base = live_server.url
    trainer = open_tab(width=PHONE).page
    log_in(trainer, base, "formatrice", "a-long-pass-phrase-2")
    trainer.goto(base + "/groups/new/")
    trainer.get_by_label("Nom").fill("BTS SIO 1")
    trainer.get_by_role("button", name="Créer le groupe").click()
    assert trainer.locator("svg.segno").is_visible()  # the QR code for the projector
    code = trainer.locator(".join-code").inner_text().strip()
    link = trainer.locator("a.join-link").get_attribute("href")
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6,8}", code)

    # Trainee 1 scans the QR code as a visitor, practises, then signs up from the link.
    first = open_tab(width=PHONE).page
    practise(first, base, 2)
    first.goto(link)
    first.get_by_role("link", name="S'inscrire").last.click()
    sign_up(first, "amina")
    assert "Vous avez rejoint le groupe « BTS SIO 1 »." in first.content()
    practise(first, base, 1)
    first.goto(base + "/")
    assert first.get_by_role("heading", name="BTS SIO 1").is_visible()

    # Trainee 2 signs up first, then types the code in lower case.
    second = open_tab(width=PHONE).page
    second.goto(base + "/accounts/signup/")
    sign_up(second, "bruno")
    second.goto(base + "/join/")
    second.get_by_label("Code d'accès").fill(code.lower())
    second.get_by_role("button", name="Rejoindre").click()
    practise(second, base, 2)

    group = Group.objects.get()
    did = {
        name: Answer.objects.filter(learner__user__username=name).count()
        for name in ("amina", "bruno")
    }
    assert did == {"amina": 3, "bruno": 2}  # the visitor's 2 answers came along

    trainer.goto(base + f"/groups/{group.pk}/?sort=-week")
    rows = trainer.locator("table.heatmap tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("th").inner_text() == "amina"
    week_column = (
        trainer.locator("table.heatmap thead th").all_inner_texts().index("Réponses, 7 jours ▼")
    )
    weeks = [rows.nth(i).locator("th, td").nth(week_column).inner_text() for i in range(2)]
    assert weeks == ["3", "2"]
    trainer.get_by_role("link", name="bruno").first.click()
    trainer.wait_for_url("**/trainees/**")  # a click does not wait for the next page
    assert trainer.get_by_role("heading", name="bruno", level=1).is_visible()
    assert trainer.locator(".line-chart polyline").count() >= 1

    trainer.goto(base + f"/groups/{group.pk}/")
    table_csv = download(trainer, "CSV", 0).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(table_csv), delimiter=";"))
    answers_column = table[0].index("Réponses")
    assert {r[0]: r[answers_column] for r in table[1:]} == {"amina": "3", "bruno": "2"}
    answers = list(
        csv.reader(io.StringIO(download(trainer, "CSV", 1).decode("utf-8-sig")), delimiter=";")
    )
    assert sorted(r[0] for r in answers[1:]) == ["amina"] * 3 + ["bruno"] * 2
    keys = sorted(Answer.objects.values_list("question__key", flat=True))
    assert sorted(r[2] for r in answers[1:]) == keys
    sheet = load_workbook(io.BytesIO(download(trainer, "XLSX", 1))).active
    xlsx = list(sheet.iter_rows(values_only=True))
    assert sorted(r[0] for r in xlsx[1:]) == ["amina"] * 3 + ["bruno"] * 2
    workbook = load_workbook(io.BytesIO(download(trainer, "XLSX", 0))).active
    xlsx_table = list(workbook.iter_rows(values_only=True))
    assert {r[0]: r[answers_column] for r in xlsx_table[1:]} == {"amina": 3, "bruno": 2}


@pytest.fixture
def populated(trainer_account):
    from quizapp.groups import services
    from quizapp.groups.models import Membership

    group = services.create_group(trainer=trainer_account, name="Groupe A")
    trainee = User.objects.create_user("camille", password="a-long-pass-phrase-3")
    Membership.objects.create(group=group, trainee=trainee)
    return group, trainee


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_new_page_passes_axe_and_the_csp(live_server, open_tab, populated, prefix):
    group, trainee = populated
    base = live_server.url + prefix
    found = {}
    tab = open_tab(width=PHONE)
    for path in ["/join/", group.join_path().removeprefix("/en")]:
        tab.page.goto(base + path)
        found[path] = tab.axe_violations()
    log_in(tab.page, live_server.url, "camille", "a-long-pass-phrase-3")
    for path in ["/", f"/groups/{group.pk}/leave/", "/join/"]:
        tab.page.goto(base + path)
        found[path] = tab.axe_violations()
    assert tab.csp_violations() == []
    for width in (PHONE, 1280):
        tab = open_tab(width=width)
        log_in(tab.page, live_server.url, "formatrice", "a-long-pass-phrase-2")
        for path in [
            "/groups/",
            "/groups/new/",
            f"/groups/{group.pk}/",
            f"/groups/{group.pk}/settings/",
            f"/groups/{group.pk}/join-code/",
            f"/groups/{group.pk}/trainees/{trainee.pk}/",
            f"/groups/{group.pk}/trainees/{trainee.pk}/remove/",
        ]:
            response = tab.page.goto(base + path)
            assert response.status == 200, path
            found[f"{width} {path}"] = tab.axe_violations()
        assert tab.csp_violations() == []
    assert {path: v for path, v in found.items() if v} == {}


def test_the_dashboard_sorts_and_a_trainee_is_removed_without_javascript(
    live_server, open_tab, populated
):
    group, _trainee = populated
    tab = open_tab(width=1280, java_script_enabled=False)
    log_in(tab.page, live_server.url, "formatrice", "a-long-pass-phrase-2")
    tab.page.goto(live_server.url + f"/groups/{group.pk}/")
    tab.page.get_by_role("link", name="Prêt ?").click()
    assert "sort=-ready" in tab.page.url
    tab.page.get_by_role("link", name="camille").first.click()
    tab.page.get_by_role("link", name="Retirer camille du groupe").click()
    tab.page.get_by_role("button", name="Retirer du groupe").click()
    assert "ne fait plus partie du groupe" in tab.page.content()
    assert not group.memberships.exists()
