"""The results of a closed attempt: score, topics against the blueprint, what to reread."""

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from quizapp.bank.models import Misconception
from quizapp.exams import presenting
from quizapp.exams.models import Attempt
from quizapp.practice.summary import Paragraph, ToReview


@dataclass(frozen=True)
class TopicRow:
    name: str
    planned: int
    asked: int
    answered: int
    percent: int


def topic_rows(attempt: Attempt, items) -> list[TopicRow]:
    """Return, per topic of the blueprint, the items planned, asked, answered and the score."""
    rows = []
    for rule in attempt.exam.rules.select_related("topic"):
        mine = [i for i in items if i.question.main_topic_id == rule.topic_id]
        scores = [i.score or 0.0 for i in mine]
        percent = round(100 * sum(scores) / len(scores)) if scores else 0
        answered = sum(1 for i in mine if i.answered)
        rows.append(TopicRow(rule.topic.name, rule.items, len(mine), answered, percent))
    return rows


def misconceptions(items) -> list[ToReview]:
    counts = Counter(tag for i in items for tag in (i.misconceptions or []))
    labels = {m.slug: m.label for m in Misconception.objects.filter(slug__in=counts)}
    return [ToReview(labels.get(slug, slug), n) for slug, n in counts.most_common()]


def to_reread(items) -> list[Paragraph]:
    seen, paragraphs = set(), []
    for item in items:
        question = item.question
        if not item.correct and question.section_id:
            url = question.course_url()
            if url not in seen:
                seen.add(url)
                section = question.section
                heading = section.paragraph_title(question.anchor)
                paragraphs.append(Paragraph(section.title, heading, url, order=section.order))
    return paragraphs


@dataclass(frozen=True)
class Reviewed:
    item: object
    html: str
    given: list
    key: list
    explanation: str


def stop_reason(code: str) -> str:
    return {
        "evidence": _("The evidence was enough to decide, with 95 percent confidence either way."),
        "max_items": _("The exam reached its longest length (60 questions)."),
        "no_items_left": _("No question of the blueprint was left to ask."),
        "time": _("Time ran out before the evidence was enough."),
    }.get(code, "")


def ability_words(attempt: Attempt) -> str:
    """Return the ability and its uncertainty in words, as the fixed-form score it stands for."""
    low, mid, high = attempt.expected
    values = {"mid": mid, "low": low, "high": high, "mark": attempt.exam.pass_mark}
    return (
        _(
            "Your level stands for about %(mid)s %% on the fixed form, most likely between "
            "%(low)s %% and %(high)s %% (the pass mark is %(mark)s %%)."
        )
        % values
    )


def review_hidden(attempt: Attempt, *, now) -> bool:
    """Return True while a trainer hides the item review until their window closes."""
    assignment = getattr(attempt, "assignment", None)
    return bool(assignment and assignment.hide_review and now < assignment.closes_at)


def report(attempt: Attempt, *, now) -> dict:
    """Return everything the results page shows."""
    items = list(attempt.items.select_related("question__main_topic", "question__section"))
    hidden = review_hidden(attempt, now=now)
    review = []
    if not hidden:
        review = [
            Reviewed(
                item,
                presenting.form_for(item)["html"],
                presenting.given_text(item),
                presenting.key_text(item),
                item.question.explanation,
            )
            for item in items
        ]
    context = {
        "attempt": attempt,
        "exam": attempt.exam,
        "percent": round(100 * (attempt.score or 0)),
        "topics": topic_rows(attempt, items),
        "misconceptions": misconceptions(items),
        "to_reread": to_reread(items),
        "review": review,
        "review_hidden": hidden,
        "asked": len(items),
    }
    if attempt.exam.is_adaptive and attempt.expected:
        context["ability_words"] = ability_words(attempt)
        context["stop_reason"] = stop_reason(attempt.stop_reason)
    return context
