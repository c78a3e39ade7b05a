"""Time to pick the next item with 10,000 items and 5,000 answers of history.

Reported as a ratio to a minimal Django view measured in the same run, both
through the test client and the whole middleware stack. The timed request is
the one that asks the engine for a new question (GET after an answer).
    .venv/bin/python benchmarks/pick_next.py [--items 10000] [--history 5000] [--rounds 100]
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.quiz_flow import seed, setup_django


def give_history(username: str, answers: int) -> None:
    """Let one trainee answer `answers` questions through the real services."""
    from django.http import QueryDict

    from quizapp.accounts.models import User
    from quizapp.bank.specs import parse_answer
    from quizapp.practice.models import Learner, PracticeSession
    from quizapp.practice.services import record_answer, serve_next, start_session

    learner = Learner.objects.create(user=User.objects.create_user(username, password="x"))
    done = 0
    while done < answers:
        session = start_session(learner=learner, scope="course", size=60)
        session = PracticeSession.objects.select_related("learner__model").get(pk=session.pk)
        served = []
        while (item := serve_next(session=session, served=served)) is not None and done < answers:
            served.append(item.question_id)
            data = QueryDict("choice=0")
            given = parse_answer(item.question.type, item.question.spec, item.choice_order, data)
            record_answer(item=item, given=given)
            session.learner.refresh_from_db()
            done += 1


def measure(username: str, rounds: int) -> dict:
    from django.test import Client

    from quizapp.accounts.models import User
    from quizapp.practice.models import PracticeSession

    client = Client()
    client.force_login(User.objects.get(username=username))
    hx = {"HX-Request": "true"}
    minimal, picks = [], []
    client.post("/practice/", {"scope": "course", "size": 60})
    for _ in range(rounds):
        session = PracticeSession.objects.filter(learner__user__username=username).first()
        item = session.items.filter(answer__isnull=True).first()
        if item is None:
            client.post("/practice/", {"scope": "course", "size": 60})
            session = PracticeSession.objects.filter(learner__user__username=username).first()
            client.get(session.get_absolute_url(), headers=hx)
            continue
        client.post(f"/practice/{session.pk}/answer/{item.position}/", {"choice": "0"}, headers=hx)
        started = time.perf_counter()
        client.get("/bench/minimal/")
        minimal.append(time.perf_counter() - started)
        started = time.perf_counter()
        client.get(session.get_absolute_url(), headers=hx)  # asks the engine for a new item
        picks.append(time.perf_counter() - started)
    return {
        "minimal_view_ms": round(statistics.median(minimal) * 1000, 3),
        "pick_next_request_ms": round(statistics.median(picks) * 1000, 3),
        "ratio": round(statistics.median(picks) / statistics.median(minimal), 2),
        "samples": len(picks),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        seed(args.items, answers=0)
        started = time.perf_counter()
        give_history("bench-history", args.history)
        result = {
            "items": args.items,
            "history": args.history,
            "history_s": round(time.perf_counter() - started, 1),
        }
        result |= measure("bench-history", args.rounds)
    if args.json:
        print(json.dumps(result))
        return
    for name, value in result.items():
        print(f"{name:>22}: {value}")


if __name__ == "__main__":
    main()
