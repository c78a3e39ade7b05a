from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command

from quizapp.exams import services
from quizapp.exams.models import Attempt
from quizapp.exams.tasks import close_overdue_attempts
from tests.exams.conftest import START

pytestmark = pytest.mark.django_db


def test_the_deadline_is_start_plus_duration_plus_extra_time():
    deadline = services.deadline_for(
        started_at=START, duration=timedelta(minutes=30), extra_minutes=10
    )
    assert deadline == START + timedelta(minutes=40)


def test_a_window_that_closes_first_ends_the_attempt_extra_time_added():
    closes = START + timedelta(minutes=20)
    plain = services.deadline_for(
        started_at=START, duration=timedelta(minutes=30), closes_at=closes
    )
    extra = services.deadline_for(
        started_at=START, duration=timedelta(minutes=30), extra_minutes=5, closes_at=closes
    )
    assert plain == closes
    assert extra == closes + timedelta(minutes=5)


def test_one_open_attempt_per_trainee_and_exam(trainee, fixed_exam):
    first = services.start_attempt(exam=fixed_exam, user=trainee, now=START)
    second = services.start_attempt(exam=fixed_exam, user=trainee, now=START + timedelta(minutes=1))
    assert first.pk == second.pk
    assert Attempt.objects.count() == 1


def test_after_the_deadline_a_new_start_closes_the_old_attempt_and_opens_another(
    trainee, fixed_exam
):
    first = services.start_attempt(exam=fixed_exam, user=trainee, now=START)
    later = START + timedelta(minutes=31)
    second = services.start_attempt(exam=fixed_exam, user=trainee, now=later)
    first.refresh_from_db()
    assert first.status == Attempt.Status.TIMED_OUT
    assert second.pk != first.pk and second.is_open


def test_reading_an_attempt_past_its_deadline_closes_it_at_the_deadline(trainee, fixed_exam):
    attempt = services.start_attempt(exam=fixed_exam, user=trainee, now=START)
    assert not services.close_if_over(attempt, now=START + timedelta(minutes=29, seconds=59))
    assert services.close_if_over(attempt, now=START + timedelta(hours=5))
    assert attempt.status == Attempt.Status.TIMED_OUT
    assert attempt.finished_at == START + timedelta(minutes=30)
    assert attempt.score == 0.0 and attempt.passed is False


def test_the_periodic_task_closes_attempts_nobody_came_back_to(
    trainee, other_trainee, fixed_exam, clock
):
    gone = services.start_attempt(exam=fixed_exam, user=trainee, now=START)
    clock.advance(minutes=20)
    still = services.start_attempt(exam=fixed_exam, user=other_trainee, now=clock())
    clock.advance(minutes=15)
    assert close_overdue_attempts.call() == 1
    assert "quizapp.exams.tasks.close_overdue_now" in settings.PERIODIC_JOBS
    gone.refresh_from_db()
    still.refresh_from_db()
    assert gone.status == Attempt.Status.TIMED_OUT
    assert still.is_open


def test_the_closing_command_runs_the_task(trainee, fixed_exam, clock, capsys):
    attempt = services.start_attempt(exam=fixed_exam, user=trainee, now=START)
    clock.advance(hours=1)
    call_command("close_overdue_attempts")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.TIMED_OUT
    assert "1 closed" in capsys.readouterr().out


def test_a_second_submit_records_nothing_more(trainee, fixed_exam):
    attempt = services.start_attempt(exam=fixed_exam, user=trainee, now=START)
    assert services.submit(attempt=attempt, now=START + timedelta(minutes=5))
    again = Attempt.objects.get(pk=attempt.pk)
    assert not services.submit(attempt=again, now=START + timedelta(minutes=6))
    again.refresh_from_db()
    assert again.finished_at == START + timedelta(minutes=5)
    assert again.practice_session is None  # nothing answered: no evidence passed on


def test_the_shipped_exams_cover_every_topic(exam_bank):
    call_command("load_exams")
    call_command("load_exams")  # twice: it refreshes, never duplicates
    from course.models import Topic
    from quizapp.exams.models import Exam

    exam = Exam.objects.get(slug="examen-blanc-cp1-03-01")
    assert exam.title_fr == "Examen blanc CP1-03-01"
    assert exam.rules.count() == Topic.objects.count()
    assert Exam.objects.shipped().filter(form="adaptive").count() == 1
