"""Item selection: a difficulty index over the candidates, and the practice and exam rules.

Candidates are grouped by (topic, number of options, type) and kept sorted by learned difficulty, so
finding the items nearest a wanted difficulty is a binary search per group rather than a scan
of every candidate: a pick among 10,000 candidates costs a fraction of a millisecond.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from quizapp.adaptive import model
from quizapp.adaptive.config import Config
from quizapp.adaptive.mix import Mix
from quizapp.adaptive.state import ItemId, ItemState, LearnerState

GroupKey = tuple[str, int | None, str]

# Machine-readable reasons; the web layer translates them for « Pourquoi cette question ? ».
REVIEW_DUE = "review_due"
WEAK_TOPIC = "weak_topic"
NEW_AT_LEVEL = "new_at_level"
AT_LEVEL = "at_level"
PROBE = "probe"
RETRY_MISSED = "retry_missed"
MOST_INFORMATIVE = "most_informative"
REASONS = (REVIEW_DUE, WEAK_TOPIC, NEW_AT_LEVEL, AT_LEVEL, PROBE, RETRY_MISSED, MOST_INFORMATIVE)


@dataclass(frozen=True, slots=True)
class Choice:
    """The next item and the machine-readable reason it was chosen.

    `topic` names the weak topic of a "weak_topic" choice; `probe` marks the uniformly random
    items that judge the model without selection bias.
    """

    item: ItemId
    reason: str
    topic: str | None = None
    probe: bool = False


class CandidateIndex:
    """Candidate items grouped by (topic, options, type) and sorted by difficulty."""

    def __init__(self, items: Iterable[ItemState] = ()) -> None:
        pending: dict[GroupKey, list[tuple[float, int, ItemId]]] = {}
        self.ids: list[ItemId] = []
        # Candidates per (topic, type): the shares the mix of a session aims at.
        self.kinds: Counter[tuple[str, str]] = Counter()
        for order, item in enumerate(items):
            key = (item.topic, item.options, item.kind)
            pending.setdefault(key, []).append((item.b, order, item.id))
            self.ids.append(item.id)
            self.kinds[(item.topic, item.kind)] += 1
        self.groups: dict[GroupKey, tuple[list[float], list[ItemId]]] = {}
        for key, rows in pending.items():
            rows.sort()
            self.groups[key] = ([row[0] for row in rows], [row[2] for row in rows])

    def move(self, item: ItemState, old_b: float) -> None:
        """Re-file `item` after its difficulty changed from `old_b`."""
        bs, ids = self.groups[(item.topic, item.options, item.kind)]
        pos = bisect_left(bs, old_b)
        while ids[pos] != item.id:
            pos += 1
        del bs[pos], ids[pos]
        pos = bisect_right(bs, item.b)
        bs.insert(pos, item.b)
        ids.insert(pos, item.id)

    def nearest(
        self, key: GroupKey, b: float, accept: Callable[[ItemId], bool], count: int
    ) -> list[ItemId]:
        """Return up to `count` accepted items of group `key`, nearest to difficulty `b`."""
        bs, ids = self.groups[key]
        hi = bisect_left(bs, b)
        lo = hi - 1
        found: list[ItemId] = []
        while len(found) < count and (lo >= 0 or hi < len(bs)):
            if hi >= len(bs) or (lo >= 0 and b - bs[lo] <= bs[hi] - b):
                candidate, lo = ids[lo], lo - 1
            else:
                candidate, hi = ids[hi], hi + 1
            if accept(candidate):
                found.append(candidate)
        return found

    def random(self, rng: random.Random, accept: Callable[[ItemId], bool]) -> ItemId | None:
        """Return a uniformly random accepted item, or None if none is accepted."""
        if not self.ids:
            return None
        # Rejection sampling stays uniform and avoids a pass over every candidate.
        for _ in range(32):
            candidate = rng.choice(self.ids)
            if accept(candidate):
                return candidate
        accepted = [i for i in self.ids if accept(i)]
        return rng.choice(accepted) if accepted else None


@dataclass(frozen=True, slots=True)
class View:
    """The learner as selection sees them: ability estimate, its variance, session items."""

    theta: float
    var: float
    learner: LearnerState
    served: Collection[ItemId]

    def fresh(self, item: ItemId) -> bool:
        return item not in self.served

    def topic(self, name: str, cfg: Config) -> tuple[float, float]:
        """Return the learner's offset on topic `name` and its variance."""
        state = self.learner.topics.get(name)
        return (state.mean, state.var) if state else (0.0, cfg.topic_sd**2)


def band_distance(view: View, item: ItemState, cfg: Config) -> float:
    """Return how far, in logits, the predicted success on `item` is from the target."""
    offset, tvar = view.topic(item.topic, cfg)
    k = model.spread(view.var + tvar + item.var)
    return abs((view.theta + offset - item.b) * k - model.target_logit(cfg.target, item.guess))


