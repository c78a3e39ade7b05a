"""The group dashboard's numbers: one row per trainee, a fixed number of queries.

Every figure is a SQL aggregate (answers, reviews, lab checks) or read from a
per-learner summary that the answer's transaction keeps (the engine's learner
model, held misconceptions): the answers table is never read row by row.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from course.models import Topic
from quizapp.adaptive.mastery import TopicMastery, readiness, topic_mastery
from quizapp.adaptive.models import LearnerModel, ReviewCard
from quizapp.adaptive.services import LAB_PASS, learner_state, new_engine
from quizapp.groups.readiness import BANDS, readiness_band
from quizapp.lab.models import LabRun
from quizapp.practice.models import Answer, Learner

WEEK = timedelta(days=7)
LAB_EXERCISES = len(LabRun.Kind.choices)


@dataclass
class TraineeRow:
    trainee: object
    cells: list[TopicMastery]
    answers: int = 0
    last_activity: datetime | None = None
    week_answers: int = 0
    overdue: int = 0
    lab_passed: int = 0
    readiness: float | None = None
    readiness_words: str = ""
    band: str = ""
    by_topic: dict = field(default_factory=dict)

    @property
    def readiness_percent(self) -> int | None:
        return None if self.readiness is None else round(100 * self.readiness)

    @property
    def band_label(self) -> str:
        return str(BANDS[self.band])

    def inactive_since(self, now) -> bool:
        return self.last_activity is None or now - self.last_activity > WEEK


def trainee_rows(group, *, now, topics=None) -> tuple[list[Topic], list[TraineeRow]]:
    """Return the topics and one row per trainee of the group, in joining order."""
    topics = list(Topic.objects.all()) if topics is None else topics
    trainees = [m.trainee for m in group.memberships.select_related("trainee")]
    user_ids = [t.pk for t in trainees]
    learners = dict(Learner.objects.filter(user__in=user_ids).values_list("user_id", "pk"))
    states = dict(
        LearnerModel.objects.filter(learner__user__in=user_ids).values_list("learner_id", "state")
    )
    activity = _answer_activity(learners.values(), now)
    overdue = dict(
        ReviewCard.objects.filter(learner__user__in=user_ids, due__lte=now)
        .values("learner_id")
        .annotate(n=Count("pk"))
        .values_list("learner_id", "n")
    )
    labs = _lab_activity(user_ids)
    engine = new_engine()
    rows = []
    for trainee in trainees:
        learner_id = learners.get(trainee.pk)
        state = learner_state(_Profile(states.get(learner_id)))
        cells = topic_mastery(engine, state, topics)
        ready = readiness(engine, state)
        answered = activity.get(learner_id, {})
        lab = labs.get(trainee.pk, {})
        row = TraineeRow(
            trainee=trainee,
            cells=cells,
            answers=answered.get("total", 0),
            last_activity=_latest(answered.get("last"), lab.get("last")),
            week_answers=answered.get("week", 0),
            overdue=overdue.get(learner_id, 0),
            lab_passed=lab.get("passed", 0),
            readiness=ready.probability,
            readiness_words=ready.words,
            band=readiness_band(ready.probability),
            by_topic={cell.slug: cell for cell in cells},
        )
        rows.append(row)
    return topics, rows


class _Profile:
    """Just enough of a LearnerModel for `learner_state`, from its stored JSON."""

    def __init__(self, state):
        self.state = state or {}


def _answer_activity(learner_ids, now) -> dict:
    rows = (
        Answer.objects.filter(learner__in=list(learner_ids))
        .values("learner_id")
        .annotate(
            total=Count("pk"),
            last=Max("answered_at"),
            week=Count("pk", filter=Q(answered_at__gt=now - WEEK)),
        )
    )
    return {row["learner_id"]: row for row in rows}


def _lab_activity(user_ids) -> dict:
    rows = (
        LabRun.objects.filter(user__in=user_ids)
        .values("user_id")
        .annotate(
            last=Max("created_at"),
            passed=Count("kind", distinct=True, filter=Q(grade__gte=LAB_PASS)),
        )
    )
    return {row["user_id"]: row for row in rows}


def _latest(*moments):
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def sort_rows(rows: list[TraineeRow], key: str) -> list[TraineeRow]:
    """Sort rows by a column key ("name", "-week", "t:pop3-imap"...); unknown keys sort by name."""
    descending = key.startswith("-")
    column = key.lstrip("-")
    getter = SORTERS.get(column)
    if getter is None and column.startswith("t:"):
        slug = column[2:]

        def getter(row):
            cell = row.by_topic.get(slug)
            return (cell.answers > 0, cell.percent) if cell else (False, -1)

    if getter is None:
        getter = SORTERS["name"]
    ordered = sorted(rows, key=lambda row: row.trainee.get_username().lower())
    return sorted(ordered, key=getter, reverse=descending)


SORTERS = {
    "name": lambda row: row.trainee.get_username().lower(),
    "last": lambda row: row.last_activity.timestamp() if row.last_activity else float("-inf"),
    "week": lambda row: row.week_answers,
    "overdue": lambda row: row.overdue,
    "lab": lambda row: row.lab_passed,
    "ready": lambda row: -1.0 if row.readiness is None else row.readiness,
}
SORT_KEYS = ("name", "last", "week", "overdue", "lab", "ready")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    next_sort: str  # the sort a click asks for: this column, flipped if already sorted by it
    aria_sort: str  # "ascending", "descending" or "none"


def sort_columns(topics, sort: str) -> list[Column]:
    """Return the table's sortable columns, each with the link that sorts by it."""
    labels = [
        ("name", _("Trainee")),
        *((f"t:{topic.slug}", topic.name) for topic in topics),
        ("last", _("Last activity")),
        ("week", _("Answers, 7 days")),
        ("overdue", _("Reviews overdue")),
        ("lab", _("Lab exercises")),
        ("ready", _("Readiness")),
    ]
    columns = []
    for key, label in labels:
        if sort == key:
            columns.append(Column(key, label, f"-{key}", "ascending"))
        elif sort == f"-{key}":
            columns.append(Column(key, label, key, "descending"))
        else:
            first = key if key == "name" else f"-{key}"  # numbers: biggest first
            columns.append(Column(key, label, first, "none"))
    return columns
