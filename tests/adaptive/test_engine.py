"""The adaptive engine: update rules, guessing, selection rules, exam, state round trips.

Pure Python: no database, no request.
"""

import json
import math
import statistics
import time
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.adaptive import engine as engine_module
from quizapp.adaptive import model
from quizapp.adaptive.engine import EXAM, FAILED, PASSED, Config, Engine, ItemState, LearnerState
from quizapp.adaptive.selection import (
    AT_LEVEL,
    MOST_INFORMATIVE,
    NEW_AT_LEVEL,
    PROBE,
    RETRY_MISSED,
    REVIEW_DUE,
    WEAK_TOPIC,
)

TOPICS = ("ports", "roles", "protocols")


def bank(count=120, options=4, spread=3.0):
    """Return item metadata spread evenly over difficulties -spread..spread."""
    return [
        {
            "id": i,
            "options": options,
            "topic": TOPICS[i % len(TOPICS)],
            "difficulty": -spread + 2 * spread * i / (count - 1),
        }
        for i in range(count)
    ]


def engine_over(items=None, **config):
    engine = Engine(Config(**config), seed=1)
    engine.reset(items if items is not None else bank())
    return engine


def serve(engine, learner, answers, correct=lambda choice, n: True):
    """Serve `answers` practice items, answering with `correct`; return the choices."""
    choices = []
    for n in range(answers):
        choice = engine.next_item(learner)
        choices.append(choice)
        engine.record(learner, choice.item, correct(choice, n), float(n))
    return choices


# Maths ----------------------------------------------------------------------------------


def test_guessing_floor_is_one_over_the_number_of_options():
    assert model.guess_floor(4) == 0.25
    assert model.guess_floor(2) == 0.5
    assert model.guess_floor(None) == 0.0
    assert model.guess_floor(0) == 0.0
    assert model.guess_floor(1) == 0.0


def test_prediction_with_guessing_follows_the_issue_formula():
    # P = 1/k + (1 - 1/k) * sigmoid(theta - b), here sigmoid(ln 3) = 3/4.
    assert model.p_correct(1.0, 1.0, 0.25) == pytest.approx(0.625)
    assert model.p_correct(math.log(3), 0.0, 0.25) == pytest.approx(0.25 + 0.75 * 0.75)
    assert model.p_correct(math.log(3), 0.0, 0.0) == pytest.approx(0.75)


def test_gaussian_step_matches_the_hand_computed_kalman_update():
    # precision 1 + 0.25^2 / 0.25 = 1.25; mean 0 + 0.8 * 0.25 * (1 - 0.5) / 0.25 = 0.4
    assert model.gaussian_step(0.0, 1.0, 0.5, 0.25, True) == pytest.approx((0.4, 0.8))
    assert model.gaussian_step(0.0, 1.0, 0.5, 0.25, False) == pytest.approx((-0.4, 0.8))
    # A difficulty has a negative slope: a correct answer makes the item look easier.
    assert model.gaussian_step(0.0, 1.0, 0.5, -0.25, True) == pytest.approx((-0.4, 0.8))


def test_one_answer_adds_the_log_of_its_probability_at_every_ability():
    loglik = model.flat_loglik()
    model.add_answer(loglik, -0.5, 0.25, 0.0, True)
    model.add_answer(loglik, -0.5, 0.25, 0.0, False)
    for value, theta in zip(loglik, model.GRID, strict=True):
        p = model.p_correct(theta, 0.5, 0.25)
        assert value == pytest.approx(math.log(p) + math.log(1 - p))


def test_a_partly_right_answer_moves_the_belief_part_of_the_way():
    # Half the marks: y = 0.5 against p = 0.5 leaves the mean where it was.
    assert model.gaussian_step(0.0, 1.0, 0.5, 0.25, 0.5) == pytest.approx((0.0, 0.8))
    assert model.gaussian_step(0.0, 1.0, 0.5, 0.25, 0.75)[0] == pytest.approx(0.2)


def test_a_partial_score_adds_its_share_of_right_and_wrong_log_likelihood():
    loglik = model.flat_loglik()
    model.add_answer(loglik, -0.5, 0.25, 0.0, 0.9)
    for value, theta in zip(loglik, model.GRID, strict=True):
        p = model.p_correct(theta, 0.5, 0.25)
        assert value == pytest.approx(0.9 * math.log(p) + 0.1 * math.log(1 - p))


