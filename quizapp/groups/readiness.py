"""Readiness with a date: days to the assessment and what to revise first before it."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from course.models import Topic
from quizapp.adaptive.models import ReviewCard

BANDS = {
    "ready": _("ready"),
    "probably": _("probably ready"),
    "early": _("too early to say"),
    "not": _("not ready yet"),
    "unknown": _("not enough answers"),
}
WEAKEST = 3


def readiness_band(probability: float | None) -> str:
    """Return the readiness band of a probability, with the thresholds mastery.py words."""
    if probability is None:
        return "unknown"
    if probability >= 0.9:
        return "ready"
    if probability >= 0.7:
        return "probably"
    if probability > 0.3:
        return "early"
    return "not"


def countdown_words(assessment_date: datetime.date, today: datetime.date) -> str:
    """Return « évaluation dans 9 jours » and its neighbours, in the active language."""
    days = (assessment_date - today).days
    if days < 0:
        return str(_("The assessment took place on %(date)s.")) % {
            "date": assessment_date.strftime("%d/%m/%Y")
        }
    if days == 0:
        return str(_("Assessment today."))
    return ngettext("Assessment in %(n)s day.", "Assessment in %(n)s days.", days) % {"n": days}


@dataclass(frozen=True)
class RevisionPlan:
    countdown: str
    days_left: int
    weakest: list  # (TopicMastery, topic pk): the practice form takes the pk
    reviews_before: int


def revision_plan(*, progress, learner, assessment_date, today=None) -> RevisionPlan | None:
    """Return what a trainee should revise before the date: weakest topics, reviews due by then.

    Weakest topics are those not yet mastered, lowest mastery first (a topic
    never answered counts as the weakest: nothing is known of it).
    """
    if assessment_date is None:
        return None
    today = today or timezone.localdate()
    open_topics = [row for row in progress.topics if row.level != "mastered"]
    weakest = sorted(open_topics, key=lambda row: (row.answers > 0, row.percent))[:WEAKEST]
    pks = dict(
        Topic.objects.filter(slug__in=[row.slug for row in weakest]).values_list("slug", "pk")
    )
    end_of_day = timezone.make_aware(datetime.datetime.combine(assessment_date, datetime.time.max))
    reviews = (
        ReviewCard.objects.filter(learner=learner, due__lte=end_of_day).count() if learner else 0
    )
    return RevisionPlan(
        countdown=countdown_words(assessment_date, today),
        days_left=(assessment_date - today).days,
        weakest=[(row, pks.get(row.slug)) for row in weakest],
        reviews_before=reviews,
    )
