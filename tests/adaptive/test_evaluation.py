"""Statistics that judge the learner model, against hand-computed values."""

import math

import pytest

from quizapp.adaptive import evaluation


def test_ranks_share_ties():
    assert evaluation.ranks([10, 30, 20, 30]) == [1.0, 3.5, 2.0, 3.5]


def test_spearman_is_one_for_any_increasing_map_and_minus_one_reversed():
    x = [0.1, 0.5, 0.2, 0.9, 0.3]
    assert evaluation.spearman(x, [math.exp(v) for v in x]) == pytest.approx(1.0)
    assert evaluation.spearman(x, [-v for v in x]) == pytest.approx(-1.0)


def test_linked_rmse_ignores_a_linear_change_of_scale():
    truth = [-1.0, 0.0, 0.5, 2.0]
    assert evaluation.linked_rmse([3 * t + 7 for t in truth], truth) == pytest.approx(0.0)


def test_linked_rmse_measures_what_no_line_explains():
    # The best line through (0, 0), (0, 2) is y = 1: both points miss it by 1.
    assert evaluation.linked_rmse([0.0, 0.0], [0.0, 2.0]) == pytest.approx(1.0)


def test_auc_counts_ordered_pairs_and_half_the_ties():
    # Pairs (positive, negative): (0.9, 0.1) right, (0.9, 0.5) right, (0.5, 0.1) right,
    # (0.5, 0.5) a tie: (3 + 0.5) / 4.
    assert evaluation.auc([0.9, 0.5, 0.5, 0.1], [True, True, False, False]) == 0.875


def test_log_loss_and_calibration_by_hand():
    p, y = [0.8, 0.4], [True, False]
    assert evaluation.log_loss(p, y) == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)
    assert evaluation.calibration(p, y) == pytest.approx(0.6 - 0.5)
