"""The periodic closing of attempts whose deadline passed while nobody was looking.

Reads close attempts too (`services.close_if_over`); this task makes sure the results,
the learner model and the live monitor catch up with trainees who never came back.
"""

from django.tasks import task

from quizapp.exams import clock, services


def close_overdue_now() -> int:
    """Close every open attempt past its deadline; return how many were closed.

    One of the worker's periodic jobs (settings.PERIODIC_JOBS), so attempts nobody
    comes back to close within PERIODIC_INTERVAL of their deadline.
    """
    return services.close_overdue(now=clock.now())


@task
def close_overdue_attempts() -> int:
    """The same, as a task, for a scheduler that enqueues work rather than running it."""
    return close_overdue_now()
