"""Groups under concurrency: a double click on « Rejoindre », two tabs answering wrong at once."""

import threading

import pytest

from tests.livesite import live_site, session_path

SEED = """
from django.core.management import call_command
from course.models import Section, Topic
from quizapp.accounts.models import User
from quizapp.bank.models import Misconception, Question
from quizapp.groups.models import Group
call_command("load_course", verbosity=0)
section = Section.objects.order_by("order").first()
topic = section.topics.first()
Misconception.objects.create(slug="port-25-for-clients", label_fr="Port 25")
q = Question.objects.create(
    key="only-one", type="truefalse", status="published", main_topic=topic, section=section,
    anchor="", source="RFC 6409", text_fr="Port 25 ?", text_en="Port 25?",
    explanation_fr="587.", explanation_en="587.",
    spec={"answer": False, "misconception": "port-25-for-clients"},
)
q.topics.set([topic])
trainer = User.objects.create_user("tina", password="race-pass-2026", role="trainer")
User.objects.create_user("race", password="race-pass-2026", role="trainee")
group = Group.objects.create(name="G", created_by=trainer, join_code="RACE22")
group.trainers.add(trainer)
"""
CLICKS = 6


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory.mktemp("groups"), seed=SEED) as site:
        yield site


def at_once(count, action):
    barrier, statuses = threading.Barrier(count), []

    def run():
        barrier.wait()
        statuses.append(action())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(statuses)


def test_a_double_click_on_join_makes_one_membership_and_no_error(site):
    browser = site.browser()
    browser.login("race", "race-pass-2026")
    statuses = at_once(CLICKS, lambda: browser.post("/join/", {"code": "race22"})[0])
    assert statuses == [200] * CLICKS  # each one redirected home
    stored = site.python(
        "import json\nfrom quizapp.groups.models import GroupAction, Membership\n"
        "print(json.dumps([Membership.objects.count(),"
        " GroupAction.objects.filter(kind='joined').count()]))"
    )
    assert stored == [1, 1]


def test_two_tabs_answering_the_same_item_wrong_keep_both_answers_and_both_hits(site):
    browser = site.browser()
    browser.login("race", "race-pass-2026")
    paths = []
    for _ in range(2):
        status, _body, url = browser.post("/practice/", {"scope": "course", "size": 1})
        assert status == 200
        paths.append(session_path(url) + "answer/1/")
    tabs = iter(paths)
    statuses = at_once(2, lambda: browser.post(next(tabs), {"value": "true"})[0])
    assert statuses == [200, 200]
    stored = site.python(
        "import json\nfrom quizapp.practice.models import Answer\n"
        "from quizapp.groups.models import HeldMisconception, MasteryDay\n"
        "wrong = Answer.objects.filter(correct=False).count()\n"
        "hits = sum(HeldMisconception.objects.values_list('hits', flat=True))\n"
        "print(json.dumps([Answer.objects.count(), wrong, hits, MasteryDay.objects.count()]))"
    )
    assert stored == [2, 2, 2, 1]  # both answers, both counted, one day of history
