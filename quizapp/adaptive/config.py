"""Settings of the adaptive engine; the defaults are what `benchmarks/adaptive_sim.py` checks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Config:
    """Settings of one engine. Abilities, difficulties and the cut are on the engine's scale."""

    # Population prior of ability. Refit it from time to time with `model.fit_prior` over the
    # learners' stored evidence and pass the result here: the scale depends on the bank.
    prior_mean: float = 0.0
    prior_sd: float = 1.0
    # Prior sd of a new item's difficulty and of a learner's offset on one topic.
    item_sd: float = 1.0
    topic_sd: float = 0.5
    # Learn each item's discrimination (prior N(1, a_sd^2)) for the exam; off, a stays 1.
    discrimination: bool = True
    a_sd: float = 0.3
    # Variance added to an item's beliefs per answer, so that they can still drift.
    item_drift: float = 1e-4
    # Share of a learner's older evidence dropped per answer (0: ability taken as static).
    forget: float = 0.0

    # Practice: target probability of success and how a pick is scored (logits).
    target: float = 0.75
    window: int = 6
    jitter: float = 0.3
    weak_weight: float = 1.0
    weak_margin: float = 0.2
    recent_weight: float = 1.0
    recent_window: int = 50
    recent_memory: int = 500
    probe_every: int = 10
    # A missed item comes back once at least `retry_gap` others were served, and at most one
    # retry is served per `retry_spacing` items: the scheduler brings the others back later.
    retry_gap: int = 5
    retry_spacing: int = 40
    # The mix of item types in a session (see `mix.py`): logits per item a type is behind its
    # share, the most true/false may take of a session, and the answer by which every type of
    # the scope has been met. A weight of 0 and a cap of 1 turn the balance off.
    type_weight: float = 0.5
    truefalse_cap: float = 1 / 3
    type_horizon: int = 20

    # Exam: cut score, the 95 % rule, length limits and exposure control.
    cut: float = 0.0
    confidence: float = 0.95
    exam_min: int = 10
    exam_max: int = 60
    exam_randomesque: int = 3
    exam_window: int = 10
