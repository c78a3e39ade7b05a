"""The trainer's pages on a big group, as ratios to a minimal Django view in the same run.

Seeds a throw-away SQLite database with the shipped course and bank, one group
of 500 trainees and 200,000 answers (with the summaries the answer's
transaction keeps: learner models, days of mastery, held misconceptions, review
cards), then times through the same middleware stack:
  - a minimal view (returns "ok"),
  - the group dashboard, a trainee's page (about 400 answers of history),
  - the item analysis page, when the project has one (issue 10, other branch),
and counts each page's SQL queries. Targets: dashboard within 150x the minimal
view, item analysis within 300x. Usage:
    .venv/bin/python benchmarks/dashboard.py [--trainees 500] [--answers 200000] [--rounds 15]
"""

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.quiz_flow import setup_django  # noqa: E402

DAYS = 30
SESSION = 20


def _precomputed_answers(questions, rng):
    """Return, per question, a right and a wrong canonical answer with their grades."""
    from quizapp.groups.demo import simulated_answer

    table = {}
    for q in questions:
        right = simulated_answer(q, right=True, rng=rng)
        wrong = simulated_answer(q, right=False, rng=rng)
        table[q.pk] = ((right, q.grade(right)), (wrong, q.grade(wrong)))
    return table


def seed(trainees: int, answers: int) -> dict:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from quizapp.accounts.models import User
    from quizapp.adaptive.engine import PRACTICE, LearnerState
    from quizapp.adaptive.models import LearnerModel, ReviewCard
    from quizapp.adaptive.services import engine_for, new_engine
    from quizapp.bank.models import Question
    from quizapp.groups import services
    from quizapp.groups.history import mastery_snapshot
    from quizapp.groups.models import HeldMisconception, MasteryDay, Membership
    from quizapp.practice.models import Answer, Learner, PracticeSession, SessionItem

    call_command("load_course", verbosity=0)
    call_command("load_questions", verbosity=0)
    rng = random.Random(10)
    questions = list(Question.objects.published().select_related("main_topic", "stat"))
    graded = _precomputed_answers(questions, rng)
    rows = list(Question.objects.published().values_list(*_candidate_fields()))
    trainer = User.objects.create_user("trainer", role=User.Role.TRAINER)
    group = services.create_group(trainer=trainer, name="Big group")
    users = User.objects.bulk_create(
        User(username=f"t{n:04d}", role=User.Role.TRAINEE) for n in range(trainees)
    )
    Membership.objects.bulk_create(Membership(group=group, trainee=u) for u in users)
    learners = Learner.objects.bulk_create(Learner(user=u) for u in users)
    # Seeding writes history: let the answers keep the dates we give them.
    Answer._meta.get_field("answered_at").auto_now_add = False
    now = timezone.now()
    per_learner = answers // trainees
    for learner in learners:
        engine = engine_for(rows)  # each learner replays on the bank's priors
        with transaction.atomic():
            _seed_learner(
                learner, per_learner, engine, questions, graded, rng, now, LearnerState, PRACTICE
            )
    Answer._meta.get_field("answered_at").auto_now_add = True
    del new_engine, LearnerModel, ReviewCard, MasteryDay, HeldMisconception, mastery_snapshot
    del PracticeSession, SessionItem
    return {"group": group.pk, "trainer": trainer.pk, "trainee": users[0].pk}


def _candidate_fields():
    from quizapp.adaptive.services import CANDIDATE_FIELDS

    return CANDIDATE_FIELDS


