"""One trainee seen by their trainer: mastery over time, misconceptions, sessions, lab checks."""

from django.db.models import Avg, Count, IntegerField, Max, Sum
from django.db.models.functions import Cast

from course.models import Topic
from quizapp.adaptive.services import progress_for
from quizapp.bank.models import Misconception
from quizapp.groups.charts import mastery_chart
from quizapp.groups.models import HeldMisconception, MasteryDay
from quizapp.groups.readiness import revision_plan
from quizapp.lab.models import LabRun
from quizapp.practice.models import Learner

RECENT = 20
MOST_HIT = 8


def trainee_report(trainee, *, group) -> dict:
    """Return what the trainee page shows (a fixed number of queries, whatever the history)."""
    learner = Learner.objects.filter(user=trainee).first()
    progress = progress_for(learner)
    topics = list(Topic.objects.all())
    days = MasteryDay.objects.filter(learner=learner) if learner else []
    sessions = []
    if learner:
        sessions = (
            learner.sessions.select_related("topic", "section")
            .annotate(
                answered=Count("answers"),
                mean_score=Avg("answers__score"),
                last_answer=Max("answers__answered_at"),
            )
            .filter(answered__gt=0)[:RECENT]
        )
    return {
        "progress": progress,
        "plan": revision_plan(
            progress=progress, learner=learner, assessment_date=group.assessment_date
        ),
        "chart": mastery_chart(days, topics),
        "most_hit": most_hit_misconceptions(learner),
        "sessions": sessions,
        "lab_runs": LabRun.objects.filter(user=trainee).select_related("lab")[:RECENT],
    }


def most_hit_misconceptions(learner) -> list[dict]:
    """Return the learner's misconceptions by times chosen, with whether one is still held."""
    if learner is None:
        return []
    rows = list(
        HeldMisconception.objects.filter(learner=learner)
        .values("misconception")
        .annotate(
            hits=Sum("hits"), held=Max(Cast("held", IntegerField())), last_seen=Max("last_seen")
        )
        .order_by("-hits", "misconception")[:MOST_HIT]
    )
    labels = {
        m.slug: m.label
        for m in Misconception.objects.filter(slug__in=[r["misconception"] for r in rows])
    }
    for row in rows:
        row["label"] = labels.get(row["misconception"], row["misconception"])
    return rows
