"""The item analysis page on a big class, as a ratio to a minimal Django view.

Seeds a throw-away SQLite database with the shipped course and bank, 500
trainees in one group and 200,000 answers (simulated: a learner of ability θ
gets an item of difficulty b right with probability 1/(1+e^(b-θ)), otherwise
picks a wrong option), then times, in one run and through the same middleware:
  - a minimal view (returns "ok"),
  - the item analysis page over everyone, and over the group,
and counts their SQL queries. The figures are kept ten minutes per scope (see
quizapp/itemanalysis/analysis.py): "cold" pages compute them (?fresh=1), the
others read them back. Target: within 300x the minimal view. Usage:
    .venv/bin/python benchmarks/item_analysis.py [--learners 500] [--answers 200000]
"""

import argparse
import datetime
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 5000


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
    call_command("load_course", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("load_questions", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def simulated_answer(question, rng: random.Random, right: bool) -> dict:
    """Return a parsed answer to `question`: the right one, or a plausible wrong one."""
    spec, kind = question.spec, question.type
    if kind in ("single", "multiple"):
        keys = [o["key"] for o in spec["options"]]
        good = [o["key"] for o in spec["options"] if o.get("correct")]
        bad = [key for key in keys if key not in good] or keys
        if kind == "single":
            return {"choice": good[0] if right else rng.choice(bad)}
        return {"choices": sorted(good if right else {*good[1:], rng.choice(bad)})}
    if kind == "truefalse":
        return {"value": spec["answer"] if right else not spec["answer"]}
    if kind == "port":
        return {"value": spec["answer"] if right else rng.choice([25, 110, 143, 465, 993])}
    if kind == "short":
        return {"value": spec["accepted"][0] if right else "smtp"}
    if kind == "matching":
        keys = [p["key"] for p in spec["pairs"]]
        picks = keys[:] if right else rng.sample(keys, len(keys))
        return {"pairs": dict(zip(keys, picks, strict=True))}
    steps = [s["key"] for s in spec["steps"]]
    return {"order": steps if right else rng.sample(steps, len(steps))}


def seed(learner_count: int, answer_count: int) -> int:
    """Create the group and the answers; return the group's pk."""
    from django.db import transaction

    with transaction.atomic():
        return _seed(learner_count, answer_count)


def _seed(learner_count: int, answer_count: int) -> int:
    from django.db import connection

    from quizapp.accounts.models import User
    from quizapp.adaptive.models import ItemStat
    from quizapp.bank.models import Question
    from quizapp.groups.models import Group, Membership
    from quizapp.practice.models import Learner, PracticeSession

    rng = random.Random(10)
    questions = list(Question.objects.published())
    # What the engine would have learned from earlier classes (kept if the loader made one).
    ItemStat.objects.bulk_create(
        (
            ItemStat(question=q, b=q.difficulty + rng.gauss(0, 0.3), var=0.05, answers=100)
            for q in questions
        ),
        ignore_conflicts=True,
    )
    trainer = User.objects.create_user("bench-trainer", password="x", role="trainer")
    users = User.objects.bulk_create(
        User(username=f"trainee-{n}", password="!") for n in range(learner_count)
    )
    group = Group.objects.create(name="Bench", created_by=trainer)
    group.trainers.add(trainer)
    Membership.objects.bulk_create(Membership(group=group, trainee=u) for u in users)
    learners = Learner.objects.bulk_create(Learner(user=u) for u in users)
    per_learner = answer_count // learner_count
    sessions = PracticeSession.objects.bulk_create(
        PracticeSession(learner=learner, scope="course", size=per_learner) for learner in learners
    )
    now = datetime.datetime.now(datetime.UTC).isoformat()
    items, answers = [], []
    for learner, session in zip(learners, sessions, strict=True):
        ability = rng.gauss(0, 1)
        for position in range(1, per_learner + 1):
            question = rng.choice(questions)
            right = rng.random() < 1 / (1 + math.exp(question.difficulty - ability))
            given = simulated_answer(question, rng, right)
            grade = question.grade(given)
            item_id = len(items) + 1
            items.append((item_id, session.pk, position, question.pk, "[]", "", "", False))
            answers.append(
                (
                    learner.pk,
                    question.pk,
                    session.pk,
                    item_id,
                    json.dumps(given),
                    grade.score,
                    grade.correct,
                    json.dumps(grade.misconceptions),
                    int(rng.lognormvariate(9.5, 0.5)),
                    now,
                )
            )
    # Plain executemany: the ORM's per-object cost would make seeding the slow part.
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO practice_sessionitem (id, session_id, position, question_id,"
            " choice_order, reason, reason_topic, probe) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            items,
        )
        cursor.executemany(
            "INSERT INTO practice_answer (learner_id, question_id, session_id, item_id,"
            " given, score, correct, misconceptions, time_taken_ms, answered_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            answers,
        )
    return group.pk


def _timed(client, url: str, rounds: int) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), len(queries), len(response.content)


def measure(group_pk: int, rounds: int) -> dict:
    from django.test import Client

    from quizapp.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-trainer"))
    minimal, _q, _size = _timed(client, "/bench/minimal/", rounds * 20)
    cold, cold_queries, _size = _timed(client, "/item-analysis/?fresh=1", 3)
    cold_group, _q, _size = _timed(client, f"/item-analysis/?group={group_pk}&fresh=1", 3)
    everyone, everyone_queries, _size = _timed(client, "/item-analysis/", rounds)
    group, group_queries, size = _timed(client, f"/item-analysis/?group={group_pk}", rounds)
    return {
        "cold_everyone_ms": round(cold * 1000, 1),
        "cold_group_ms": round(cold_group * 1000, 1),
        "ratio_cold_everyone": round(cold / minimal, 1),
        "ratio_cold_group": round(cold_group / minimal, 1),
        "queries_cold": cold_queries,
        "minimal_view_ms": round(minimal * 1000, 3),
        "item_analysis_everyone_ms": round(everyone * 1000, 1),
        "item_analysis_group_ms": round(group * 1000, 1),
        "ratio_everyone": round(everyone / minimal, 1),
        "ratio_group": round(group / minimal, 1),
        "queries_everyone": everyone_queries,
        "queries_group": group_queries,
        "page_kib": round(size / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        started = time.perf_counter()
        group_pk = seed(args.learners, args.answers)
        seeded = time.perf_counter() - started
        result = {"learners": args.learners, "answers": args.answers, "seed_s": round(seeded, 1)}
        result |= measure(group_pk, args.rounds)
    if args.json:
        print(json.dumps(result))
        return
    for name, value in result.items():
        print(f"{name:>26}: {value}")


if __name__ == "__main__":
    main()
