"""What the learner sees of the model: mastery per topic, readiness, and what to do next.

Mastery on a topic is the model's chance that the learner answers an average item of that
topic (difficulty 0, no guessing) right: sigmoid(θ_topic). Its likely range is the same
chance one standard error either side, sigmoid(θ_topic ± se). The levels are read off that
range, so a percentage and its level never disagree:
- "mastered": even the low end of the range is 75 % or more;
- "to work on": even the high end is below 50 %;
- "to discover": neither, and the range is wider than 40 points: too few answers to say
  (no percentage is shown then, since it would mean little);
- "in progress": neither, with a range of 40 points or less.
Readiness is the chance that the overall ability lies above the pass mark, from the estimate
and its standard error (normal approximation), followed by the next thing to do: the topic
to practise and how many questions.
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from quizapp.adaptive.engine import Engine, LearnerState

LEVELS = {
    "discover": gettext_lazy("to discover"),
    "weak": gettext_lazy("to work on"),
    "progress": gettext_lazy("in progress"),
    "mastered": gettext_lazy("mastered"),
}
MEANINGS = {
    "discover": gettext_lazy("too few answers to say yet"),
    "weak": gettext_lazy("even at best, under one answer in two right"),
    "progress": gettext_lazy("between the two: keep practising"),
    "mastered": gettext_lazy("even at worst, three answers in four right"),
}
MASTERED_LOW = 0.75
WEAK_HIGH = 0.5
WIDE_RANGE = 0.4
MIN_ANSWERS_FOR_READINESS = 10
SESSION = 10  # the questions a "next step" asks for: one ordinary session


@dataclass(frozen=True)
class TopicMastery:
    slug: str
    name: str
    percent: int
    low: int
    high: int
    level: str
    answers: int
    pk: int | None = None

    @property
    def level_label(self) -> str:
        return str(LEVELS[self.level])

    @property
    def meaning(self) -> str:
        return str(MEANINGS[self.level])


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def level_for(theta: float, se: float) -> str:
    """Return the level of an estimate `theta` with standard error `se` (logits)."""
    low, high = _sigmoid(theta - se), _sigmoid(theta + se)
    if low >= MASTERED_LOW:
        return "mastered"
    if high < WEAK_HIGH:
        return "weak"
    return "discover" if high - low > WIDE_RANGE else "progress"


def topic_mastery(engine: Engine, state: LearnerState, topics) -> list[TopicMastery]:
    """Return the mastery of each topic (objects with slug and name), in their order."""
    rows = []
    for topic in topics:
        theta, se = engine.ability(state, topic.slug)
        answers = state.topics[topic.slug].answers if topic.slug in state.topics else 0
        rows.append(
            TopicMastery(
                slug=topic.slug,
                name=topic.name,
                percent=round(100 * _sigmoid(theta)),
                low=round(100 * _sigmoid(theta - se)),
                high=round(100 * _sigmoid(theta + se)),
                level=level_for(theta, se),
                answers=answers,
                pk=getattr(topic, "pk", None),
            )
        )
    return rows


@dataclass(frozen=True)
class NextStep:
    words: str
    topic: TopicMastery | None
    size: int


def next_step(rows: list[TopicMastery]) -> NextStep | None:
    """Return what to practise next: the weakest topic, else the least known, else the least sure.

    Nothing when every topic is mastered.
    """
    order = {"weak": 0, "discover": 1, "progress": 2}
    open_rows = [row for row in rows if row.level in order]
    if not open_rows:
        return None
    row = min(open_rows, key=lambda r: (order[r.level], r.high, r.answers))
    words = {
        "weak": _(
            "Next: %(n)s questions on “%(topic)s”, your weakest topic (%(low)s to %(high)s %%)."
        ),
        "discover": _(
            "Next: %(n)s questions on “%(topic)s”, so that we can tell your level there."
        ),
        "progress": _(
            "Next: %(n)s questions on “%(topic)s”, the topic you are least sure of "
            "(%(low)s to %(high)s %%)."
        ),
    }[row.level]
    values = {"n": SESSION, "topic": row.name, "low": row.low, "high": row.high}
    return NextStep(words % values, row, SESSION)


@dataclass(frozen=True)
class Readiness:
    probability: float | None
    words: str
    step: NextStep | None = None


def readiness(engine: Engine, state: LearnerState, rows: list[TopicMastery] = ()) -> Readiness:
    """Return the chance of being above the pass mark in words, and the next thing to do."""
    step = next_step(list(rows))
    if state.answers < MIN_ANSWERS_FOR_READINESS:
        missing = MIN_ANSWERS_FOR_READINESS - state.answers
        words = ngettext(
            "Answer %(n)s more question for a first estimate.",
            "Answer %(n)s more questions for a first estimate.",
            missing,
        ) % {"n": missing}
        return Readiness(None, words, step)
    theta, se = engine.ability(state)
    z = (theta - engine.config.cut) / max(se, 1e-6)
    probability = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    percent = round(100 * probability)
    if probability >= 0.9:
        words = _("Very likely ready (%(p)s %% sure).")
    elif probability >= 0.7:
        words = _("Probably ready (%(p)s %% sure): a little more practice makes it safer.")
    elif probability > 0.3:
        words = _("Too early to say (%(p)s %% chance of being above the pass mark).")
    else:
        words = _("Not ready yet: your level is under the pass mark (%(p)s %% chance above it).")
    return Readiness(probability, words % {"p": percent}, step)
