"""The group dashboard's numbers: one row per trainee, a fixed number of queries.

Every figure is a SQL aggregate (reviews, lab checks) or read from the
per-learner summaries that each answer's transaction keeps (`MasteryDay`: the
latest day's mastery and readiness, answers per day; `HeldMisconception`): the
answers table is never read, let alone row by row.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from course.models import Topic
from quizapp.adaptive.engine import LearnerState
from quizapp.adaptive.mastery import TopicMastery, topic_mastery
from quizapp.adaptive.models import ReviewCard
from quizapp.adaptive.services import LAB_PASS, new_engine
from quizapp.groups.models import MasteryDay
from quizapp.groups.readiness import BANDS, readiness_band
from quizapp.lab.models import LabRun
from quizapp.practice.models import Learner

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
    band: str = ""
    by_topic: dict = field(default_factory=dict)
    # (cell, heat-map classes, "n answers"), worded once here: a template tag per cell
    # costs more than the whole computation on a big group.
    shown: list = field(default_factory=list)

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
    days = _days(learners.values(), timezone.localdate(now))
    overdue = dict(
        ReviewCard.objects.filter(learner__user__in=user_ids, due__lte=now)
        .values("learner_id")
        .annotate(n=Count("pk"))
        .values_list("learner_id", "n")
    )
    labs = _lab_activity(user_ids)
    blank = topic_mastery(new_engine(), LearnerState(), topics)  # nobody has answered yet
    tips = {}
    rows = []
    for trainee in trainees:
        learner_id = learners.get(trainee.pk)
        day = days.get(learner_id, {})
        cells = _cells(topics, day.get("topics") or {}, blank)
        lab = labs.get(trainee.pk, {})
        ready = day.get("readiness")
        rows.append(
            TraineeRow(
                trainee=trainee,
                cells=cells,
                answers=day.get("total") or 0,
                last_activity=_latest(day.get("last"), lab.get("last")),
                week_answers=day.get("week") or 0,
                overdue=overdue.get(learner_id, 0),
                lab_passed=lab.get("passed", 0),
                readiness=ready,
                band=readiness_band(ready),
                by_topic={cell.slug: cell for cell in cells},
                shown=[(cell, heat_tone(cell), _tip(cell.answers, tips)) for cell in cells],
            )
        )
    return topics, rows


def _tip(answers: int, known: dict) -> str:
    if answers not in known:
        known[answers] = ngettext("%(n)s answer", "%(n)s answers", answers) % {"n": answers}
    return known[answers]


FEW_ANSWERS = 3  # below this a cell is hatched: the estimate rests on too little


def heat_tone(cell) -> str:
    """Return the heat-map classes of a cell: its band, and "heat-few" when answers are few."""
    if cell.answers == 0:
        return "heat-none"
    band = "high" if cell.percent >= 80 else "mid" if cell.percent >= 50 else "low"
    return f"heat-{band} heat-few" if cell.answers < FEW_ANSWERS else f"heat-{band}"


def _days(learner_ids, today) -> dict:
    """Return, per learner, their latest day's mastery and their answer counts, in 2 queries.

    "The last 7 days" are today and the six days before it, in local time.
    """
    ids = list(learner_ids)
    totals = (
        MasteryDay.objects.filter(learner__in=ids)
        .values("learner_id")
        .annotate(
            total=Sum("answers"),
            week=Sum("answers", filter=Q(day__gt=today - WEEK)),
            last=Max("last_at"),
        )
    )
    found = {row["learner_id"]: row for row in totals}
    latest_day = (
        MasteryDay.objects.filter(learner=OuterRef("learner")).order_by("-day").values("day")[:1]
    )
    latest = MasteryDay.objects.filter(learner__in=ids, day=Subquery(latest_day)).values_list(
        "learner_id", "topics", "readiness"
    )
    for learner_id, topics, ready in latest:
        found[learner_id] |= {"topics": topics, "readiness": ready}
    return found


def _cells(topics, snapshot: dict, blank: list[TopicMastery]) -> list[TopicMastery]:
    cells = []
    for topic, empty in zip(topics, blank, strict=True):
        stored = snapshot.get(topic.slug)
        if stored is None or len(stored) < 3:
            cells.append(empty)
        else:
            percent, answers, level = stored[:3]
            # Days stored before the uncertainty band was kept have no band: the point alone.
            low, high = stored[3:5] if len(stored) >= 5 else (percent, percent)
            cells.append(TopicMastery(topic.slug, topic.name, percent, low, high, level, answers))
    return cells


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
