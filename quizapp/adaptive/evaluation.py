"""Statistics that judge a learner model: ranking, linking, discrimination and calibration.

Used by the simulation, and usable on real answers (for instance on the probe items, which
selection did not choose, to check the live model without selection bias).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def mean(values: Sequence[float]) -> float:
    """Return the arithmetic mean (nan for no values)."""
    return sum(values) / len(values) if values else math.nan


def ranks(values: Sequence[float]) -> list[float]:
    """Return 1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return result


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Return Pearson's correlation of `x` and `y`."""
    mx, my = mean(x), mean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else math.nan


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Return Spearman's rank correlation of `x` and `y`."""
    return pearson(ranks(x), ranks(y))


def fit_line(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """Return (slope, intercept) of the least-squares line y ≈ slope·x + intercept."""
    mx, my = mean(x), mean(y)
    sxx = sum((a - mx) ** 2 for a in x)
    slope = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sxx if sxx else 0.0
    return slope, my - slope * mx


def linked_rmse(estimates: Sequence[float], truth: Sequence[float]) -> float:
    """Return the RMSE of `truth` against the best linear map of `estimates` onto it."""
    slope, intercept = fit_line(estimates, truth)
    squared = [(t - (slope * e + intercept)) ** 2 for e, t in zip(estimates, truth, strict=True)]
    return math.sqrt(mean(squared))


def auc(predictions: Sequence[float], outcomes: Sequence[bool]) -> float:
    """Return the area under the ROC curve (Mann-Whitney, ties counted half)."""
    positives = sum(1 for y in outcomes if y)
    negatives = len(outcomes) - positives
    if not positives or not negatives:
        return math.nan
    rank_sum = sum(r for r, y in zip(ranks(predictions), outcomes, strict=True) if y)
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def log_loss(predictions: Sequence[float], outcomes: Sequence[bool]) -> float:
    """Return the mean negative log-likelihood of the outcomes."""
    total = 0.0
    for p, y in zip(predictions, outcomes, strict=True):
        p = min(max(p, 1e-12), 1.0 - 1e-12)
        total -= math.log(p if y else 1.0 - p)
    return total / len(predictions) if predictions else math.nan


def calibration(predictions: Sequence[float], outcomes: Sequence[bool]) -> float:
    """Return mean predicted probability minus observed success rate."""
    return mean(predictions) - mean([1.0 if y else 0.0 for y in outcomes])
