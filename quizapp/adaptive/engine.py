"""The adaptive engine: one learner model shared by the web views and the simulation.

Pure Python, no database. The web layer builds an `Engine` per request from the candidate
items it fetched, passes a `LearnerState` loaded from JSON, and saves back what `record`
changed (the learner and the answered item's `ItemState`). `benchmarks/adaptive_sim.py` runs
this same code against synthetic learners.

Interface (methods of `Engine`; the module-level functions of the same names drive a default
instance, handy in a shell or a script but not to be shared between threads or requests):

- ``reset(bank_meta, states=None)``: make these items the candidates. `bank_meta` lists
  `ItemMeta` or dicts: id, number of options (None or 0 for open answers), topic and an
  optional difficulty prior, never true parameters. `states` maps item id to the stored
  `ItemState`; the engine updates those objects in place.
- ``next_item(learner, mode, *, due=None) -> Choice | None``: mode "practice" or "exam".
  `due` is the set of item ids the spaced-repetition scheduler says are due. Returns None
  when nothing is left to ask or the exam is decided.
- ``predict(learner, item) -> p``: probability of a correct answer, guessing included:
  P = 1/k + (1 - 1/k) * sigmoid(theta + d_topic - b).
- ``record(learner, item, correct, t) -> p``: learn from one answer given at time `t`;
  returns the prediction made just before it.
- ``ability(learner, topic=None) -> (theta, se)``: EAP and posterior sd, overall or on one
  topic. ``exam_ability(learner)`` is the same from the current exam's answers alone.
- ``exam_decision(learner) -> "pass" | "fail" | None`` at the cut score `Config.cut`.

Practice picks, in this order: a uniformly random probe as every `probe_every`-th item of the
session ("probe"); a missed item of the session once `retry_gap` others were served, at most
one per `retry_spacing` items ("retry_missed"); a due review ("review_due"); otherwise the
item whose predicted success is nearest the target, favouring weak topics ("weak_topic" with
the topic) and items not seen lately ("new_at_level", or "at_level" for an item seen before).
Reviews and items at level also keep the session's mix of item types near the bank's
(`mix.py`): a third true/false at most, every type met within 20 items.
No item is served twice in a session except as a retry. A retry follows feedback on the same
item, so it is recorded but is not evidence about ability or difficulty.

The exam picks the most informative unseen item at its own ability estimate (EAP from the
exam's answers and the population prior, items weighted by their learned discrimination). It
decides once `exam_min` items are answered and the 95 % interval excludes the cut, and at
`exam_max` items by the side of the cut the estimate lies on.

Scale: abilities, difficulties and `Config.cut` share the engine's logit scale, fixed by
a = 1 and the population prior. Refit that prior from time to time with `model.fit_prior`
over the learners' stored `loglik` and pass it in `Config`; a cut set on another scale must
be linked to this one (the simulation links it through learners of known ability).

Per request, the candidates need not be the whole bank: items of the wanted difficulty range
(`difficulty_range`), the due reviews, the session's missed items and a random sample for the
probe are enough. Selection works on whatever candidates it was given.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from quizapp.adaptive import model
from quizapp.adaptive.config import Config
from quizapp.adaptive.mix import Mix
from quizapp.adaptive.selection import (
    PROBE,
    CandidateIndex,
    Choice,
    View,
    pick_at_level,
    pick_due,
    pick_exam,
    pick_retry,
)
from quizapp.adaptive.state import (
    EXAM,
    MODES,
    PRACTICE,
    ItemId,
    ItemMeta,
    ItemState,
    LearnerState,
    SessionState,
)

PASSED = "pass"
FAILED = "fail"
# Bounds on a learned discrimination: no item becomes useless or all-deciding.
A_MIN = 0.25
A_MAX = 4.0

__all__ = [
    "EXAM",
    "FAILED",
    "PASSED",
    "PRACTICE",
    "Choice",
    "Config",
    "Engine",
    "ItemMeta",
    "ItemState",
    "LearnerState",
    "ability",
    "exam_decision",
    "next_item",
    "predict",
    "record",
    "reset",
]


class Engine:
    """Learner model and item selection over a set of candidate items."""

    def __init__(self, config: Config | None = None, *, seed: int | None = None) -> None:
        self.config = config or Config()
        # Selection needs variety, not secrecy.
        self.rng = random.Random(seed)  # noqa: S311
        self.items: dict[ItemId, ItemState] = {}
        self.index = CandidateIndex()
        self._prior = model.log_prior(self.config.prior_mean, self.config.prior_sd)

    def reset(
        self,
        bank_meta: Iterable[ItemMeta | dict[str, Any]],
        states: dict[ItemId, ItemState] | None = None,
    ) -> None:
        """Make the items of `bank_meta` the candidates, at their stored state if given."""
        states = states or {}
        var = self.config.item_sd**2
        var_a = self.config.a_sd**2 if self.config.discrimination else 0.0
        self.items = {}
        for meta in bank_meta:
            # Plain dicts are read directly: building 10,000 ItemMeta would double the cost.
            if isinstance(meta, ItemMeta):
                item, options, topic, prior = meta.id, meta.options, meta.topic, meta.difficulty
                kind = meta.kind
            else:
                item, options = meta["id"], meta.get("options")
                topic, prior = meta.get("topic") or "", meta.get("difficulty")
                kind = meta.get("kind") or ""
            state = states.get(item)
            if state is None:
                b = 0.0 if prior is None else prior
                state = ItemState(item, options, topic, b, var, 0, 1.0, var_a, kind)
            else:
                state.options, state.topic, state.kind = options, topic, kind
            self.items[item] = state
        self.index = CandidateIndex(self.items.values())

    def set_prior(self, mean: float, sd: float) -> None:
        """Use N(mean, sd^2) as the population prior of ability (see `model.fit_prior`)."""
        self.config = replace(self.config, prior_mean=mean, prior_sd=sd)
        self._prior = model.log_prior(mean, sd)

    def start_session(self, learner: LearnerState, mode: str, t: float | None = None) -> None:
        """Begin a new practice or exam session for `learner`."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        learner.session = SessionState(mode=mode, started=t or 0.0)
        if mode == EXAM:
            learner.session.exam_loglik = model.flat_loglik()

    def next_item(
        self, learner: LearnerState, mode: str = PRACTICE, *, due: Iterable[ItemId] | None = None
    ) -> Choice | None:
        """Return the next item to ask and why, starting a session of `mode` if needed."""
        if learner.session is None or learner.session.mode != mode:
            self.start_session(learner, mode)
        served = set(learner.session.served)
        if mode == EXAM:
            if self.exam_decision(learner) is not None:
                return None
            theta, _ = self.exam_ability(learner)
            return pick_exam(
                theta, self.index, self.items, lambda i: i not in served, self.rng, self.config
            )
        theta, se = self.ability(learner)
        view = View(theta, se * se, learner, served)
        cfg = self.config
        if learner.session.position % cfg.probe_every == cfg.probe_every - 1:
            probe = self.index.random(self.rng, view.fresh)
            if probe is not None:
                return Choice(probe, PROBE, probe=True)
        mix = Mix.of(self.index.kinds, learner.session)
        # A type that must come before the horizon goes before a due review: reviews can wait.
        due = None if mix.urgent(cfg) else due
        return (
            pick_retry(view, self.items, cfg)
            or (pick_due(view, self.items, due, cfg, mix) if due else None)
            or pick_at_level(view, self.index, self.items, self.rng, cfg, mix)
        )

    def difficulty_range(self, learner: LearnerState, width: float = 1.5) -> tuple[float, float]:
        """Return the difficulties worth fetching as practice candidates for `learner`."""
        theta, se = self.ability(learner)
        offsets = [t.mean for t in learner.topics.values()] or [0.0]
        reach = model.target_logit(self.config.target, 0.0) / model.spread(se * se)
        return theta + min(offsets) - reach - width, theta + max(offsets) + width

    def posterior(self, learner: LearnerState) -> list[float]:
        """Return the learner's posterior weights on the ability grid."""
        return model.weights(learner.loglik, self._prior)

    def predict(self, learner: LearnerState, item: ItemId) -> float:
        """Return the probability that `learner` answers `item` correctly."""
        state = self.items[item]
        offset, tvar = self._topic(learner, state.topic)
        w = self.posterior(learner)
        return model.predictive(w, offset - state.b, state.guess, state.var + tvar)[0]

    def _topic(self, learner: LearnerState, topic: str) -> tuple[float, float]:
        state = learner.topics.get(topic)
        return (state.mean, state.var) if state else (0.0, self.config.topic_sd**2)

    def record(
        self, learner: LearnerState, item: ItemId, correct: bool | float, t: float | None = None
    ) -> float:
        """Learn from `learner`'s answer to `item`; return the prediction made before it.

        `correct` is the answer's score in [0, 1] (True and False are 1 and 0).
        """
        state = self.items[item]
        if learner.session is None:
            self.start_session(learner, PRACTICE, t)
        session = learner.session
        w = self.posterior(learner)
        offset, tvar = self._topic(learner, state.topic)
        p, slope, _ = model.predictive(w, offset - state.b, state.guess, state.var + tvar)
        if item in session.served:
            # A retry after feedback measures memory of the feedback, not ability.
            session.missed = [pair for pair in session.missed if pair[0] != item]
            session.last_retry = session.position
        else:
            if session.mode == EXAM:
                model.add_answer(
                    session.exam_loglik, -state.b, state.guess, state.var, correct,
                    a=state.a, var_a=state.var_a,
                )  # fmt: skip
            self._learn(learner, state, w, (p, slope), correct)
            if float(correct) < 1.0 and session.mode == PRACTICE:
                session.missed.append([item, session.position])
        session.served.append(item)
        session.mix.append([state.topic, state.kind])
        session.outcomes.append(float(correct) >= 1.0)
        learner.remember(item, self.config.recent_memory)
        learner.served_total += 1
        learner.last_t = t
        return p

    def _learn(
        self,
        learner: LearnerState,
        item: ItemState,
        w: list[float],
        predicted: tuple[float, float],
        correct: bool | float,
    ) -> None:
        """Update the item's beliefs, the learner's ability and their topic offset.

        `predicted` is the prediction and its slope, from the posterior weights `w` before
        the answer. Difficulty and ability learn under the issue's model (a = 1). The
        discrimination is learned apart, given the difficulty, and only the exam uses it: in
        practice, noisy discriminations cost more than they bring (see the simulation).
        """
        cfg = self.config
        topic = learner.topic(item.topic, cfg.topic_sd**2)
        old_b = item.b
        shift, var = topic.mean - old_b, item.var + topic.var
        p, slope = predicted
        item.b, item.var = model.gaussian_step(old_b, item.var, p, -slope, correct)
        item.var += cfg.item_drift
        if item.var_a:
            p_a, _, slope_a = model.predictive(w, shift, item.guess, var, item.a, item.var_a)
            a, var_a = model.gaussian_step(item.a, item.var_a, p_a, slope_a, correct)
            item.a, item.var_a = min(max(a, A_MIN), A_MAX), var_a + cfg.item_drift
        item.answers += 1
        self.index.move(item, old_b)
        model.add_answer(learner.loglik, shift, item.guess, var, correct, forget=cfg.forget)
        # The offset learns from what the updated overall ability still fails to explain,
        # so that one answer is not counted twice.
        p, slope, _ = model.predictive(self.posterior(learner), shift, item.guess, var)
        topic.mean, topic.var = model.gaussian_step(topic.mean, topic.var, p, slope, correct)
        topic.answers += 1
        learner.answers += 1

    def ability(self, learner: LearnerState, topic: str | None = None) -> tuple[float, float]:
        """Return the learner's ability (EAP) and its standard error, overall or on `topic`."""
        theta, se = model.moments(self.posterior(learner))
        if topic is None:
            return theta, se
        offset, var = self._topic(learner, topic)
        return theta + offset, (se * se + var) ** 0.5

    def exam_ability(self, learner: LearnerState) -> tuple[float, float]:
        """Return the ability estimate and standard error from the current exam's answers."""
        session = learner.session
        if session is None or session.exam_loglik is None:
            return self.config.prior_mean, self.config.prior_sd
        return model.moments(model.weights(session.exam_loglik, self._prior))

    def exam_decision(self, learner: LearnerState) -> str | None:
        """Return "pass" or "fail" once the exam can decide, else None."""
        cfg = self.config
        session = learner.session
        if session is None or session.mode != EXAM or session.exam_answers < cfg.exam_min:
            return None
        above = model.prob_above(model.weights(session.exam_loglik, self._prior), cfg.cut)
        tail = (1.0 - cfg.confidence) / 2.0
        if above >= 1.0 - tail:
            return PASSED
        if above <= tail:
            return FAILED
        if session.exam_answers >= cfg.exam_max:
            return PASSED if above >= 0.5 else FAILED
        return None


_default = Engine()


def reset(
    bank_meta: Iterable[ItemMeta | dict[str, Any]], states: dict[ItemId, ItemState] | None = None
) -> None:
    """Load candidate items into the default engine."""
    _default.reset(bank_meta, states)


def next_item(
    learner: LearnerState, mode: str = PRACTICE, *, due: Iterable[ItemId] | None = None
) -> Choice | None:
    """Return the default engine's next item for `learner`."""
    return _default.next_item(learner, mode, due=due)


def predict(learner: LearnerState, item: ItemId) -> float:
    """Return the default engine's P(correct) for `learner` on `item`."""
    return _default.predict(learner, item)


def record(
    learner: LearnerState, item: ItemId, correct: bool | float, t: float | None = None
) -> float:
    """Record an answer in the default engine; return the prediction made before it."""
    return _default.record(learner, item, correct, t)


def ability(learner: LearnerState, topic: str | None = None) -> tuple[float, float]:
    """Return the default engine's ability estimate for `learner`."""
    return _default.ability(learner, topic)


def exam_decision(learner: LearnerState) -> str | None:
    """Return the default engine's exam decision for `learner`."""
    return _default.exam_decision(learner)
