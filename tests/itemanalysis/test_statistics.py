"""The statistics, checked against figures worked out by hand."""

import pytest

from quizapp.itemanalysis.statistics import (
    MIN_ANSWERS,
    MIN_PAIRS,
    Flag,
    ItemSums,
    OptionShare,
    discrimination,
    facility,
    flags_for,
    key_outdrawn,
    option_counts,
    typed_answer_counts,
)


def sums_of(pairs):
    xs, ys = [x for x, _y in pairs], [y for _x, y in pairs]
    return ItemSums(
        n=len(pairs),
        score_sum=sum(xs),
        n_pairs=len(pairs),
        x_sum=sum(xs),
        y_sum=sum(ys),
        xx_sum=sum(x * x for x in xs),
        yy_sum=sum(y * y for y in ys),
        xy_sum=sum(x * y for x, y in pairs),
    )


def test_facility_is_the_mean_score():
    assert facility(ItemSums(n=4, score_sum=2.5)) == 0.625
    assert facility(ItemSums(n=0, score_sum=0)) is None


def test_discrimination_matches_the_correlation_worked_by_hand():
    # x = 1,1,0,0 and y = .8,.6,.4,.2: Σdxdy = .4, Σdx² = 1, Σdy² = .2, r = .4/√.2.
    pairs = [(1, 0.8), (1, 0.6), (0, 0.4), (0, 0.2)]
    assert discrimination(sums_of(pairs)) == pytest.approx(0.894427, abs=1e-6)


def test_an_item_the_weak_get_right_and_the_strong_miss_discriminates_negatively():
    # dx = -.5,-.5,.5,.5 and dy = .4,.2,-.2,-.4: Σdxdy = -.6, Σdy² = .4, r = -.6/√.4.
    pairs = [(0, 0.9), (0, 0.7), (1, 0.3), (1, 0.1)]
    assert discrimination(sums_of(pairs)) == pytest.approx(-0.9486833, abs=1e-6)


def test_discrimination_is_undefined_when_nobody_differs():
    assert discrimination(sums_of([(1, 0.2), (1, 0.9), (1, 0.5)])) is None
    assert discrimination(sums_of([(1, 0.5), (0, 0.5)])) is None
    assert discrimination(sums_of([(1, 0.5)])) is None


def test_partial_credit_counts_as_its_score():
    # x = .5, 1, 0 against y = .5, 1, 0: the same ranking, r = 1.
    assert discrimination(sums_of([(0.5, 0.5), (1, 1), (0, 0)])) == pytest.approx(1.0)


def test_a_wrong_option_chosen_more_than_the_key_is_caught():
    key = OptionShare("587", 3, 0.3, True)
    assert key_outdrawn([key, OptionShare("25", 5, 0.5, False)])
    assert not key_outdrawn([key, OptionShare("25", 3, 0.3, False)])
    assert not key_outdrawn([key])


def test_a_multiple_choice_key_outdrawn_means_its_least_chosen_right_option():
    options = [
        OptionShare("993", 9, 0.9, True),
        OptionShare("995", 2, 0.2, True),
        OptionShare("143", 4, 0.4, False),
    ]
    assert key_outdrawn(options)


def test_no_flag_below_the_minimum_counts():
    lure = [OptionShare("key", 0, 0, True), OptionShare("lure", 9, 1, False)]
    assert flags_for(0.0, -0.9, MIN_ANSWERS - 1, MIN_PAIRS - 1, lure) == []


def test_flags_at_the_minimum_counts():
    lure = [OptionShare("key", 0, 0, True), OptionShare("lure", 9, 1, False)]
    assert flags_for(0.05, -0.3, MIN_ANSWERS, MIN_PAIRS, lure) == [
        Flag.NEGATIVE_DISCRIMINATION,
        Flag.DISTRACTOR_OVER_KEY,
        Flag.TOO_HARD,
    ]
    assert flags_for(0.95, 0.05, MIN_ANSWERS, MIN_PAIRS, []) == [
        Flag.WEAK_DISCRIMINATION,
        Flag.TOO_EASY,
    ]
    assert flags_for(0.6, 0.4, MIN_ANSWERS, MIN_PAIRS, []) == []


def test_discrimination_needs_its_own_minimum_of_pairs():
    assert flags_for(0.6, -0.5, MIN_ANSWERS + 50, MIN_PAIRS - 1, []) == []


def test_option_counts_of_each_type():
    spec = {"options": [{"key": "a"}, {"key": "b"}, {"key": "c"}]}
    single = [({"choice": "a"}, 3), ({"choice": "c"}, 1)]
    assert option_counts("single", spec, single) == {"a": 3, "b": 0, "c": 1}
    multiple = [({"choices": ["a", "b"]}, 2), ({"choices": ["b"]}, 1)]
    assert option_counts("multiple", spec, multiple) == {"a": 2, "b": 3, "c": 0}
    truefalse = [({"value": True}, 4), ({"value": False}, 1)]
    assert option_counts("truefalse", {"answer": True}, truefalse) == {"true": 4, "false": 1}
    assert option_counts("ordering", {}, [({"order": ["x"]}, 2)]) == {}


def test_typed_answers_are_merged_as_they_are_graded():
    answers = [({"value": "STARTTLS"}, 2), ({"value": "start tls"}, 1), ({"value": 25}, 4)]
    counts = typed_answer_counts(answers, lambda text: str(text).replace(" ", "").lower())
    assert counts == {"starttls": 3, "25": 4}
