"""Exams given to a group: the window, extra time for named trainees, the live monitor."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from quizapp.exams import services
from quizapp.exams.models import Assignment, Attempt, ExtraTime


class OutsideWindow(services.ExamError):
    def __init__(self):
        super().__init__(_("This exam is not open now: look at its opening and closing dates."))


def give_exam(*, trainer, exam, group, opens_at, closes_at, hide_review=False) -> Assignment:
    return Assignment.objects.create(
        exam=exam, group=group, opens_at=opens_at, closes_at=closes_at,
        hide_review=hide_review, created_by=trainer,
    )  # fmt: skip


@transaction.atomic
def grant_extra_time(*, trainer, assignment, trainee, minutes: int) -> None:
    """Give a trainee extra minutes; 0 takes them back. Kept with who granted them."""
    if minutes:
        ExtraTime.objects.update_or_create(
            assignment=assignment,
            trainee=trainee,
            defaults={"minutes": minutes, "granted_by": trainer},
        )
    else:
        ExtraTime.objects.filter(assignment=assignment, trainee=trainee).delete()


def for_trainee(user):
    """Return the exams given to the groups `user` belongs to, latest window first."""
    return Assignment.objects.filter(group__trainees=user).select_related("exam", "group")


def start_given(*, assignment, user, now) -> Attempt:
    """Start (or resume) the trainee's attempt on an exam given to their group."""
    current = Attempt.objects.open().filter(assignment=assignment, user=user).first()
    if current is not None and not services.close_if_over(current, now=now):
        return current
    if not assignment.is_open_at(now):
        raise OutsideWindow
    extra = ExtraTime.objects.filter(assignment=assignment, trainee=user).first()
    return services.start_attempt(
        exam=assignment.exam, user=user, now=now, extra_minutes=extra.minutes if extra else 0,
        closes_at=assignment.closes_at, assignment=assignment,
    )  # fmt: skip


@dataclass(frozen=True)
class MonitorRow:
    trainee: object
    attempt: Attempt | None
    answered: int
    total: int
    seconds_left: int | None
    extra_minutes: int

    @property
    def done(self) -> bool:
        return self.attempt is not None and not self.attempt.is_open

    @property
    def minutes_left(self) -> int | None:
        return None if self.seconds_left is None else -(-self.seconds_left // 60)


def monitor(assignment, *, now) -> list[MonitorRow]:
    """Return each trainee's state on the given exam, closing attempts past their deadline."""
    overdue = assignment.attempts.open().filter(deadline__lte=now)
    for attempt in overdue.select_related("exam"):
        services.close_if_over(attempt, now=now)
    attempts = {
        a.user_id: a
        for a in assignment.attempts.annotate(
            answered=Count("items", filter=Q(items__given__isnull=False)),
            total=Count("items"),
        ).order_by("started_at")
    }
    extra = dict(assignment.extra_times.values_list("trainee_id", "minutes"))
    rows = []
    for trainee in assignment.group.trainees.order_by("username"):
        attempt = attempts.get(trainee.pk)
        left = attempt.seconds_left(now) if attempt and attempt.is_open else None
        rows.append(
            MonitorRow(
                trainee,
                attempt,
                attempt.answered if attempt else 0,
                attempt.total if attempt else 0,
                left,
                extra.get(trainee.pk, 0),
            )
        )
    return rows


def all_done(assignment, rows, *, now) -> bool:
    """Return True when polling can stop: everyone has finished, or the window is over."""
    if now >= assignment.closes_at and not any(r.attempt and r.attempt.is_open for r in rows):
        return True
    return bool(rows) and all(row.done for row in rows)