def _seed_learner(learner, count, engine, questions, graded, rng, now, LearnerState, PRACTICE):
    from course.models import Topic
    from quizapp.adaptive.models import LearnerModel, ReviewCard
    from quizapp.groups.history import mastery_snapshot
    from quizapp.groups.models import HeldMisconception, MasteryDay
    from quizapp.practice.models import Answer, PracticeSession, SessionItem

    topics = list(Topic.objects.all())
    ability = rng.gauss(0.2, 1.0)
    state = LearnerState()
    start = now - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / max(count, 1)
    days, held, cards, on_item = {}, {}, {}, {}
    pending_answers = []
    for first in range(0, count, SESSION):
        when = start + step * first
        session = PracticeSession.objects.create(learner=learner, scope="course", size=SESSION)
        PracticeSession.objects.filter(pk=session.pk).update(created_at=when)
        engine.start_session(state, PRACTICE, when.timestamp())
        chosen = rng.sample(questions, min(SESSION, count - first))
        items = SessionItem.objects.bulk_create(
            SessionItem(session=session, position=p, question=q, choice_order=[], served_at=when)
            for p, q in enumerate(chosen, start=1)
        )
        for offset, (item, q) in enumerate(zip(items, chosen, strict=True)):
            moment = when + step * offset
            right = rng.random() < 1 / (1 + math.exp(-(ability - q.difficulty)))
            given, grade = graded[q.pk][0 if right else 1]
            predicted = engine.record(state, q.pk, grade.correct, moment.timestamp())
            pending_answers.append(
                Answer(
                    learner=learner,
                    question=q,
                    session=session,
                    item=item,
                    given=given,
                    score=grade.score,
                    correct=grade.correct,
                    misconceptions=grade.misconceptions,
                    time_taken_ms=rng.randint(3000, 60000),
                    predicted=predicted,
                    rating=3 if grade.correct else 1,
                    answered_at=moment,
                )
            )
            for slug in grade.misconceptions:
                held.setdefault((slug, q.pk), [0, True, moment])[0] += 1
            for slug in on_item.setdefault(q.pk, set()) | set(grade.misconceptions):
                held[slug, q.pk][1:] = [slug in grade.misconceptions, moment]
                on_item[q.pk].add(slug)
            cards[q.pk] = moment + timedelta(days=rng.uniform(-3, 10))
            day = days.setdefault(moment.date(), {"answers": 0})
            day["answers"] += 1
            day["last_at"] = moment
            if (moment + step).date() != moment.date() or first + offset == count - 1:
                day["topics"], day["readiness"] = mastery_snapshot(state, topics)  # day's end
    Answer.objects.bulk_create(pending_answers, batch_size=2000)
    LearnerModel.objects.create(
        learner=learner, state={"engine": state.to_dict(), "session": None}, answers=count
    )
    MasteryDay.objects.bulk_create(
        MasteryDay(learner=learner, day=day, **fields) for day, fields in days.items()
    )
    HeldMisconception.objects.bulk_create(
        HeldMisconception(
            learner=learner, misconception=slug, question_id=pk, hits=h, held=k, last_seen=w
        )
        for (slug, pk), (h, k, w) in held.items()
    )
    ReviewCard.objects.bulk_create(
        ReviewCard(learner=learner, question_id=pk, state=2, stability=5.0, difficulty=5.0, due=due)
        for pk, due in cards.items()
    )


def _item_analysis_url(group_pk):
    """Return the item analysis page over the group if this checkout has one, else None."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("itemanalysis:page") + f"?group={group_pk}"
    except NoReverseMatch:
        return None


def measure(ids: dict, rounds: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from quizapp.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=ids["trainer"]))
    pages = {
        "dashboard": f"/groups/{ids['group']}/",
        "trainee_page": f"/groups/{ids['group']}/trainees/{ids['trainee']}/",
    }
    analysis = _item_analysis_url(ids["group"])
    if analysis:
        pages["item_analysis_kept"] = analysis  # figures kept in the cache (10 minutes)
        pages["item_analysis_cold"] = analysis  # the cache cleared before every request
    result = {"item_analysis_url": analysis or "not in this checkout"}
    for name, url in pages.items():
        cold = name.endswith("_cold")
        assert client.get(url).status_code == 200, url  # warm-up, and it must work
        connection.queries_log.clear()  # a full log (9,000 entries) would count nothing
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        minimal, timed = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            client.get("/bench/minimal/")
            minimal.append(time.perf_counter() - started)
            if cold:
                cache.clear()
            started = time.perf_counter()
            status = client.get(url).status_code
            timed.append(time.perf_counter() - started)
            assert status == 200, (url, status)
        base = statistics.median(minimal)
        result[name] = {
            "median_ms": round(statistics.median(timed) * 1000, 1),
            "minimal_ms": round(base * 1000, 3),
            "ratio": round(statistics.median(timed) / base, 1),
            "queries": len(queries),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=500)
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        started = time.perf_counter()
        ids = seed(args.trainees, args.answers)
        result = {
            "trainees": args.trainees,
            "answers": args.answers,
            "seed_s": round(time.perf_counter() - started, 1),
        }
        result |= measure(ids, args.rounds)
    if args.json:
        print(json.dumps(result))
        return
    for name, value in result.items():
        print(f"{name:>18}: {value}")


if __name__ == "__main__":
    main()