def pick_due(
    view: View,
    items: dict[ItemId, ItemState],
    due: Iterable[ItemId],
    cfg: Config,
    mix: Mix | None = None,
) -> Choice | None:
    """Return the due review nearest the target success rate (and the mix), if any."""
    ready = [i for i in due if i in items and view.fresh(i)]
    if mix is not None:
        ready = [i for i in ready if mix.allows(items[i].kind, cfg)] or ready
    if not ready:
        return None

    def score(item_id: ItemId) -> float:
        item = items[item_id]
        balance = mix.bonus(item.topic, item.kind, cfg) if mix is not None else 0.0
        return band_distance(view, item, cfg) - balance

    return Choice(min(ready, key=score), REVIEW_DUE)


def pick_retry(view: View, items: dict[ItemId, ItemState], cfg: Config) -> Choice | None:
    """Return the oldest missed item of the session once enough others were served."""
    session = view.learner.session
    if session is None or session.position - session.last_retry <= cfg.retry_spacing:
        return None
    for item, missed_at in session.missed:
        if session.position - missed_at - 1 >= cfg.retry_gap and item in items:
            return Choice(item, RETRY_MISSED)
    return None


def recency_penalty(learner: LearnerState, item: ItemId, cfg: Config) -> float:
    """Return the penalty, in logits, for an item the learner saw lately."""
    seen = learner.recent.get(item)
    if seen is None:
        return 0.0
    return cfg.recent_weight * max(0.0, 1.0 - (learner.served_total - seen) / cfg.recent_window)


def pick_at_level(
    view: View,
    index: CandidateIndex,
    items: dict[ItemId, ItemState],
    rng: random.Random,
    cfg: Config,
    mix: Mix | None = None,
) -> Choice | None:
    """Return the item nearest the target success rate, favouring weak topics and fresh items.

    The score is the distance in logits to the target, minus a bonus on a topic where the
    learner is below their overall level, minus the mix's bonus for a type the session lacks
    (see `mix.py`), plus a penalty for items seen lately, plus a little noise so that
    learners of equal ability do not all wear out the same few items.
    """
    if mix is not None:
        urgent = mix.urgent(cfg)
        groups = [k for k in index.groups if not urgent or k[2] in urgent]
        capped = [k for k in groups if mix.allows(k[2], cfg)]
        choice = _pick_among(view, index, items, rng, cfg, capped, mix)
        return choice or _pick_among(view, index, items, rng, cfg, list(index.groups), mix)
    return _pick_among(view, index, items, rng, cfg, list(index.groups), None)


def _pick_among(
    view: View,
    index: CandidateIndex,
    items: dict[ItemId, ItemState],
    rng: random.Random,
    cfg: Config,
    groups: list[GroupKey],
    mix: Mix | None,
) -> Choice | None:
    learner = view.learner
    best: tuple[float, ItemId, str, float] | None = None
    for key in groups:
        topic, options, kind = key
        offset, tvar = view.topic(topic, cfg)
        goal = model.target_logit(cfg.target, model.guess_floor(options))
        base = view.theta + offset
        bonus = cfg.weak_weight * max(0.0, -offset)
        if mix is not None:
            bonus += mix.bonus(topic, kind, cfg)
        wanted = base - goal / model.spread(view.var + tvar)
        for item_id in index.nearest(key, wanted, view.fresh, cfg.window):
            item = items[item_id]
            distance = abs((base - item.b) * model.spread(view.var + tvar + item.var) - goal)
            score = (
                distance
                - bonus
                + recency_penalty(learner, item_id, cfg)
                + cfg.jitter * rng.random()
            )
            if best is None or score < best[0]:
                best = (score, item_id, topic, offset)
    if best is None:
        return None
    _, item_id, topic, offset = best
    if offset <= -cfg.weak_margin:
        return Choice(item_id, WEAK_TOPIC, topic=topic)
    return Choice(item_id, AT_LEVEL if item_id in learner.recent else NEW_AT_LEVEL)


def pick_exam(
    theta: float,
    index: CandidateIndex,
    items: dict[ItemId, ItemState],
    fresh: Callable[[ItemId], bool],
    rng: random.Random,
    cfg: Config,
) -> Choice | None:
    """Return one of the few most informative unseen items at the ability estimate `theta`."""
    scored: list[tuple[float, ItemId]] = []
    for key in index.groups:
        guess = model.guess_floor(key[1])
        wanted = theta - model.most_informative_offset(guess)
        for item_id in index.nearest(key, wanted, fresh, cfg.exam_window):
            item = items[item_id]
            scored.append((model.information(theta, item.b, guess, item.a), item_id))
    if not scored:
        return None
    scored.sort(key=lambda row: -row[0])
    return Choice(rng.choice(scored[: cfg.exam_randomesque])[1], MOST_INFORMATIVE)
