"""The periodic closing of attempts whose deadline passed while nobody was looking.

Reads close attempts too (`services.close_if_over`); this task makes sure the results,
the learner model and the live monitor catch up with trainees who never came back.
"""

from django.tasks import task

from quizapp.exams import clock, services


@task
def close_overdue_attempts() -> int:
    """Close every open attempt past its deadline; return how many were closed."""
    return services.close_overdue(now=clock.now())
