"""One row per item: the SQL sums turned into figures, with the options' texts and flags."""

import math
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from quizapp.bank import specs
from quizapp.bank.models import Question
from quizapp.itemanalysis import queries
from quizapp.itemanalysis.statistics import (
    ItemFigures,
    OptionShare,
    figures,
    option_counts,
    typed_answer_counts,
)

TYPED_WRONG_SHOWN = 3


@dataclass
class ItemRow:
    question: Question
    figures: ItemFigures
    median_seconds: float | None
    learned_b: float | None
    learned_sd: float | None

    @property
    def flagged(self) -> bool:
        return bool(self.figures.flags)


def option_shares(question: Question, answers: list[tuple[dict, int]]) -> list[OptionShare]:
    """Return the share of first attempts choosing each option (or each typed answer)."""
    total = sum(count for _given, count in answers)
    if not total:
        return []
    qtype, spec = question.type, question.spec
    if qtype in (specs.QuestionType.SINGLE, specs.QuestionType.MULTIPLE):
        counts = option_counts(qtype, spec, answers)
        return [
            OptionShare(
                question.localized(option["text"]),
                counts[option["key"]],
                counts[option["key"]] / total,
                bool(option.get("correct")),
            )
            for option in spec["options"]
        ]
    if qtype == specs.QuestionType.TRUEFALSE:
        counts = option_counts(qtype, spec, answers)
        return [
            OptionShare(_("True"), counts["true"], counts["true"] / total, spec["answer"]),
            OptionShare(_("False"), counts["false"], counts["false"] / total, not spec["answer"]),
        ]
    if qtype in (specs.QuestionType.PORT, specs.QuestionType.SHORT):
        return _typed_shares(spec, answers, total)
    return []  # matching and ordering: no single option to count


def _typed_shares(spec: dict, answers, total: int) -> list[OptionShare]:
    """Return the accepted answers as one row, then the most frequent wrong answers."""
    counts = typed_answer_counts(answers, specs.normalise)
    accepted = {specs.normalise(value) for value in spec["accepted"]}
    right = sum(count for value, count in counts.items() if value in accepted)
    wrong = sorted(
        ((value, count) for value, count in counts.items() if value not in accepted),
        key=lambda pair: (-pair[1], pair[0]),
    )[:TYPED_WRONG_SHOWN]
    label = " / ".join(str(value) for value in spec["accepted"])
    return [
        OptionShare(label, right, right / total, True),
        *(OptionShare(value, count, count / total, False) for value, count in wrong),
    ]


def analyse(*, learners: QuerySet | None = None, topic=None) -> list[ItemRow]:
    """Return a row per item answered by `learners` (everyone if None), by key."""
    sums = queries.item_sums(learners)
    questions = Question.objects.filter(pk__in=list(sums)).select_related("main_topic", "stat")
    if topic is not None:
        questions = questions.filter(main_topic=topic)
    questions = list(questions.defer("explanation_fr", "explanation_en"))
    ids = [question.pk for question in questions]
    medians = queries.median_times_ms(learners)
    groups = queries.answer_groups(ids, learners)
    rows = []
    for question in questions:
        stat = getattr(question, "stat", None)
        shares = option_shares(question, groups.get(question.pk, []))
        median = medians.get(question.pk)
        rows.append(
            ItemRow(
                question=question,
                figures=figures(sums[question.pk], shares),
                median_seconds=None if median is None else median / 1000,
                learned_b=stat.b if stat else None,
                learned_sd=math.sqrt(stat.var) if stat else None,
            )
        )
    return rows
