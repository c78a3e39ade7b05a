"""The maths of the learner model: an item-response model with guessing, learned online.

    P(correct) = c + (1 - c) * sigmoid(a * (theta + d - b))

where c = 1/k for an item with k options (0 for open answers), theta is the learner's overall
ability, d their offset on the item's topic, b the item's difficulty and a its discrimination.
Practice reads every item with a = 1, which is the issue's formula exactly; only the exam
weighs items by their learned discrimination (see `engine.Engine._learn`).

- theta is kept exactly, as a log-likelihood on the fixed grid `GRID`; the population prior is
  added when it is read, so the estimate is an EAP and its standard error a posterior sd.
- b, a and d are Gaussian beliefs (mean, variance) updated by one assumed-density filtering
  step per answer: a Kalman-style update, the uncertainty-aware cousin of Elo's K-factor (the
  more an item has been answered, the less one answer moves it; Pelanek 2016, Glickman 1999).
  Each step marginalises over the learner's posterior, so an answer from a learner the model
  barely knows moves the item little.
- Uncertainty about b and d flattens predictions through the probit approximation
  E[sigmoid(x)] ~ sigmoid(m / sqrt(1 + pi * v / 8)), which keeps cold items calibrated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

GRID_LO = -5.0
GRID_HI = 5.0
GRID_N = 51
STEP = (GRID_HI - GRID_LO) / (GRID_N - 1)
GRID: tuple[float, ...] = tuple(GRID_LO + i * STEP for i in range(GRID_N))

P_MIN = 1e-6
# Posterior weights below this change no sum we report; skipping them halves the work.
NEGLIGIBLE = 1e-10


def flat_loglik() -> list[float]:
    """Return the log-likelihood of no evidence at all."""
    return [0.0] * GRID_N


def sigmoid(x: float) -> float:
    """Return the logistic function of `x`, without overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def logit(p: float) -> float:
    """Return log(p / (1 - p)) for p clamped into the open interval (0, 1)."""
    p = clamp_p(p)
    return math.log(p / (1.0 - p))


def clamp_p(p: float) -> float:
    """Return `p` kept strictly inside (0, 1)."""
    return min(max(p, P_MIN), 1.0 - P_MIN)


def guess_floor(options: int | None) -> float:
    """Return the chance of a blind guess: 1/k with k options, 0 for open answers."""
    return 1.0 / options if options and options > 1 else 0.0


def spread(var: float) -> float:
    """Return the factor that flattens a logit whose location has variance `var`."""
    return 1.0 / math.sqrt(1.0 + math.pi * var / 8.0)


def p_correct(theta: float, b: float, guess: float, var: float = 0.0, a: float = 1.0) -> float:
    """Return P(correct) at ability `theta` on an item (b, a), with the guessing floor."""
    return guess + (1.0 - guess) * sigmoid(a * (theta - b) * spread(a * a * var))


def log_prior(mean: float, sd: float) -> list[float]:
    """Return the Gaussian log-prior N(mean, sd^2) on the grid, up to a constant."""
    return [-0.5 * ((t - mean) / sd) ** 2 for t in GRID]


def weights(loglik: Sequence[float], prior: Sequence[float]) -> list[float]:
    """Return the normalised posterior weights on the grid."""
    logpost = [a + b for a, b in zip(loglik, prior, strict=True)]
    top = max(logpost)
    raw = [math.exp(x - top) for x in logpost]
    total = sum(raw)
    return [x / total for x in raw]


def moments(w: Sequence[float]) -> tuple[float, float]:
    """Return the posterior mean and standard deviation of weights `w`."""
    mean = sum(wi * t for wi, t in zip(w, GRID, strict=True))
    var = sum(wi * (t - mean) ** 2 for wi, t in zip(w, GRID, strict=True))
    return mean, math.sqrt(max(var, 0.0))


def predictive(
    w: Sequence[float], shift: float, guess: float, var: float, a: float = 1.0, var_a: float = 0.0
) -> tuple[float, float, float]:
    """Return the posterior-predictive P(correct) and its slopes in `shift` and in `a`.

    `shift` is added to theta before scaling by `a` (topic offset minus difficulty), `var` is
    the variance of `shift` and `var_a` that of `a`.
    """
    k = spread(a * a * var)
    acc = acc_shift = acc_a = 0.0
    for wi, t in zip(w, GRID, strict=True):
        if wi < NEGLIGIBLE:
            continue
        x = t + shift
        kx = spread(a * a * var + x * x * var_a) if var_a else k
        s = sigmoid(a * x * kx)
        ds = wi * s * (1.0 - s) * kx
        acc += wi * s
        acc_shift += ds
        acc_a += ds * x
    p = guess + (1.0 - guess) * acc
    return clamp_p(p), (1.0 - guess) * a * acc_shift, (1.0 - guess) * acc_a


