"""The group's picture above the dashboard: topics, misconceptions held now, who went quiet."""

from dataclasses import dataclass

from django.db.models import Count

from quizapp.bank.models import Misconception, Question
from quizapp.groups.models import HeldMisconception

TOP_MISCONCEPTIONS = 5


@dataclass(frozen=True)
class TopicBar:
    slug: str
    name: str
    percent: int | None
    trainees: int  # how many trainees have answered on the topic


def topic_bars(topics, rows) -> list[TopicBar]:
    """Return the mean mastery per topic over the trainees who answered on it."""
    bars = []
    for topic in topics:
        seen = [
            row.by_topic[topic.slug].percent for row in rows if row.by_topic[topic.slug].answers
        ]
        mean = round(sum(seen) / len(seen)) if seen else None
        bars.append(TopicBar(topic.slug, topic.name, mean, len(seen)))
    return bars


@dataclass(frozen=True)
class HeldNow:
    slug: str
    label: str
    trainees: int
    items: list  # (question, trainees holding it on that item)


def misconceptions_held(group) -> list[HeldNow]:
    """Return the misconceptions most of the group's trainees hold now, with their items."""
    held = HeldMisconception.objects.filter(held=True, learner__user__memberships__group=group)
    top = list(
        held.values("misconception")
        .annotate(trainees=Count("learner", distinct=True))
        .order_by("-trainees", "misconception")[:TOP_MISCONCEPTIONS]
    )
    slugs = [row["misconception"] for row in top]
    per_item = (
        held.filter(misconception__in=slugs)
        .values("misconception", "question_id")
        .annotate(trainees=Count("learner", distinct=True))
        .order_by("-trainees")
    )
    per_item = list(per_item)
    questions = Question.objects.select_related("section").in_bulk(
        {row["question_id"] for row in per_item}
    )
    labels = {m.slug: m.label for m in Misconception.objects.filter(slug__in=slugs)}
    return [
        HeldNow(
            slug=row["misconception"],
            label=labels.get(row["misconception"], row["misconception"]),
            trainees=row["trainees"],
            items=[
                (questions[item["question_id"]], item["trainees"])
                for item in per_item
                if item["misconception"] == row["misconception"]
            ],
        )
        for row in top
    ]


def gone_quiet(rows, now) -> list:
    """Return the rows of trainees with no answer and no lab check for a week."""
    return [row for row in rows if row.inactive_since(now)]
