"""Item statistics from aggregated sums: facility, discrimination, option shares, flags.

Pure functions: the database hands over per-item sums (see queries.py), and
everything here can be checked by hand on a few numbers.

Definitions, on each learner's FIRST attempt at each item only:

- facility F_i: the mean score (0 to 1) of the first attempts at item i.
- discrimination D_i: the Pearson correlation, over the learners who answered
  item i and at least one other item of i's main topic, between
      x_l = learner l's score on item i, and
      y_l = the mean of l's scores on the other items of that topic.
  This is Moodle's discrimination index (the correlation of the item's score
  with the score on the rest of the quiz), with "the rest" taken as the topic's
  other items: adaptive practice gives each learner a different set of items,
  so there is no common quiz total, and a mean rather than a sum keeps learners
  who answered more items from looking stronger for that alone. D_i is
  undefined (None) with fewer than two such learners or when x or y does not vary.
"""

import math
from dataclasses import dataclass, field
from enum import StrEnum

# Below these counts no flag is raised: with ten answers a facility is known to
# about ±0.15, and a correlation over twenty pairs to about ±0.2.
MIN_ANSWERS = 10
MIN_PAIRS = 20
TOO_EASY = 0.90  # facility above this
TOO_HARD = 0.20  # facility below this
WEAK_DISCRIMINATION = 0.15  # D below this (and not negative): near zero


class Flag(StrEnum):
    NEGATIVE_DISCRIMINATION = "negative_discrimination"
    WEAK_DISCRIMINATION = "weak_discrimination"
    DISTRACTOR_OVER_KEY = "distractor_over_key"
    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"


@dataclass(frozen=True)
class ItemSums:
    """What SQL sums per item: n first attempts, and sums over the n_pairs with a rest score."""

    n: int
    score_sum: float
    n_pairs: int = 0
    x_sum: float = 0.0
    y_sum: float = 0.0
    xx_sum: float = 0.0
    yy_sum: float = 0.0
    xy_sum: float = 0.0


def facility(sums: ItemSums) -> float | None:
    """Return the mean first-attempt score, or None without answers."""
    return sums.score_sum / sums.n if sums.n else None


def discrimination(sums: ItemSums) -> float | None:
    """Return the Pearson correlation of item score and rest score, from the sums."""
    n = sums.n_pairs
    if n < 2:
        return None
    sxx = n * sums.xx_sum - sums.x_sum**2
    syy = n * sums.yy_sum - sums.y_sum**2
    sxy = n * sums.xy_sum - sums.x_sum * sums.y_sum
    # Sums of floats: a constant column can leave a tiny positive residue.
    if sxx <= 1e-9 * max(1.0, n * sums.xx_sum) or syy <= 1e-9 * max(1.0, n * sums.yy_sum):
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


@dataclass(frozen=True)
class OptionShare:
    """One option (or one frequent typed answer) and the share of first attempts choosing it."""

    label: str
    count: int
    share: float
    correct: bool


@dataclass
class ItemFigures:
    facility: float | None
    discrimination: float | None
    n: int
    n_pairs: int
    options: list[OptionShare] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


def key_outdrawn(options: list[OptionShare]) -> bool:
    """Return whether some wrong option drew more learners than the least chosen right one."""
    right = [o.count for o in options if o.correct]
    wrong = [o.count for o in options if not o.correct]
    return bool(right and wrong) and max(wrong) > min(right)


def flags_for(
    fac: float | None, disc: float | None, n: int, n_pairs: int, options: list[OptionShare]
) -> list[Flag]:
    """Return what a trainer should look at, or nothing below the minimum counts."""
    found = []
    if n_pairs >= MIN_PAIRS and disc is not None:
        if disc < 0:
            found.append(Flag.NEGATIVE_DISCRIMINATION)
        elif disc < WEAK_DISCRIMINATION:
            found.append(Flag.WEAK_DISCRIMINATION)
    if n >= MIN_ANSWERS and fac is not None:
        if key_outdrawn(options):
            found.append(Flag.DISTRACTOR_OVER_KEY)
        if fac > TOO_EASY:
            found.append(Flag.TOO_EASY)
        elif fac < TOO_HARD:
            found.append(Flag.TOO_HARD)
    return found


def figures(sums: ItemSums, options: list[OptionShare]) -> ItemFigures:
    """Return an item's facility, discrimination, option shares and flags."""
    fac, disc = facility(sums), discrimination(sums)
    return ItemFigures(
        facility=fac,
        discrimination=disc,
        n=sums.n,
        n_pairs=sums.n_pairs,
        options=options,
        flags=flags_for(fac, disc, sums.n, sums.n_pairs, options),
    )


def option_counts(qtype: str, spec: dict, answers: list[tuple[dict, int]]) -> dict[str, int]:
    """Return how many first attempts chose each option key, from (given, count) groups.

    A multiple-choice answer ticks several options: each counts once, so the
    shares of a multiple-choice item add up to more than 100 %.
    """
    if qtype in ("single", "multiple"):
        counts = {option["key"]: 0 for option in spec["options"]}
        for given, count in answers:
            for key in given.get("choices", [given.get("choice")]):
                if key in counts:
                    counts[key] += count
        return counts
    if qtype == "truefalse":
        counts = {"true": 0, "false": 0}
        for given, count in answers:
            counts["true" if given.get("value") else "false"] += count
        return counts
    return {}


def typed_answer_counts(answers: list[tuple[dict, int]], normalise) -> dict[str, int]:
    """Return how often each typed answer (port, short text) came, merged by `normalise`."""
    counts: dict[str, int] = {}
    for given, count in answers:
        key = normalise(given.get("value", ""))
        counts[key] = counts.get(key, 0) + count
    return counts