def test_the_engine_learns_more_from_a_full_answer_than_from_a_partial_one():
    abilities = []
    for score in (1.0, 0.5, 0.0):
        learner = LearnerState()
        engine = engine_over([{"id": 1, "options": None}])
        engine.record(learner, 1, score, 0.0)
        abilities.append(engine.ability(learner)[0])
    assert abilities[0] > abilities[1] > abilities[2]


def test_a_fresh_learner_on_an_average_item_is_predicted_by_symmetry():
    learner = LearnerState()
    engine = engine_over([{"id": 1, "options": 4}, {"id": 2, "options": None}])
    assert engine.predict(learner, 1) == pytest.approx(0.625)
    assert engine.predict(learner, 2) == pytest.approx(0.5)


def test_a_cold_item_starts_from_its_difficulty_prior():
    engine = engine_over([{"id": 1, "difficulty": 2.0}, {"id": 2, "difficulty": -2.0}])
    learner = LearnerState()
    assert engine.items[1].b == 2.0
    assert engine.predict(learner, 1) < 0.5 < engine.predict(learner, 2)


def test_the_information_peak_of_a_guessable_item_is_above_its_difficulty():
    offset = model.most_informative_offset(0.25)
    peak = model.information(offset, 0.0, 0.25)
    assert offset > 0
    assert peak > model.information(offset + 0.3, 0.0, 0.25)
    assert peak > model.information(offset - 0.3, 0.0, 0.25)


# Learning -------------------------------------------------------------------------------


def test_a_correct_answer_raises_ability_and_lowers_difficulty():
    engine = engine_over()
    learner = LearnerState()
    before = engine.items[60].b
    engine.record(learner, 60, True, 0.0)
    assert engine.ability(learner)[0] > 0
    assert engine.items[60].b < before


def test_a_wrong_answer_lowers_ability_and_raises_difficulty():
    engine = engine_over()
    learner = LearnerState()
    before = engine.items[60].b
    engine.record(learner, 60, False, 0.0)
    assert engine.ability(learner)[0] < 0
    assert engine.items[60].b > before


def test_each_answer_moves_an_item_less_than_the_one_before():
    engine = engine_over([{"id": 1, "options": 4}], discrimination=False)
    moves, variances = [], []
    for n in range(80):
        before = engine.items[1].b
        engine.record(LearnerState(), 1, n % 2 == 0, float(n))
        moves.append(abs(engine.items[1].b - before))
        variances.append(engine.items[1].var)
    assert moves[-1] < moves[0] / 3
    assert variances == sorted(variances, reverse=True)
    assert engine.items[1].answers == 80


def test_the_standard_error_shrinks_as_answers_come_in():
    engine = engine_over()
    learner = LearnerState()
    errors = [engine.ability(learner)[1]]
    for _ in range(40):
        serve(engine, learner, 1, lambda c, n: len(errors) % 4 != 0)
        errors.append(engine.ability(learner)[1])
    assert errors[40] < errors[20] < errors[10] < errors[0]
    assert errors[40] < errors[0] / 2


def test_a_topic_answered_wrong_more_often_gets_a_lower_ability_than_the_others():
    engine = engine_over()
    learner = LearnerState()
    serve(engine, learner, 45, lambda c, n: engine.items[c.item].topic != "ports" or n % 3 == 0)
    ports, _ = engine.ability(learner, "ports")
    roles, _ = engine.ability(learner, "roles")
    assert ports < roles
    assert learner.topics["ports"].mean < 0 < learner.topics["roles"].mean


def test_a_retry_is_recorded_but_is_not_evidence():
    engine = engine_over()
    learner = LearnerState()
    engine.record(learner, 10, False, 0.0)
    loglik, b = list(learner.loglik), engine.items[10].b
    engine.record(learner, 10, True, 1.0)
    assert learner.loglik == loglik
    assert engine.items[10].b == b
    assert learner.answers == 1
    assert learner.session.served == [10, 10]


def test_record_returns_the_prediction_made_before_the_answer():
    engine = engine_over()
    learner = LearnerState()
    expected = engine.predict(learner, 5)
    assert engine.record(learner, 5, True, 0.0) == expected


def test_fit_prior_recovers_the_population_the_evidence_came_from():
    import random

    rng = random.Random(3)
    logliks = []
    for _ in range(300):
        theta = rng.gauss(1.0, 0.5)
        loglik = model.flat_loglik()
        for _ in range(40):
            b = rng.gauss(1.0, 1.0)
            model.add_answer(loglik, -b, 0.0, 0.0, rng.random() < model.p_correct(theta, b, 0))
        logliks.append(loglik)
    mean, sd = model.fit_prior(logliks)
    assert mean == pytest.approx(1.0, abs=0.1)
    assert sd == pytest.approx(0.5, abs=0.1)


