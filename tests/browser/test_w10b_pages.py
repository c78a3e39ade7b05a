"""Item analysis, question authoring and trainer lab pages in a real browser.

axe-core finds no serious or critical problem and the CSP is never violated, in
both languages, on a phone and on a PC; the trainer previews a draft, answers it,
publishes it and unpublishes a flagged item without JavaScript-only controls.
"""

import re

import pytest

from course.loading import load_course
from quizapp.accounts.models import User
from quizapp.bank.models import Question
from quizapp.groups.models import Group, Membership
from quizapp.lab.models import LabMailbox, LabRun, LabServer
from quizapp.practice.models import Answer, Learner, PracticeSession, SessionItem
from tests.browser.conftest import ROOT
from tests.browser.test_trainer_and_lab_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(settings, tmp_path):
    from django.core.cache import cache
    from django.core.management import call_command

    cache.clear()  # item analysis figures kept from another test's database
    settings.LAB_DATA_DIR = tmp_path / "lab"
    load_course(source_dir=ROOT / "fixtures" / "course")
    call_command("load_questions", verbosity=0)
    trainer = User.objects.create_user("trainer", password="a-long-pass-phrase-2", role="trainer")
    trainees = [User.objects.create_user(f"trainee{n}", password="x") for n in range(12)]
    group = Group.objects.create(name="BTS SIO 1", created_by=trainer)
    group.trainers.add(trainer)
    for trainee in trainees:
        Membership.objects.create(group=group, trainee=trainee)
    lab = LabServer.objects.create(
        name="Labo salle 12",
        host="127.0.0.1",
        allowed_networks="127.0.0.0/8",
        domain="lab.test",
        relay_port=2525,
        imap_port=2143,
        created_by=trainer,
    )
    LabMailbox.objects.create(user=trainees[0], lab=lab, name="trainee0", password="abcd-efgh")
    LabRun.objects.create(user=trainees[0], lab=lab, kind="port_map", status="done", grade=1)
    questions = list(Question.objects.filter(type="single")[:6])
    for number, trainee in enumerate(trainees):
        learner = Learner.objects.create(user=trainee)
        session = PracticeSession.objects.create(learner=learner, scope="course", size=6)
        for position, question in enumerate(questions, start=1):
            wrong = [o["key"] for o in question.spec["options"] if not o.get("correct")]
            right = position != 1 and (number + position) % 3 != 0  # item 1 misleads
            key = next(o["key"] for o in question.spec["options"] if o.get("correct"))
            item = SessionItem.objects.create(session=session, position=position, question=question)
            Answer.objects.create(
                learner=learner, question=question, session=session, item=item,
                given={"choice": key if right else wrong[0]}, score=float(right),
                correct=right, time_taken_ms=8000 + 500 * number,
            )  # fmt: skip
    draft = Question.objects.filter(type="multiple").first()
    Question.objects.filter(pk=draft.pk).update(status="draft")
    return {"group": group, "lab": lab, "draft": draft, "flagged": questions[0]}


def pages(site) -> list[str]:
    group, lab, draft = site["group"], site["lab"], site["draft"]
    return [
        "/item-analysis/",
        f"/item-analysis/?group={group.pk}",
        "/questions/",
        f"/questions/{draft.pk}/",
        f"/questions/{draft.pk}/edit/",
        "/lab/trainer/",
        f"/lab/trainer/{lab.pk}/mailboxes/?group={group.pk}",
        "/lab/trainer/runs/",
    ]


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_pages_pass_axe_and_the_csp(live_server, open_tab, site, prefix, width):
    tab = open_tab(width=width)
    log_in(tab.page, live_server.url, "trainer", "a-long-pass-phrase-2")
    found = {}
    for path in pages(site):
        response = tab.page.goto(live_server.url + prefix + path)
        assert response.status == 200, path
        assert tab.page.get_by_role("heading", level=1).is_visible()
        if violations := tab.axe_violations():
            found[path] = violations
    assert found == {}
    assert tab.csp_violations() == []


def test_a_trainer_previews_answers_and_publishes_a_draft(live_server, open_tab, site):
    tab = open_tab(width=375, java_script_enabled=False)
    page = tab.page
    log_in(page, live_server.url, "trainer", "a-long-pass-phrase-2")
    draft = site["draft"]
    page.goto(live_server.url + "/questions/?status=draft")
    page.get_by_role("row", name=re.compile(draft.key)).get_by_role("link", name="Aperçu").click()
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Vérifier ma réponse").click()
    assert page.get_by_text("nothing is stored").count() == 0
    assert page.locator(".feedback").is_visible()
    page.get_by_role("button", name="Publier").click()
    assert page.get_by_text(f"Question {draft.key} publiée.").is_visible()
    assert Question.objects.get(pk=draft.pk).status == "published"
    assert not Answer.objects.filter(question=draft).exists()


def test_a_trainer_unpublishes_a_flagged_item_without_javascript(live_server, open_tab, site):
    tab = open_tab(width=1280, java_script_enabled=False)
    page = tab.page
    log_in(page, live_server.url, "trainer", "a-long-pass-phrase-2")
    page.goto(live_server.url + "/item-analysis/?flagged=1")
    flagged = site["flagged"]
    row = page.get_by_role("row", name=re.compile(flagged.key))
    row.get_by_role("button", name=re.compile("Retirer de la publication")).click()
    assert page.get_by_text("1 question retirée de la publication.").is_visible()
    assert Question.objects.get(pk=flagged.pk).status == "draft"
