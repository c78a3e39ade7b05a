"""The mix of item types in a practice session (quizapp/adaptive/mix.py)."""

import random
from collections import Counter

import pytest

from benchmarks.adaptive_sim import make_mixed_bank
from quizapp.adaptive.engine import Config, Engine, LearnerState
from quizapp.adaptive.mix import Mix
from quizapp.adaptive.state import SessionState

OFF = {"type_weight": 0.0, "truefalse_cap": 1.0, "type_horizon": 0}


def mixed_engine(seed=3, **config):
    bank = make_mixed_bank(random.Random(seed), 188)
    engine = Engine(Config(**config), seed=seed)
    meta = [{"id": it.id, "options": it.options, "topic": it.topic, "kind": it.kind} for it in bank]
    engine.reset(meta)
    return engine, bank


def session_kinds(engine, bank, theta, answers=20, seed=5):
    """Serve a learner of true ability `theta`; return the types of the items served."""
    rng = random.Random(seed)
    learner = LearnerState()
    kinds = []
    for n in range(answers):
        choice = engine.next_item(learner)
        item = bank[choice.item]
        engine.record(learner, choice.item, rng.random() < item.p(theta), float(n))
        kinds.append(item.kind)
    return kinds


@pytest.mark.parametrize("theta", [-2.0, -1.0, 0.0, 1.5])
def test_a_session_meets_every_type_within_20_with_a_third_true_false_at_most(theta):
    engine, bank = mixed_engine()
    kinds = session_kinds(engine, bank, theta)
    assert set(kinds) == {it.kind for it in bank}
    assert Counter(kinds)["truefalse"] <= 20 / 3


def test_without_the_balance_a_struggling_learner_gets_mostly_true_false():
    """The skew the balance fixes: aiming at P = 0.75 favours a high guessing floor."""
    engine, bank = mixed_engine(**OFF)
    kinds = session_kinds(engine, bank, -2.0)
    assert Counter(kinds)["truefalse"] > 20 / 3
    assert set(kinds) != {it.kind for it in bank}


def test_the_true_false_cap_holds_at_every_point_of_the_session():
    engine, bank = mixed_engine()
    kinds = session_kinds(engine, bank, -2.5, answers=30)
    for n in range(1, 31):
        # Probes are uniformly random: they may add one true/false beyond the cap.
        assert Counter(kinds[:n])["truefalse"] <= n / 3 + 1


def test_a_bank_of_one_type_is_served_exactly_as_without_the_balance():
    meta = [
        {"id": i, "options": 4, "topic": f"t{i % 3}", "difficulty": (i % 13) / 4 - 1.5}
        for i in range(90)
    ]
    served = []
    for config in ({}, OFF):
        engine = Engine(Config(**config), seed=11)
        engine.reset(meta)
        learner, rng, picks = LearnerState(), random.Random(2), []
        for n in range(30):
            choice = engine.next_item(learner)
            engine.record(learner, choice.item, rng.random() < 0.7, float(n))
            picks.append(choice.item)
        served.append(picks)
    assert served[0] == served[1]


def test_a_type_behind_its_share_gets_a_bonus_and_one_ahead_a_penalty():
    kinds = Counter({("roles", "single"): 6, ("roles", "ordering"): 2, ("roles", "truefalse"): 2})
    session = SessionState(
        mix=[["roles", "truefalse"], ["roles", "truefalse"], ["roles", "single"]]
    )
    mix = Mix.of(kinds, session)
    cfg = Config()
    assert mix.bonus("roles", "ordering", cfg) > 0 > mix.bonus("roles", "truefalse", cfg)
    assert not mix.allows("truefalse", cfg) and mix.allows("ordering", cfg)


def test_the_session_mix_survives_the_json_round_trip():
    session = SessionState(mix=[["ports", "port"], ["roles", "ordering"]])
    assert SessionState.from_dict(session.to_dict()).mix == session.mix
    assert SessionState.from_dict({"mode": "practice"}).mix == []
