"""The end of a session: score per topic and the misconceptions to review."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from quizapp.bank.models import Misconception


@dataclass(frozen=True)
class TopicScore:
    name: str
    answered: int
    percent: int


@dataclass(frozen=True)
class ToReview:
    label: str
    count: int


def topic_scores(items) -> list[TopicScore]:
    """Return the mean score per main topic of the answered items, in percent."""
    scores = defaultdict(list)
    names = {}
    for item in items:
        if hasattr(item, "answer"):
            topic = item.question.main_topic
            names[topic.pk] = topic.name
            scores[topic.pk].append(item.answer.score)
    return [
        TopicScore(names[pk], len(values), round(100 * sum(values) / len(values)))
        for pk, values in scores.items()
    ]


def misconceptions_to_review(items) -> list[ToReview]:
    """Return the misconceptions the wrong answers showed, most frequent first."""
    counts = Counter(
        tag for item in items if hasattr(item, "answer") for tag in item.answer.misconceptions
    )
    labels = {m.slug: m.label for m in Misconception.objects.filter(slug__in=counts)}
    return [ToReview(labels.get(slug, slug), count) for slug, count in counts.most_common()]


@dataclass
class Paragraph:
    title: str
    heading: str
    url: str
    missed: int = 1
    order: int = 0


def paragraphs_to_reread(items) -> list[Paragraph]:
    """Return the course paragraphs behind the questions missed, each once, in course order.

    Two missed questions on one paragraph give one line that says so; two paragraphs of
    one section are told apart by their own headings (the page groups them by section).
    """
    paragraphs: dict[str, Paragraph] = {}
    for item in items:
        question = item.question
        if hasattr(item, "answer") and not item.answer.correct and question.section_id:
            url = question.course_url()
            if url in paragraphs:
                paragraphs[url].missed += 1
            else:
                heading = question.section.paragraph_title(question.anchor)
                section = question.section
                paragraphs[url] = Paragraph(section.title, heading, url, order=section.order)
    return sorted(paragraphs.values(), key=lambda p: p.order)
