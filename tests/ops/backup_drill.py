"""The backup drill, in a process of its own: `python -m tests.ops.backup_drill RESTORE_TARGET`.

Trainees answer in threads through the whole web stack while `backup` runs;
the backup is then restored into a fresh database (RESTORE_TARGET: a SQLite
file, or a postgres:// URL of an empty database) and read back. Prints one
JSON report: which acknowledged answers the restored database lacks.
Runs against a real database (a SQLite file in WAL mode under a temporary
FACTEUR_VAR_DIR, or DATABASE_URL), since pytest's in-memory one is private.
"""

import json
import os
import re
import sqlite3
import sys
import threading
import time

WRITERS = 4
ANSWERS_BEFORE = 20  # the backup starts once this many answers are acknowledged...
GOING_ON = 2.0  # ...and the class goes on answering this long after it ends
ANSWER_URL = re.compile(r"/practice/\d+/answer/(\d+)/")


def seed() -> None:
    from course.models import Course, Section, Topic
    from quizapp.bank.models import Question

    course = Course.objects.create(code="D", title_fr="D", summary_fr="D")
    topic = Topic.objects.create(slug="ports-security", name_fr="Ports")
    section = Section.objects.create(course=course, slug="s", order=1, title_fr="S", body_fr="x")
    spec = {"options": [{"key": k, "text": {"fr": k}, "correct": k == "a"} for k in "abcd"]}
    for number in range(60):
        question = Question.objects.create(
            key=f"q{number}",
            type="single",
            status="published",
            main_topic=topic,
            section=section,
            anchor="a",
            source="RFC 6409",
            text_fr=f"Q{number}",
            explanation_fr="E",
            spec=spec,
            difficulty=(number % 7 - 3) / 2,
            guess_options=4,
        )
        question.topics.add(topic)


def writer(username: str, stop: threading.Event, acknowledged: list) -> None:
    from django.db import connection
    from django.test import Client

    from quizapp.accounts.models import User
    from quizapp.practice.models import PracticeSession

    client = Client()
    client.force_login(User.objects.get(username=username))
    try:
        while not stop.is_set():
            client.post("/practice/", {"scope": "course", "size": 20})
            session = PracticeSession.objects.filter(learner__user__username=username).first()
            for _ in range(20):
                # The form's action names the item (the test client's captured
                # context is shared between threads, so it cannot be used here).
                page = client.get(session.get_absolute_url()).content.decode()
                found = ANSWER_URL.search(page)
                if found is None:
                    break
                url, position = found.group(0), int(found.group(1))
                if client.post(url, {"choice": "0"}).status_code == 302:  # acknowledged
                    acknowledged.append((time.monotonic(), session.pk, position))
                if stop.is_set():
                    return
    finally:
        connection.close()


def restored_answers(target: str) -> set[tuple[int, int]]:
    query = (
        "SELECT i.session_id, i.position FROM practice_answer a "
        "JOIN practice_sessionitem i ON i.id = a.item_id"
    )
    if target.startswith("postgres"):
        import psycopg

        with psycopg.connect(target) as db:
            return set(db.execute(query).fetchall())
    with sqlite3.connect(target) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return set(db.execute(query).fetchall())


def main() -> None:
    target = sys.argv[1]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizapp.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    from quizapp.accounts.models import User
    from quizapp.ops import backups

    seed()
    names = [f"trainee{n}" for n in range(WRITERS)]
    for name in names:
        User.objects.create_user(name)
    acknowledged, stop = [], threading.Event()
    threads = [threading.Thread(target=writer, args=(n, stop, acknowledged)) for n in names]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 90
    while len(acknowledged) < ANSWERS_BEFORE and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    files = backups.backup()
    finished = time.monotonic()
    time.sleep(GOING_ON)
    stop.set()
    for thread in threads:
        thread.join()
    before = {(s, p) for when, s, p in acknowledged if when < started}
    during = {(s, p) for when, s, p in acknowledged if started <= when < finished}
    after = {(s, p) for when, s, p in acknowledged if when >= finished}

    from django.db import connections

    connections["default"].settings_dict.update(_target_settings(target))
    backups.restore(path=files[0])
    restored = restored_answers(target)
    print(
        json.dumps(
            {
                "files": [str(f) for f in files],
                "backup_seconds": round(finished - started, 3),
                "acknowledged_before": len(before),
                "acknowledged_during": len(during),
                "acknowledged_after": len(after),
                "missing_before": sorted(before - restored),
                "restored": len(restored),
                "restored_after_backup": len(after & restored),
            }
        )
    )


def _target_settings(target: str) -> dict:
    if target.startswith("postgres"):
        import dj_database_url

        parsed = dj_database_url.parse(target)
        return {key: parsed[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    return {"NAME": target}


if __name__ == "__main__":
    main()
