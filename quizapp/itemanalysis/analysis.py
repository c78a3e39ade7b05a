"""One row per item: the SQL sums turned into figures, with the options' texts and flags."""

import datetime
import math
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Max, QuerySet
from django.utils import timezone
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
from quizapp.practice.models import Answer

TYPED_WRONG_SHOWN = 3
CACHE_SECONDS = 10 * 60


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


@dataclass(frozen=True)
class Snapshot:
    """The figures of one scope as computed at one time (what the cache keeps)."""

    computed_at: datetime.datetime
    last_answer_id: int
    figures: queries.Figures


def _answers(learners: QuerySet | None) -> QuerySet:
    answers = Answer.objects.all()
    return answers if learners is None else answers.filter(learner__in=learners)


def snapshot(*, learners: QuerySet | None, scope: str, fresh: bool = False) -> Snapshot:
    """Return the scope's figures, computed at most CACHE_SECONDS ago unless `fresh`.

    Like Moodle's quiz statistics, the figures are kept a while: computing them
    reads every answer of the scope, and a trainer reads them far more often
    than the class changes them. The page says when they were computed.
    """
    key = f"itemanalysis:v1:{scope}"
    if not fresh and (cached := cache.get(key)) is not None:
        return cached
    last = _answers(learners).aggregate(last=Max("pk"))["last"] or 0
    computed = Snapshot(timezone.now(), last, queries.item_figures(learners))
    cache.set(key, computed, CACHE_SECONDS)
    return computed


def answers_since(computed: Snapshot, learners: QuerySet | None) -> int:
    """Return how many answers the scope has had since its figures were computed."""
    return _answers(learners).filter(pk__gt=computed.last_answer_id).count()


def analyse(*, computed: Snapshot, topic=None) -> list[ItemRow]:
    """Return a row per item of the snapshot (of `topic` only if given), by key."""
    found = computed.figures
    questions = Question.objects.filter(pk__in=list(found.sums))
    if topic is not None:
        questions = questions.filter(main_topic=topic)
    questions = questions.select_related("main_topic", "stat").only(
        *("key", "type", "status", "spec", "main_topic__name_fr", "main_topic__name_en"),
        *("stat__b", "stat__var"),
    )
    rows = []
    for question in questions:
        stat = getattr(question, "stat", None)
        median = found.medians.get(question.pk)
        shares = option_shares(question, found.groups.get(question.pk, []))
        rows.append(
            ItemRow(
                question=question,
                figures=figures(found.sums[question.pk], shares),
                median_seconds=None if median is None else median / 1000,
                learned_b=stat.b if stat else None,
                learned_sd=math.sqrt(stat.var) if stat else None,
            )
        )
    return rows
