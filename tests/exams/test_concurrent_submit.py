"""Two tabs and a double click on « Terminer »: the attempt closes and is graded once."""

import threading

import pytest

from tests.livesite import live_site

SEED = """
from django.core.management import call_command
from course.models import Section, Topic
from quizapp.accounts.models import User
from quizapp.bank.models import Question
from quizapp.exams.models import BlueprintRule, Exam
call_command("load_course", verbosity=0)
section = Section.objects.order_by("order").first()
topic = section.topics.first()
for n in range(6):
    q = Question.objects.create(
        key=f"race-{n}", type="truefalse", status="published", main_topic=topic,
        section=section, anchor="", source="RFC 5321", text_fr=f"Vrai {n} ?",
        text_en=f"True {n}?", explanation_fr="Parce que.", explanation_en="Because.",
        spec={"answer": True},
    )
    q.topics.set([topic])
exam = Exam.objects.create(slug="race", title_fr="Course", form="fixed", duration_minutes=30)
BlueprintRule.objects.create(exam=exam, topic=topic, items=6)
User.objects.create_user("racer", password="race-pass-2026", role="trainee")
"""
CLICKS = 6


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory.mktemp("exam-race"), seed=SEED) as site:
        yield site


def test_concurrent_submits_record_the_attempt_once(site):
    browser = site.browser()
    browser.login("racer", "race-pass-2026")
    status, _body, url = browser.post("/exams/race/start/", {})
    assert status == 200
    pk = int(url.rstrip("/").split("/")[-1])
    for position in range(1, 7):
        browser.post(f"/exams/attempt/{pk}/q/{position}/save/", {"value": "true", "go": "next"})
    barrier = threading.Barrier(CLICKS)
    statuses = []

    def click():
        barrier.wait()
        statuses.append(browser.post(f"/exams/attempt/{pk}/submit/", {})[0])

    threads = [threading.Thread(target=click) for _ in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [200] * CLICKS
    stored = site.python(
        "import json\n"
        "from quizapp.exams.models import Attempt\n"
        "from quizapp.practice.models import Answer\n"
        "from quizapp.adaptive.models import LearnerModel, ItemStat\n"
        "a = Attempt.objects.get()\n"
        "print(json.dumps([a.status, a.score, Answer.objects.filter(source='exam').count(),\n"
        "  LearnerModel.objects.get().answers,\n"
        "  sum(ItemStat.objects.values_list('answers', flat=True))]))"
    )
    assert stored == ["submitted", 1.0, 6, 6, 6]
