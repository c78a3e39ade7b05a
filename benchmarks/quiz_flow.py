"""Answer-and-next on a large bank, as a ratio to a minimal Django view.

Seeds a throw-away SQLite database with 10,000 published items and 100,000
answers, then times, in one run and through the same middleware stack:
  - a minimal view (returns "ok"),
  - answer (htmx POST -> feedback partial) + next (htmx GET -> next question).
Prints the medians and their ratio. Usage:
    .venv/bin/python benchmarks/quiz_flow.py [--items 10000] [--answers 100000] [--rounds 200]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(var_dir: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["FACTEUR_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "quizapp.settings"
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "benchmarks.urls_with_minimal_view"
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(items: int, answers: int) -> None:
    import random

    from course.models import Course, Section, Topic
    from quizapp.adaptive.models import ItemStat
    from quizapp.bank.models import Question
    from quizapp.practice.models import Answer, Learner, PracticeSession, SessionItem

    rng = random.Random(7)
    course = Course.objects.create(code="B", title_fr="B", summary_fr="B")
    topic = Topic.objects.create(slug="ports-security", name_fr="Ports")
    section = Section.objects.create(course=course, slug="s", order=1, title_fr="S", body_fr="x")
    spec = {
        "options": [{"key": k, "text": {"fr": k, "en": k}, "correct": k == "a"} for k in "abcd"]
    }
    Question.objects.bulk_create(
        Question(
            key=f"q{i}",
            type="single",
            status="published",
            main_topic=topic,
            section=section,
            anchor="a",
            source="RFC 6409",
            text_fr=f"Q{i}",
            explanation_fr="E",
            spec=spec,
            difficulty=rng.gauss(0, 1),
            guess_options=4,
        )
        for i in range(items)
    )
    ids = list(Question.objects.values_list("id", flat=True))
    # bulk_create skips the receiver that gives every new item its statistics row.
    ItemStat.objects.bulk_create(
        ItemStat(question_id=pk, b=difficulty, var=1.0, a=1.0, var_a=0.09)
        for pk, difficulty in Question.objects.values_list("id", "difficulty")
    )
    Question.topics.through.objects.bulk_create(
        Question.topics.through(question_id=i, topic_id=topic.pk) for i in ids
    )
    learners = Learner.objects.bulk_create(
        Learner(visitor_key=f"seed-{n}") for n in range(answers // 100)
    )
    for learner in learners:
        session = PracticeSession.objects.create(learner=learner, scope="course", size=100)
        chosen = rng.sample(ids, 100)
        session_items = SessionItem.objects.bulk_create(
            SessionItem(session=session, position=p, question_id=q, choice_order=list("abcd"))
            for p, q in enumerate(chosen, start=1)
        )
        Answer.objects.bulk_create(
            Answer(
                learner=learner,
                question_id=item.question_id,
                session=session,
                item=item,
                given={"choice": "a"},
                score=1.0,
                correct=True,
                time_taken_ms=9000,
            )
            for item in session_items
        )


def analyze() -> None:
    """Give SQLite's planner its statistics, as the task worker does every 10 minutes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(rounds: int) -> dict:
    from django.test import Client

    from quizapp.accounts.models import User
    from quizapp.practice.models import PracticeSession

    client = Client()
    client.force_login(User.objects.create_user("bench", password="x"))
    hx = {"HX-Request": "true"}
    minimal, flow = [], []

    def new_session():
        client.post("/practice/", {"scope": "course", "size": 30})
        session = PracticeSession.objects.filter(learner__user__username="bench").first()
        client.get(session.get_absolute_url(), headers=hx)  # the first question is served
        return session

    session = new_session()
    for _ in range(rounds):
        item = session.items.filter(answer__isnull=True).first()
        if item is None:
            session = new_session()
            continue
        started = time.perf_counter()
        client.get("/bench/minimal/")
        minimal.append(time.perf_counter() - started)
        started = time.perf_counter()
        url = f"/practice/{session.pk}/answer/{item.position}/"
        client.post(url, {"choice": "0"}, headers=hx)
        client.get(session.get_absolute_url(), headers=hx)  # the next question
        flow.append(time.perf_counter() - started)
    return {
        "minimal_view_ms": round(statistics.median(minimal) * 1000, 3),
        "answer_and_next_ms": round(statistics.median(flow) * 1000, 3),
        "ratio": round(statistics.median(flow) / statistics.median(minimal), 2),
        "samples": len(flow),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        started = time.perf_counter()
        seed(args.items, args.answers)
        analyze()
        seeded = time.perf_counter() - started
        result = {"items": args.items, "answers": args.answers, "seed_s": round(seeded, 1)}
        result |= measure(args.rounds)
    if args.json:
        print(json.dumps(result))
        return
    for name, value in result.items():
        print(f"{name:>20}: {value}")


if __name__ == "__main__":
    main()
