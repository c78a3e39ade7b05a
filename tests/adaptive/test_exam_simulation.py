"""The SPRT exam in the simulation: the engine's cut comes from what it learned, never from
the truth, and the report carries the figures the issue asks for."""

import random

from benchmarks import adaptive_sim as sim
from quizapp.adaptive import exam_rule


def test_the_shipped_shape_is_the_real_bank():
    shape = sim.shipped_shape()
    assert len(shape) == 188
    assert len({topic for topic, _ in shape}) == 5
    assert {options for _, options in shape} >= {2, 4, None}


def test_the_engine_cut_is_placed_from_learned_parameters_only(monkeypatch):
    seen = []
    real = exam_rule.cut_for_score

    def spy(items, share, *args):
        seen.append([(it.b, it.a) for it in items])
        return real(items, share, *args)

    monkeypatch.setattr(sim.exam_rule, "cut_for_score", spy)
    figures = sim.run_real_shape(7, calibration=20, sittings=10)
    engine_items, true_items = seen
    assert engine_items != true_items  # the engine's own beliefs, not the hidden truth
    for arm in ("engine", "oracle"):
        f = figures[arm]
        assert f["sittings"] == 10
        assert 10 <= f["mean_items"] <= 60
        assert 0.0 <= f["accuracy_outside"] <= 1.0 and 0.0 <= f["false_pass"] <= 1.0


def test_a_sitting_stops_within_the_rule_and_covers_the_topics():
    rng = random.Random(5)
    bank = [sim.TrueItem(i, 1.2, rng.gauss(0, 1), 0.25, f"t{i % 5}") for i in range(100)]
    states = sim.true_states(bank)
    rule = exam_rule.ExamRule(cut=0.0)
    ranked = exam_rule.ranked_by_topic(rule, states.values())
    shares = exam_rule.shares({f"t{i}": 1 for i in range(5)})
    truth = {it.id: it for it in bank}
    for theta in (-2.0, 0.0, 2.0):
        decision, n = sim.sit_sprt(rule, ranked, shares, truth, theta, rng)
        assert decision in ("pass", "fail") and 10 <= n <= 60