# Practice selection ---------------------------------------------------------------------


def test_no_item_is_served_twice_in_a_session_when_nothing_is_missed():
    engine = engine_over()
    choices = serve(engine, LearnerState(), 60)
    assert len({c.item for c in choices}) == 60


def test_a_missed_item_comes_back_after_at_least_five_others():
    engine = engine_over()
    learner = LearnerState()
    choices = serve(engine, learner, 12, lambda c, n: n != 0)
    retries = [n for n, c in enumerate(choices) if c.reason == RETRY_MISSED]
    assert retries == [6]
    assert choices[6].item == choices[0].item
    assert len({c.item for c in choices[:6]}) == 6


def test_at_most_one_retry_is_served_per_retry_spacing():
    engine = engine_over()
    spacing = Config().retry_spacing
    choices = serve(engine, LearnerState(), spacing + 10, lambda c, n: c.reason == RETRY_MISSED)
    retries = [n for n, c in enumerate(choices) if c.reason == RETRY_MISSED]
    assert len(retries) == 2
    assert retries[1] - retries[0] > spacing


def test_every_tenth_item_is_a_flagged_random_probe():
    engine = engine_over()
    choices = serve(engine, LearnerState(), 40)
    probes = [n for n, c in enumerate(choices) if c.probe]
    assert probes == [9, 19, 29, 39]
    assert all(choices[n].reason == PROBE for n in probes)


def test_probes_are_spread_over_the_whole_bank():
    engine = engine_over()
    learner = LearnerState()
    serve(engine, learner, 9)
    picks = set()
    for _ in range(60):
        picks.add(engine.next_item(learner).item)
    assert min(picks) < 30 and max(picks) > 90


def test_practice_aims_at_the_target_success_rate():
    engine = engine_over(bank(count=300), jitter=0.0)
    learner = LearnerState()
    serve(engine, learner, 30, lambda c, n: n % 4 != 0)
    predicted = []
    for n in range(12):
        choice = engine.next_item(learner)
        p = engine.record(learner, choice.item, n % 4 != 0, float(n))
        if choice.reason in (NEW_AT_LEVEL, AT_LEVEL):
            predicted.append(p)
    assert len(predicted) >= 8
    assert all(abs(p - 0.75) < 0.05 for p in predicted)


def test_a_lower_target_serves_harder_items():
    easy, hard = engine_over(jitter=0.0), engine_over(jitter=0.0, target=0.5)
    first_easy = easy.next_item(LearnerState()).item
    first_hard = hard.next_item(LearnerState()).item
    assert hard.items[first_hard].b > easy.items[first_easy].b


def test_a_weak_topic_is_preferred_and_named():
    engine = engine_over()
    learner = LearnerState()
    learner.topic("roles", 0.25).mean = -0.8
    choice = engine.next_item(learner)
    assert choice.reason == WEAK_TOPIC
    assert choice.topic == "roles"
    assert engine.items[choice.item].topic == "roles"


def test_a_new_item_at_level_is_said_so():
    choice = engine_over().next_item(LearnerState())
    assert choice.reason == NEW_AT_LEVEL
    assert choice.topic is None and not choice.probe


def test_items_seen_lately_give_way_to_fresh_ones():
    twins = [{"id": i, "options": 4, "topic": "ports", "difficulty": -0.9} for i in range(2)]
    engine = engine_over(twins, jitter=0.0)
    learner = LearnerState()
    first = engine.next_item(learner).item
    engine.record(learner, first, True, 0.0)
    engine.start_session(learner, "practice")
    second = engine.next_item(learner)
    assert second.item != first
    assert second.reason == NEW_AT_LEVEL


def test_an_item_seen_in_an_earlier_session_can_come_back_at_level():
    engine = engine_over([{"id": 1, "options": 4, "topic": "ports"}])
    learner = LearnerState()
    engine.record(learner, 1, True, 0.0)
    engine.start_session(learner, "practice")
    assert engine.next_item(learner).reason == AT_LEVEL


def test_due_reviews_come_first_and_say_so():
    engine = engine_over()
    choice = engine.next_item(LearnerState(), due={117, 3})
    assert choice.reason == REVIEW_DUE
    assert choice.item in {117, 3}


def test_due_reviews_outside_the_candidates_or_served_are_skipped():
    engine = engine_over()
    learner = LearnerState()
    engine.record(learner, 3, True, 0.0)
    assert engine.next_item(learner, due={3, 9999}).reason != REVIEW_DUE