def add_answer(
    loglik: list[float],
    shift: float,
    guess: float,
    var: float,
    correct: bool | float,
    *,
    forget: float = 0.0,
    a: float = 1.0,
    var_a: float = 0.0,
) -> None:
    """Add the log-likelihood of one answer to `loglik`, in place.

    `correct` is the answer's score in [0, 1]: partial credit (0.5 for half the
    marks) counts as that share of a right answer, y log P + (1 - y) log (1 - P).
    `forget` discounts older evidence (0 keeps all of it) so that an ability that grows with
    practice can be tracked rather than averaged.
    """
    y = min(1.0, max(0.0, float(correct)))
    k = spread(a * a * var)
    keep = 1.0 - forget
    for i, t in enumerate(GRID):
        x = t + shift
        kx = spread(a * a * var + x * x * var_a) if var_a else k
        z = a * x * kx
        # Use sigmoid(z) or sigmoid(-z) directly so that 1 - P keeps its precision.
        right = math.log(max(guess + (1.0 - guess) * sigmoid(z), 1e-300)) if y else 0.0
        wrong = math.log(max((1.0 - guess) * sigmoid(-z), 1e-300)) if y < 1.0 else 0.0
        loglik[i] = loglik[i] * keep + y * right + (1.0 - y) * wrong


def gaussian_step(
    mean: float, var: float, p: float, slope: float, correct: bool | float
) -> tuple[float, float]:
    """Return the Gaussian belief (mean, var) about a parameter after one answer.

    `p` is the predicted probability of a correct answer and `slope` its derivative with
    respect to the parameter. One Newton step on the log-likelihood, with the Fisher
    information added to the precision (the Kalman update of a logistic observation).
    """
    y = min(1.0, max(0.0, float(correct)))  # a score: partial credit moves it part-way
    denom = p * (1.0 - p)
    new_var = 1.0 / (1.0 / var + slope * slope / denom)
    return mean + new_var * slope * (y - p) / denom, new_var


def information(theta: float, b: float, guess: float, a: float = 1.0) -> float:
    """Return the Fisher information about theta of an item (b, a) at `theta`."""
    s = sigmoid(a * (theta - b))
    p = guess + (1.0 - guess) * s
    slope = a * (1.0 - guess) * s * (1.0 - s)
    return slope * slope / (p * (1.0 - p))


def most_informative_offset(guess: float) -> float:
    """Return theta - b at which an item (a = 1) with this guessing floor informs most."""
    return math.log((1.0 + math.sqrt(1.0 + 8.0 * guess)) / 2.0)


def target_logit(target: float, guess: float) -> float:
    """Return theta - b at which P(correct) equals `target`, given the guessing floor."""
    above_chance = (target - guess) / (1.0 - guess)
    return logit(min(max(above_chance, 0.05), 0.95))


def prob_above(w: Sequence[float], cut: float) -> float:
    """Return the posterior probability that theta exceeds `cut` (mass spread over cells)."""
    half = STEP / 2.0
    total = 0.0
    for wi, t in zip(w, GRID, strict=True):
        share = (t + half - cut) / STEP
        if share >= 1.0:
            total += wi
        elif share > 0.0:
            total += wi * share
    return total


def fit_prior(
    logliks: Sequence[Sequence[float]], mean: float = 0.0, sd: float = 1.0, rounds: int = 10
) -> tuple[float, float]:
    """Return the population prior (mean, sd) that best explains learners' evidence.

    Empirical Bayes by EM: the new mean is the mean of the posterior means, the new variance
    the variance of the posterior means plus the mean posterior variance.
    """
    if not logliks:
        return mean, sd
    for _ in range(rounds):
        prior = log_prior(mean, sd)
        stats = [moments(weights(loglik, prior)) for loglik in logliks]
        new_mean = sum(m for m, _ in stats) / len(stats)
        var = sum((m - new_mean) ** 2 + s * s for m, s in stats) / len(stats)
        mean, sd = new_mean, math.sqrt(max(var, 0.01))
    return mean, sd
