"""What the learner sees of the model: mastery per topic and readiness for the assessment.

Mastery on a topic is the model's chance that the learner answers an average
item of that topic (difficulty 0, no guessing) correctly. Its level:
- "to discover": fewer than 3 answers on the topic;
- "mastered": 80 % or more, and still 65 % or more one standard error lower
  (so a lucky streak of two answers is not "mastered");
- "in progress": everything else.
Readiness is the chance that the overall ability lies above the pass mark,
from the estimate and its standard error (normal approximation).
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizapp.adaptive.engine import Engine, LearnerState

LEVELS = {
    "discover": gettext_lazy("to discover"),
    "progress": gettext_lazy("in progress"),
    "mastered": gettext_lazy("mastered"),
}
MIN_ANSWERS_FOR_READINESS = 10


@dataclass(frozen=True)
class TopicMastery:
    slug: str
    name: str
    percent: int
    level: str
    answers: int

    @property
    def level_label(self) -> str:
        return str(LEVELS[self.level])


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def topic_mastery(engine: Engine, state: LearnerState, topics) -> list[TopicMastery]:
    """Return the mastery of each topic (objects with slug and name), in their order."""
    rows = []
    for topic in topics:
        theta, se = engine.ability(state, topic.slug)
        answers = state.topics[topic.slug].answers if topic.slug in state.topics else 0
        percent = round(100 * _sigmoid(theta))
        if answers < 3:
            level = "discover"
        elif percent >= 80 and _sigmoid(theta - se) >= 0.65:
            level = "mastered"
        else:
            level = "progress"
        rows.append(TopicMastery(topic.slug, topic.name, percent, level, answers))
    return rows


@dataclass(frozen=True)
class Readiness:
    probability: float | None
    words: str


def readiness(engine: Engine, state: LearnerState) -> Readiness:
    """Return the chance of being above the pass mark, said in words with its uncertainty."""
    if state.answers < MIN_ANSWERS_FOR_READINESS:
        missing = MIN_ANSWERS_FOR_READINESS - state.answers
        words = _("Answer %(n)s more questions for a first estimate.") % {"n": missing}
        return Readiness(None, words)
    theta, se = engine.ability(state)
    z = (theta - engine.config.cut) / max(se, 1e-6)
    probability = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    percent = round(100 * probability)
    if probability >= 0.9:
        words = _("Very likely ready (%(p)s %% sure).")
    elif probability >= 0.7:
        words = _("Probably ready (%(p)s %% sure): a little more practice makes it safer.")
    elif probability > 0.3:
        words = _("Too early to say (%(p)s %%): keep practising your weak topics.")
    else:
        words = _("Not ready yet (%(p)s %% chance): start with the weak topics below.")
    return Readiness(probability, words % {"p": percent})