def test_selection_works_on_whatever_candidates_it_was_given():
    engine = engine_over(bank()[40:45])
    choices = serve(engine, LearnerState(), 5)
    assert {c.item for c in choices} == set(range(40, 45))
    assert engine.next_item(engine_module.LearnerState()).item in range(40, 45)


def test_an_exhausted_candidate_set_gives_no_item():
    engine = engine_over(bank()[:3])
    learner = LearnerState()
    serve(engine, learner, 3)
    assert engine.next_item(learner) is None


def test_the_difficulty_range_holds_the_chosen_item():
    engine = engine_over(bank(count=300))
    learner = LearnerState()
    serve(engine, learner, 12, lambda c, n: n % 3 != 0)
    low, high = engine.difficulty_range(learner)
    choice = engine.next_item(learner)
    assert low <= engine.items[choice.item].b <= high


def test_picking_among_ten_thousand_candidates_takes_well_under_ten_ms():
    engine = engine_over(bank(count=10_000))
    learner = LearnerState()
    serve(engine, learner, 30, lambda c, n: n % 4 != 0)
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        engine.next_item(learner)
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.010


# Exam -----------------------------------------------------------------------------------


def sit(engine, answer, limit=100):
    """Sit an exam answering with `answer(n)`; return (decision, items served, reasons)."""
    learner = LearnerState()
    engine.start_session(learner, EXAM)
    reasons = []
    for n in range(limit):
        choice = engine.next_item(learner, EXAM)
        if choice is None:
            break
        reasons.append(choice.reason)
        engine.record(learner, choice.item, answer(n), float(n))
    return engine.exam_decision(learner), len(reasons), reasons, learner


def test_the_exam_never_decides_before_its_minimum_length():
    engine = engine_over()
    learner = LearnerState()
    engine.start_session(learner, EXAM)
    for n in range(9):
        engine.record(learner, engine.next_item(learner, EXAM).item, True, float(n))
        assert engine.exam_decision(learner) is None


def test_a_learner_who_gets_everything_right_passes_at_the_minimum():
    decision, served, reasons, _ = sit(engine_over(), lambda n: True)
    assert (decision, served) == (PASSED, 10)
    assert set(reasons) == {MOST_INFORMATIVE}


def test_a_learner_who_gets_everything_wrong_fails_at_the_minimum():
    decision, served, _, _ = sit(engine_over(), lambda n: False)
    assert (decision, served) == (FAILED, 10)


def test_an_undecided_exam_is_decided_at_its_maximum_length():
    engine = engine_over(exam_min=10, exam_max=12, confidence=0.99999)
    learner = LearnerState()
    engine.start_session(learner, EXAM)
    for n in range(11):
        engine.record(learner, engine.next_item(learner, EXAM).item, n % 2 == 0, float(n))
    assert engine.exam_decision(learner) is None
    engine.record(learner, engine.next_item(learner, EXAM).item, True, 11.0)
    assert engine.exam_decision(learner) in (PASSED, FAILED)
    assert engine.next_item(learner, EXAM) is None


def test_the_exam_decides_once_the_95_percent_interval_excludes_the_cut():
    engine = engine_over(bank(count=200))
    learner = LearnerState()
    engine.start_session(learner, EXAM)
    above = []
    n = 0
    while engine.exam_decision(learner) is None:
        engine.record(learner, engine.next_item(learner, EXAM).item, n % 5 != 0, float(n))
        w = model.weights(learner.session.exam_loglik, model.log_prior(0.0, 1.0))
        above.append(model.prob_above(w, engine.config.cut))
        n += 1
    assert 10 < n < 60
    assert above[-1] >= 0.975
    assert all(0.025 < a < 0.975 for a in above[9:-1])


def test_the_exam_serves_no_probe_and_no_repeat():
    _, served, reasons, learner = sit(engine_over(), lambda n: n % 2 == 0)
    assert len(set(learner.session.served)) == served
    assert PROBE not in reasons and RETRY_MISSED not in reasons


def test_the_exam_asks_the_most_informative_item():
    engine = engine_over(exam_randomesque=1)
    learner = LearnerState()
    choice = engine.next_item(learner, EXAM)
    theta, _ = engine.exam_ability(learner)
    best = max(engine.items.values(), key=lambda i: model.information(theta, i.b, i.guess, i.a))
    assert choice.item == best.id


def test_the_exam_estimate_uses_the_exam_answers_only():
    engine = engine_over()
    learner = LearnerState()
    serve(engine, learner, 20)
    engine.start_session(learner, EXAM)
    assert engine.exam_ability(learner) == pytest.approx((0.0, 1.0), abs=1e-3)
    assert engine.ability(learner)[0] > 1.0


