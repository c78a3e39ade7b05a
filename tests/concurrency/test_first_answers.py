"""A new learner's first answers arriving together (two tabs, a double click) all count.

Issue 8.1: every request created the learner's model, the losers hit its unique
constraint and took it for the answer's: 7 of 15 requests got a 500 and their
answers were lost.
"""

import threading

import pytest

from tests.livesite import live_site, session_path

SEED = """
from django.core.management import call_command
from course.models import Section, Topic
from quizapp.accounts.models import User
from quizapp.bank.models import Question
call_command("load_course", verbosity=0)
section = Section.objects.order_by("order").first()
topic = section.topics.first()
for n in range(8):
    q = Question.objects.create(
        key=f"race-{n}", type="truefalse", status="published", main_topic=topic,
        section=section, anchor="", source="RFC 5321", text_fr=f"Vrai {n} ?",
        text_en=f"True {n}?", explanation_fr="Parce que.", explanation_en="Because.",
        spec={"answer": True},
    )
    q.topics.set([topic])
User.objects.create_user("race", password="race-pass-2026", role="trainee")
"""
SESSIONS = 3
CLICKS = 5  # per session: two tabs and a double click on each


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory.mktemp("race"), seed=SEED) as site:
        yield site


def test_first_answers_sent_at_once_are_all_recorded_and_none_fails(site):
    browser = site.browser()
    browser.login("race", "race-pass-2026")
    answer_paths = []
    for _ in range(SESSIONS):
        status, _body, url = browser.post(
            "/practice/", {"scope": "course", "size": 5, "mode": "practice"}
        )
        assert status == 200
        answer_paths.append(session_path(url) + "answer/1/")
    barrier = threading.Barrier(SESSIONS * CLICKS)
    statuses = []

    def click(path):
        barrier.wait()
        statuses.append(browser.post(path, {"value": "true"})[0])

    threads = [
        threading.Thread(target=click, args=(path,)) for path in answer_paths for _ in range(CLICKS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [200] * SESSIONS * CLICKS
    stored = site.python(
        "import json\n"
        "from quizapp.practice.models import Answer\n"
        "from quizapp.adaptive.models import LearnerModel, ItemStat, ReviewCard\n"
        "questions = Answer.objects.values('question').distinct().count()\n"
        "print(json.dumps([Answer.objects.count(), LearnerModel.objects.get().answers,\n"
        "  sum(ItemStat.objects.values_list('answers', flat=True)),\n"
        "  ReviewCard.objects.count() == questions]))"
    )
    # One answer per session, each learned from exactly once, one review card per question.
    assert stored == [SESSIONS, SESSIONS, SESSIONS, True]
