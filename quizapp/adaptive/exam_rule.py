"""The adaptive exam's verdict: a cut a trainer understands, a sequential test around it.

Pure Python, like the engine, and kept apart from it: practice selection does not use it.

- The cut is said the way a trainer says it, "would score at least 70 % on the blueprint's
  fixed form", and placed on the engine's scale with what the site knows: the learned item
  parameters (`cut_for_score`). Nobody's true ability enters it.
- The stopping rule is Wald's sequential probability ratio test between the abilities
  cut - delta and cut + delta (`Verdict`), with at least `min_items` and at most `max_items`.
- Items are the most informative at the cut, from the topic furthest behind its share of the
  blueprint (`pick_covered`), so that a short exam still covers every topic.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from quizapp.adaptive import model
from quizapp.adaptive.state import ItemId, ItemState

PASSED = "pass"
FAILED = "fail"
# Why an exam stopped, as stored on the attempt and said on the results page.
EVIDENCE = "evidence"
LONGEST = "max_items"
EXHAUSTED = "no_items_left"


@dataclass(frozen=True, slots=True)
class ExamRule:
    """The sequential test: indifference region cut +/- delta, error rates, length limits."""

    cut: float
    delta: float = 0.3
    alpha: float = 0.05
    beta: float = 0.05
    min_items: int = 10
    max_items: int = 60

    @property
    def upper(self) -> float:
        return math.log((1.0 - self.beta) / self.alpha)

    @property
    def lower(self) -> float:
        return math.log(self.beta / (1.0 - self.alpha))


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: str | None
    reason: str | None
    llr: float
    answered: int


def expected_score(items: Sequence[ItemState], theta: float) -> float:
    """Return the mean probability of success on `items` at ability `theta`."""
    total = sum(
        model.p_correct(theta, it.b, model.guess_floor(it.options), 0.0, it.a) for it in items
    )
    return total / len(items)


def cut_for_score(items: Sequence[ItemState], share: float, lo=-5.0, hi=5.0) -> float:
    """Return the ability whose expected score on `items` is `share` (0-1), by bisection.

    `items` stand for the fixed form: the blueprint's eligible items at their learned
    parameters. A share under the guessing floor or above what the best reach is clamped.
    """
    for _ in range(60):
        mid = (lo + hi) / 2.0
        if expected_score(items, mid) < share:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def log_ratio(item: ItemState, correct: bool, rule: ExamRule) -> float:
    """Return the answer's log-likelihood ratio of cut + delta against cut - delta."""
    guess = model.guess_floor(item.options)
    high = model.clamp_p(model.p_correct(rule.cut + rule.delta, item.b, guess, 0.0, item.a))
    low = model.clamp_p(model.p_correct(rule.cut - rule.delta, item.b, guess, 0.0, item.a))
    if correct:
        return math.log(high / low)
    return math.log((1.0 - high) / (1.0 - low))


def verdict(
    rule: ExamRule, answers: Iterable[tuple[ItemState, bool]], *, covered: bool = True
) -> Verdict:
    """Return the decision after these answers, or no decision yet.

    `covered` says whether every topic has its share so far: the test may not stop early
    on a blueprint it has not covered.
    """
    llr, n = 0.0, 0
    for item, correct in answers:
        llr += log_ratio(item, correct, rule)
        n += 1
    if n >= rule.max_items:
        return Verdict(PASSED if llr > 0 else FAILED, LONGEST, llr, n)
    if n >= rule.min_items and covered:
        if llr >= rule.upper:
            return Verdict(PASSED, EVIDENCE, llr, n)
        if llr <= rule.lower:
            return Verdict(FAILED, EVIDENCE, llr, n)
    return Verdict(None, None, llr, n)


def shares(minimums: dict[str, int]) -> dict[str, float]:
    """Return each topic's share of the blueprint from its number of items."""
    total = sum(minimums.values()) or 1
    return {topic: count / total for topic, count in minimums.items()}


def is_covered(topic_shares: dict[str, float], served_topics: Sequence[str]) -> bool:
    """Return True when each topic has at least its share (rounded down) of the items served."""
    counts = Counter(served_topics)
    n = len(served_topics)
    return all(counts[topic] >= math.floor(share * n) for topic, share in topic_shares.items())


def ranked_by_topic(rule: ExamRule, items: Iterable[ItemState]) -> dict[str, list[ItemState]]:
    """Return each topic's items by decreasing information at the cut (computed once)."""
    ranked: dict[str, list[tuple[float, ItemState]]] = {}
    for it in items:
        info = model.information(rule.cut, it.b, model.guess_floor(it.options), it.a)
        ranked.setdefault(it.topic, []).append((info, it))
    return {t: [it for _, it in sorted(rows, key=lambda r: -r[0])] for t, rows in ranked.items()}


def pick_covered(
    ranked: dict[str, list[ItemState]],
    served: Sequence[ItemId],
    topic_shares: dict[str, float],
    rng: random.Random,
    randomesque: int = 3,
) -> ItemState | None:
    """Return an unseen item informative at the cut, from the topic most behind its share.

    Among the few most informative items of that topic one is drawn at random, so that two
    trainees of the same level do not sit the same exam.
    """
    seen = set(served)
    counts = Counter()
    for topic, rows in ranked.items():
        counts[topic] = sum(1 for it in rows if it.id in seen)
    n = len(seen) + 1
    open_topics = [t for t in topic_shares if any(it.id not in seen for it in ranked.get(t, ()))]
    if not open_topics:
        return None
    behind = max(open_topics, key=lambda t: (topic_shares[t] * n - counts[t], topic_shares[t]))
    pool = [it for it in ranked[behind] if it.id not in seen][:randomesque]
    return rng.choice(pool)


def ability_words(theta: float, se: float, rule: ExamRule) -> str:
    """Return where the estimate lies against the cut, as a key the page translates."""
    if theta - 1.96 * se > rule.cut:
        return "clearly_above"
    if theta + 1.96 * se < rule.cut:
        return "clearly_below"
    return "above" if theta >= rule.cut else "below"