# State ----------------------------------------------------------------------------------


def test_learner_state_survives_a_json_round_trip():
    engine = engine_over()
    learner = LearnerState()
    serve(engine, learner, 17, lambda c, n: n % 3 != 0)
    copy = LearnerState.from_dict(json.loads(json.dumps(learner.to_dict())))
    assert copy == learner
    assert all(isinstance(item, int) for item in copy.recent)
    assert engine.predict(copy, 7) == engine.predict(learner, 7)
    assert engine.ability(copy, "ports") == engine.ability(learner, "ports")


def test_an_exam_session_survives_a_json_round_trip():
    engine = engine_over()
    learner = LearnerState()
    engine.start_session(learner, EXAM)
    for n in range(5):
        engine.record(learner, engine.next_item(learner, EXAM).item, n % 2 == 0, float(n))
    copy = LearnerState.from_dict(json.loads(json.dumps(learner.to_dict())))
    assert copy == learner
    assert engine.exam_ability(copy) == engine.exam_ability(learner)


def test_item_state_survives_a_json_round_trip():
    engine = engine_over()
    engine.record(LearnerState(), 4, True, 0.0)
    item = engine.items[4]
    assert ItemState.from_dict(json.loads(json.dumps(item.to_dict()))) == item


def test_a_learner_saved_on_another_grid_is_refused():
    data = LearnerState().to_dict()
    data["loglik"] = data["loglik"][:-1]
    with pytest.raises(ValueError, match="grid"):
        LearnerState.from_dict(data)


def test_stored_item_states_are_used_and_updated_in_place():
    stored = {1: ItemState(1, 4, "ports", b=1.5, var=0.01, answers=80)}
    engine = Engine()
    engine.reset([{"id": 1, "options": 4, "topic": "ports"}], stored)
    engine.record(LearnerState(), 1, True, 0.0)
    assert stored[1].answers == 81
    assert stored[1].b < 1.5


def test_the_module_functions_drive_a_default_engine():
    learner = LearnerState()
    engine_module.reset(bank()[:20])
    choice = engine_module.next_item(learner, "practice")
    p = engine_module.predict(learner, choice.item)
    assert engine_module.record(learner, choice.item, True, 0.0) == p
    assert engine_module.ability(learner)[0] > 0
    assert engine_module.exam_decision(learner) is None


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode"):
        engine_over().next_item(LearnerState(), "quiz")


# Properties -----------------------------------------------------------------------------

ANSWERS = st.lists(st.tuples(st.integers(0, 29), st.booleans()), max_size=80)


@settings(max_examples=60, deadline=None)
@given(answers=ANSWERS, exam=st.booleans())
def test_any_answer_sequence_keeps_probabilities_inside_zero_one_and_abilities_finite(
    answers, exam
):
    items = [
        {"id": i, "options": (None, 2, 4)[i % 3], "topic": TOPICS[i % 3], "difficulty": i - 15.0}
        for i in range(30)
    ]
    engine = Engine(seed=2)
    engine.reset(items)
    learner = LearnerState()
    if exam:
        engine.start_session(learner, EXAM)
    for n, (item, correct) in enumerate(answers):
        p = engine.record(learner, item, correct, float(n))
        assert 0.0 < p < 1.0
    for item in engine.items.values():
        assert 0.0 < engine.predict(learner, item.id) < 1.0
        assert math.isfinite(item.b) and item.var > 0 and math.isfinite(item.a)
    for topic in (None, *TOPICS):
        theta, se = engine.ability(learner, topic)
        assert math.isfinite(theta) and math.isfinite(se) and se > 0
    theta, se = engine.exam_ability(learner)
    assert math.isfinite(theta) and se > 0


@settings(max_examples=40, deadline=None)
@given(
    answers=st.lists(st.booleans(), min_size=1, max_size=60),
    options=st.sampled_from([None, 2, 3, 4]),
)
def test_any_practice_run_serves_candidates_with_a_known_reason(answers, options):
    engine = Engine(replace(Config(), jitter=0.1), seed=3)
    engine.reset(bank(count=40, options=options))
    learner = LearnerState()
    for n, correct in enumerate(answers):
        choice = engine.next_item(learner)
        if choice is None:
            break
        assert choice.item in engine.items
        assert choice.reason in (NEW_AT_LEVEL, AT_LEVEL, WEAK_TOPIC, PROBE, RETRY_MISSED)
        engine.record(learner, choice.item, correct, float(n))
