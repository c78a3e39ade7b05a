"""Prove the adaptive engine in simulation, against synthetic learners whose truth we know.

Runs `quizapp.adaptive.engine` as shipped. A bank of 300 items, difficulty b ~ N(0, 1) and
discrimination a ~ N(1.2, 0.25); scenarios S1 (open answers, no guessing), S2 (4-option
multiple choice, c = 0.25) and S3 (S2 plus learning: +0.01 ability per answer). A calibration
cohort teaches the engine the items (the truth stays hidden from it), then a test cohort is
measured under three arms: the engine; the same engine with uniformly random selection; and
an oracle (EAP with the true item parameters) fed the engine arm's answers. Fresh learners
then sit the mock exam at the cut theta = 0.5, against two oracles: one with every true
parameter, one that knows the true difficulties but not the discriminations.

    .venv/bin/python benchmarks/adaptive_sim.py            # full: 2,000 x 30 then 1,000 x 50
    .venv/bin/python benchmarks/adaptive_sim.py --quick    # same calibration, 400 x 50: < 60 s
    .venv/bin/python benchmarks/adaptive_sim.py --quick --scenario S2 --json
    .venv/bin/python benchmarks/adaptive_sim.py --scenario S2 --set retry_gap=1000  # a variant

Seeded: the same command prints the same figures. Scenarios run in two processes.

Linked RMSE is the RMSE once true ~ slope * estimate + intercept is fitted on the cohort, so
that the engine's own scale does not count against it. The same link, fitted on the test
cohort after 50 answers, places the cut on the engine's scale and turns its standard errors
into true units for the exam.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp.adaptive import evaluation, exam_rule, model
from quizapp.adaptive.engine import EXAM, Config, Engine, ItemState, LearnerState
from quizapp.adaptive.selection import RETRY_MISSED

CHECKPOINTS = (10, 20, 30, 50)
CUT = 0.5
TOPICS = 6
# The site refits the population prior from time to time; the calibration does the same.
REFIT_EVERY = 100
REFIT_WINDOW = 500


@dataclass(frozen=True)
class Scenario:
    name: str
    options: int | None
    learning: float
    mixed: bool = False  # the shipped bank's mix of item types (see MIXED_BANK)


SCENARIOS = {
    "S1": Scenario("S1", None, 0.0),
    "S2": Scenario("S2", 4, 0.0),
    "S3": Scenario("S3", 4, 0.01),
    "S4": Scenario("S4", None, 0.0, mixed=True),
}

# S4: the shipped bank's items per topic and type (fixtures/questions.json, 188 items), scaled
# to the simulated bank. Each type guesses as the site says (specs.option_count): true/false 2,
# single choice 4 options, multiple choice 2^4 - 1 patterns, open answers never.
KIND_OPTIONS = {
    "single": 4,
    "truefalse": 2,
    "multiple": 15,
    "short": None,
    "port": None,
    "matching": None,
    "ordering": None,
}
MIXED_BANK = {
    "ports-security": {"single": 11, "truefalse": 8, "port": 7, "multiple": 4, "short": 4,
                       "matching": 2, "ordering": 2},
    "diagnostics": {"single": 17, "matching": 5, "short": 4, "ordering": 4, "port": 4,
                    "truefalse": 2, "multiple": 2},
    "smtp-roles": {"single": 12, "truefalse": 8, "short": 6, "matching": 4, "ordering": 4,
                   "multiple": 4},
    "client-setup": {"single": 14, "truefalse": 7, "port": 5, "multiple": 4, "short": 4,
                     "matching": 2, "ordering": 1},
    "pop3-imap": {"single": 13, "truefalse": 9, "matching": 4, "short": 4, "ordering": 4,
                  "multiple": 3},
}  # fmt: skip


@dataclass(frozen=True)
class Size:
    bank: int
    calibration: int
    calibration_answers: int
    test: int
    test_answers: int
    exam: int


FULL = Size(300, 2000, 30, 1000, 50, 1000)
QUICK = Size(300, 2000, 30, 400, 50, 300)


@dataclass(frozen=True)
class TrueItem:
    id: int
    a: float
    b: float
    c: float
    topic: str
    kind: str = ""

    @property
    def options(self) -> int | None:
        return KIND_OPTIONS.get(self.kind)

    def p(self, theta: float) -> float:
        return self.c + (1.0 - self.c) * model.sigmoid(self.a * (theta - self.b))

    def information(self, theta: float) -> float:
        s = model.sigmoid(self.a * (theta - self.b))
        p = self.c + (1.0 - self.c) * s
        slope = self.a * (1.0 - self.c) * s * (1.0 - s)
        return slope * slope / (p * (1.0 - p))


def make_bank(rng: random.Random, scenario: Scenario, size: int) -> list[TrueItem]:
    """Return the hidden truth of the bank."""
    if scenario.mixed:
        return make_mixed_bank(rng, size)
    c = model.guess_floor(scenario.options)
    return [
        TrueItem(i, max(0.3, rng.gauss(1.2, 0.25)), rng.gauss(0.0, 1.0), c, f"t{i % TOPICS}")
        for i in range(size)
    ]


def make_mixed_bank(rng: random.Random, size: int) -> list[TrueItem]:
    """Return a bank with the shipped mix of topics and types, scaled to about `size` items."""
    total = sum(sum(kinds.values()) for kinds in MIXED_BANK.values())
    slots = [
        (topic, kind)
        for topic, kinds in MIXED_BANK.items()
        for kind, count in kinds.items()
        for _ in range(round(count * size / total))
    ]
    return [
        TrueItem(
            i,
            max(0.3, rng.gauss(1.2, 0.25)),
            rng.gauss(0.0, 1.0),
            model.guess_floor(KIND_OPTIONS[kind]),
            topic,
            kind,
        )
        for i, (topic, kind) in enumerate(slots)
    ]


def bank_meta(bank: list[TrueItem], scenario: Scenario) -> list[dict]:
    """Return what the engine is told about the bank: never the true parameters."""
    if scenario.mixed:
        return [
            {"id": it.id, "options": it.options, "topic": it.topic, "kind": it.kind} for it in bank
        ]
    return [{"id": it.id, "options": scenario.options, "topic": it.topic} for it in bank]


class Oracle:
    """EAP of ability with the true item parameters and the true N(0, 1) population."""

    grid = tuple(-5.0 + i * 0.125 for i in range(81))
    prior = tuple(-0.5 * t * t for t in grid)

    def __init__(self) -> None:
        self.loglik = [0.0] * len(self.grid)

    def weights(self) -> list[float]:
        return model.weights(self.loglik, self.prior)

    def estimate(self) -> tuple[float, float]:
        w = self.weights()
        mean = sum(wi * t for wi, t in zip(w, self.grid, strict=True))
        var = sum(wi * (t - mean) ** 2 for wi, t in zip(w, self.grid, strict=True))
        return mean, math.sqrt(var)

    def predict(self, item: TrueItem) -> float:
        return sum(wi * item.p(t) for wi, t in zip(self.weights(), self.grid, strict=True))

    def update(self, item: TrueItem, correct: bool) -> None:
        for i, t in enumerate(self.grid):
            p = item.p(t)
            self.loglik[i] += math.log(p if correct else 1.0 - p)

    def above(self, cut: float) -> float:
        return sum(wi for wi, t in zip(self.weights(), self.grid, strict=True) if t > cut)


def practice(engine, bank, theta, answers, rng, learning, *, arm="engine", oracle=False):
    """Run one learner through `answers` practice items; return their log and checkpoints.

    Each row is (position, engine's p, oracle's p, correct, probe, true p, reason, item).
    """
    learner = LearnerState()
    orc = Oracle() if oracle else None
    served: set[int] = set()
    rows, marks = [], {}
    for step in range(answers):
        if arm == "engine":
            choice = engine.next_item(learner)
            item_id, probe, reason = choice.item, choice.probe, choice.reason
        else:
            item_id = rng.randrange(len(bank))
            while item_id in served:
                item_id = rng.randrange(len(bank))
            probe, reason = True, "random"
        item = bank[item_id]
        p_true = item.p(theta)
        correct = rng.random() < p_true
        p_orc = orc.predict(item) if orc else None
        p_eng = engine.record(learner, item_id, correct, float(step))
        # The oracle learns from the same evidence as the engine: a retry follows feedback.
        if orc and reason != RETRY_MISSED:
            orc.update(item, correct)
        served.add(item_id)
        rows.append((step, p_eng, p_orc, correct, probe, p_true, reason, item_id))
        theta += learning
        if step + 1 in CHECKPOINTS:
            oracle_theta = orc.estimate()[0] if orc else None
            marks[step + 1] = (theta, engine.ability(learner)[0], oracle_theta)
    return learner, rows, marks


def exam_engine(engine, decider, bank, theta, rng, learning, se_scale):
    """Sit one engine exam to the maximum length, noting when it would have stopped.

    Selection does not depend on the stopping rule, so the stopped exam is a prefix of this
    one. Returns (items to SE <= 0.3 or None, decision, length, theta at the decision).
    """
    learner = LearnerState()
    engine.start_session(learner, EXAM)
    to_se, decided = None, None
    for n in range(1, engine.config.exam_max + 1):
        choice = engine.next_item(learner, EXAM)
        if choice is None:
            break
        engine.record(learner, choice.item, rng.random() < bank[choice.item].p(theta), float(n))
        theta += learning
        if to_se is None and engine.exam_ability(learner)[1] * se_scale <= 0.3:
            to_se = n
        decision = decider.exam_decision(learner)
        if decided is None and decision is not None:
            decided = (decision, n, theta)
    return (to_se, *decided)


def ranked(believed: tuple[TrueItem, ...], theta: float, cache: dict) -> list[TrueItem]:
    """Return the items by decreasing information at `theta` (to 0.01), computed once."""
    key = (id(believed), round(theta, 2))
    if key not in cache:
        cache[key] = sorted(believed, key=lambda it: -it.information(key[1]))
    return cache[key]


def exam_oracle(truth, believed, theta, rng, learning, cfg, cache):
    """Sit one exam with max-information selection on `believed` parameters, EAP included."""
    orc, served = Oracle(), set()
    to_se, decided = None, None
    for n in range(1, cfg.exam_max + 1):
        estimate, _ = orc.estimate()
        item = next(it for it in ranked(believed, estimate, cache) if it.id not in served)
        served.add(item.id)
        orc.update(item, rng.random() < truth[item.id].p(theta))
        theta += learning
        if to_se is None and orc.estimate()[1] <= 0.3:
            to_se = n
        above, tail = orc.above(CUT), (1 - cfg.confidence) / 2
        sure = above >= 1 - tail or above <= tail or n == cfg.exam_max
        if decided is None and n >= cfg.exam_min and sure:
            decided = ("pass" if above >= 0.5 else "fail", n, theta)
    return (to_se, *decided)


def clone(engine: Engine, config: Config, seed: int) -> Engine:
    """Return a new engine with `config` and a copy of `engine`'s learned items."""
    copy = Engine(config, seed=seed)
    copy.reset(
        [
            {"id": i.id, "options": i.options, "topic": i.topic, "kind": i.kind}
            for i in engine.items.values()
        ],
        {i.id: ItemState.from_dict(i.to_dict()) for i in engine.items.values()},
    )
    return copy


def calibrate(engine: Engine, bank, size: Size, scenario: Scenario, rng) -> None:
    """Let the calibration cohort practise, refitting the population prior as the site does."""
    evidence = []
    for done in range(1, size.calibration + 1):
        learner, _, _ = practice(
            engine, bank, rng.gauss(0, 1), size.calibration_answers, rng, scenario.learning
        )
        evidence.append(learner.loglik)
        if done % REFIT_EVERY == 0:
            cfg = engine.config
            engine.set_prior(
                *model.fit_prior(evidence[-REFIT_WINDOW:], cfg.prior_mean, cfg.prior_sd)
            )


def run_scenario(scenario: Scenario, size: Size, seed: int, base: Config | None = None) -> dict:
    """Run one scenario end to end and return its figures."""
    rng = random.Random(f"{seed}-{scenario.name}")
    bank = make_bank(rng, scenario, size.bank)
    engine = Engine(base, seed=rng.randrange(2**32))
    engine.reset(bank_meta(bank, scenario))
    calibrate(engine, bank, size, scenario, rng)
    config = engine.config
    arms = {"engine": clone(engine, config, 1), "random": clone(engine, config, 2)}
    thetas = [rng.gauss(0, 1) for _ in range(size.test)]
    logs = {"engine": [], "random": []}
    for name, arm in arms.items():
        arm_rng = random.Random(f"{seed}-{scenario.name}-{name}")
        for theta in thetas:
            _, rows, marks = practice(
                arm, bank, theta, size.test_answers, arm_rng, scenario.learning,
                arm=name, oracle=name == "engine",
            )  # fmt: skip
            logs[name].append((rows, marks))
    final = [marks[CHECKPOINTS[-1]] for _, marks in logs["engine"]]
    slope, intercept = evaluation.fit_line([m[1] for m in final], [m[0] for m in final])
    config = replace(config, cut=(CUT - intercept) / slope)
    exams = sit_exams(arms["engine"], config, bank, size, scenario, seed, slope)
    figures = summarise(logs, exams, CHECKPOINTS, CUT, seed)
    if scenario.mixed:
        figures["types"] = type_figures(logs["engine"], bank, thetas)
    figures["exam_sprt"] = sprt_exams(engine, bank, size.exam, f"{seed}-{scenario.name}-sprt")
    figures["engine_scale"] = {
        "prior_mean": config.prior_mean,
        "prior_sd": config.prior_sd,
        "link_slope": slope,
        "cut": config.cut,
        "item_b_corr": evaluation.pearson(
            [it.b for it in bank], [arms["engine"].items[it.id].b for it in bank]
        ),
    }
    return figures


# Exam mode as the site runs it: cut from a pass mark, SPRT, blueprint coverage ------------

PASS_SHARE = 0.70  # "would score at least 70 % on the blueprint's fixed form"


def believed_states(engine: Engine) -> dict:
    """Return copies of what the engine learned about each item (never the truth)."""
    return {i: ItemState.from_dict(s.to_dict()) for i, s in engine.items.items()}


def true_states(bank) -> dict:
    """Return the true parameters as item states, for the oracle."""
    return {
        it.id: ItemState(it.id, round(1 / it.c) if it.c else None, it.topic, it.b, 0.0, 0, it.a)
        for it in bank
    }


def sit_sprt(rule, ranked, shares, truth, theta, rng) -> tuple[str, int]:
    """Sit one exam under the SPRT rule; return the decision and its length."""
    served, topics, answers = [], [], []
    while True:
        covered = exam_rule.is_covered(shares, topics)
        decided = exam_rule.verdict(rule, answers, covered=covered)
        if decided.decision is not None:
            return decided.decision, decided.answered
        item = exam_rule.pick_covered(ranked, served, shares, rng)
        if item is None:
            return ("pass" if decided.llr > 0 else "fail"), decided.answered
        served.append(item.id)
        topics.append(item.topic)
        answers.append((item, rng.random() < truth[item.id].p(theta)))


def sprt_figures(sittings: list, true_cut: float) -> dict:
    """Return lengths, accuracy overall and outside +/- 0.3 of the cut, and false passes."""
    lengths = sorted(n for _, n, _ in sittings)
    right = [1.0 if (d == "pass") == (t >= true_cut) else 0.0 for d, _, t in sittings]
    outside = [r for r, (_, _, t) in zip(right, sittings, strict=True) if abs(t - true_cut) > 0.3]
    failing = [d for d, _, t in sittings if t < true_cut]
    return {
        "mean_items": evaluation.mean([float(n) for n in lengths]),
        "median_items": float(lengths[len(lengths) // 2]),
        "accuracy": evaluation.mean(right),
        "accuracy_outside": evaluation.mean(outside),
        "false_pass": evaluation.mean([1.0 if d == "pass" else 0.0 for d in failing]),
        "sittings": len(sittings),
    }


def sprt_exams(engine: Engine, bank, sittings: int, seed: str) -> dict:
    """Sit fresh learners through the SPRT exam, engine and oracle, on the same learners.

    The engine's cut is placed from its learned item parameters alone (the calibration
    cohort taught them); the oracle's from the true ones. Both are "70 % expected on the
    whole bank as the fixed form", and truth is judged at the true cut.
    """
    believed, truth = believed_states(engine), {it.id: it for it in bank}
    known = true_states(bank)
    topics = sorted({it.topic for it in bank})
    counts = {t: sum(1 for it in bank if it.topic == t) for t in topics}
    shares = exam_rule.shares(counts)
    engine_cut = exam_rule.cut_for_score(list(believed.values()), PASS_SHARE)
    true_cut = exam_rule.cut_for_score(list(known.values()), PASS_SHARE)
    arms = {
        "engine": exam_rule.ExamRule(cut=engine_cut),
        "oracle": exam_rule.ExamRule(cut=true_cut),
    }
    states = {"engine": believed, "oracle": known}
    rng = random.Random(seed)
    thetas = [rng.gauss(0, 1) for _ in range(sittings)]
    figures = {"engine_cut": engine_cut, "true_cut": true_cut}
    for arm, rule in arms.items():
        ranked = exam_rule.ranked_by_topic(rule, states[arm].values())
        arm_rng = random.Random(f"{seed}-{arm}")
        rows = [(*sit_sprt(rule, ranked, shares, truth, theta, arm_rng), theta) for theta in thetas]
        figures[arm] = sprt_figures(rows, true_cut)
    return figures


SHIPPED_BANK = Path(__file__).resolve().parent.parent / "fixtures" / "questions.json"


def shipped_shape() -> list[tuple[str, int | None]]:
    """Return (topic, options a guess picks from) of each item of the shipped bank."""
    from quizapp.bank.specs import option_count

    data = json.loads(SHIPPED_BANK.read_text(encoding="utf-8"))
    return [(q["topics"][0], option_count(q["type"], q)) for q in data["questions"]]


def run_real_shape(seed: int, calibration: int = 300, sittings: int = 1000) -> dict:
    """Calibrate on `calibration` learners over the shipped bank's shape, then sit exams."""
    rng = random.Random(f"{seed}-real")
    shape = shipped_shape()
    bank = [
        TrueItem(i, max(0.3, rng.gauss(1.2, 0.25)), rng.gauss(0.0, 1.0),
                 model.guess_floor(options), topic)
        for i, (topic, options) in enumerate(shape)
    ]  # fmt: skip
    engine = Engine(seed=rng.randrange(2**32))
    engine.reset([{"id": it.id, "options": shape[it.id][1], "topic": it.topic} for it in bank])
    size = replace(FULL, bank=len(bank), calibration=calibration)
    calibrate(engine, bank, size, Scenario("real", None, 0.0), rng)
    figures = sprt_exams(engine, bank, sittings, f"{seed}-real-sprt")
    figures["bank"] = {"items": len(bank), "topics": len({t for t, _ in shape})}
    return figures


def sit_exams(engine, config, bank, size, scenario, seed, se_scale) -> dict:
    """Return the exam sittings of fresh learners for the engine and both oracles."""
    examiner = clone(engine, replace(config, exam_min=config.exam_max), 3)
    decider = Engine(config)
    known = tuple(bank)
    no_a = tuple(replace(it, a=sum(i.a for i in bank) / len(bank)) for it in bank)
    rng = random.Random(f"{seed}-{scenario.name}-exam")
    exams = {"engine": [], "oracle": [], "oracle_without_a": []}
    cache: dict = {}
    for _ in range(size.exam):
        theta = rng.gauss(0, 1)
        exams["engine"].append(
            exam_engine(examiner, decider, bank, theta, rng, scenario.learning, se_scale)
        )
        for arm, believed in (("oracle", known), ("oracle_without_a", no_a)):
            exams[arm].append(
                exam_oracle(bank, believed, theta, rng, scenario.learning, config, cache)
            )
    return exams


def time_next_item(candidates: int = 10_000, history: int = 5_000, seed: int = 7) -> dict:
    """Return the time to build the engine's view and to pick one item among `candidates`."""
    rng = random.Random(seed)
    meta = [
        {"id": i, "options": rng.choice([None, 2, 4]), "topic": f"t{i % 12}"}
        for i in range(candidates)
    ]
    engine = Engine(seed=seed)
    engine.reset(meta)
    learner = LearnerState()
    for step in range(history):
        engine.record(learner, rng.randrange(candidates), rng.random() < 0.7, float(step))
    stored = {i: ItemState.from_dict(s.to_dict()) for i, s in engine.items.items()}
    engine.start_session(learner, "practice")
    start = time.perf_counter()
    engine.reset(meta, stored)
    built = time.perf_counter()
    picks = 200
    for _ in range(picks):
        engine.next_item(learner)
    picked = time.perf_counter()
    return {"build_ms": (built - start) * 1000, "pick_ms": (picked - built) * 1000 / picks}


# Figures ---------------------------------------------------------------------------------


def ability_figures(logs: list, column: int, checkpoints) -> dict:
    """Return Spearman's rho and the linked RMSE of the estimates in `column`."""
    figures = {}
    for n in checkpoints:
        truth = [marks[n][0] for _, marks in logs]
        estimate = [marks[n][column] for _, marks in logs]
        figures[n] = {
            "rho": evaluation.spearman(estimate, truth),
            "rmse": evaluation.linked_rmse(estimate, truth),
        }
    return figures


def ratio_interval(logs: dict, n: int, seed: int, rounds: int = 200) -> list[float]:
    """Return a 95 % bootstrap interval of RMSE(engine) / RMSE(random) at `n` answers.

    Both arms saw the same learners, so learners are resampled in pairs.
    """
    rng = random.Random(seed)
    engine = [marks[n] for _, marks in logs["engine"]]
    rand = [marks[n] for _, marks in logs["random"]]
    ratios = []
    for _ in range(rounds):
        picks = [rng.randrange(len(engine)) for _ in engine]
        e = evaluation.linked_rmse([engine[i][1] for i in picks], [engine[i][0] for i in picks])
        r = evaluation.linked_rmse([rand[i][1] for i in picks], [rand[i][0] for i in picks])
        ratios.append(e / r)
    ratios.sort()
    return [ratios[int(0.025 * rounds)], ratios[int(0.975 * rounds) - 1]]


def prediction_figures(rows: list, column: int) -> dict:
    """Return AUC, log-loss and calibration of the predictions in `column`."""
    p = [row[column] for row in rows]
    y = [row[3] for row in rows]
    return {
        "n": len(rows),
        "auc": evaluation.auc(p, y),
        "log_loss": evaluation.log_loss(p, y),
        "calibration": evaluation.calibration(p, y),
    }


def band_figures(rows: list) -> dict:
    """Return the share of items after the tenth whose true P is in 0.65-0.85, and success."""
    late = [row for row in rows if row[0] >= 10]
    return {
        "in_band": evaluation.mean([1.0 if 0.65 <= row[5] <= 0.85 else 0.0 for row in late]),
        "success": evaluation.mean([1.0 if row[3] else 0.0 for row in late]),
    }


def exam_figures(sittings: list, cut: float, longest: int) -> dict:
    """Return items to SE <= 0.3, pass/fail accuracy, false-pass rate and mean length."""
    failing = [s for s in sittings if s[3] < cut]
    return {
        "items_to_se": evaluation.mean([s[0] or longest for s in sittings]),
        "reached_se": evaluation.mean([1.0 if s[0] else 0.0 for s in sittings]),
        "accuracy": evaluation.mean(
            [1.0 if (s[1] == "pass") == (s[3] >= cut) else 0.0 for s in sittings]
        ),
        "false_pass": evaluation.mean([1.0 if s[1] == "pass" else 0.0 for s in failing]),
        "length": evaluation.mean([s[2] for s in sittings]),
    }


def type_figures(logs: list, bank: list[TrueItem], thetas: list[float], first: int = 20) -> dict:
    """Return the mix of item types the engine served, against the bank's own mix.

    Per learner, over their first `first` answers: the true/false share (all learners and the
    struggling ones, true ability below -1), whether every type of the bank was met, and the
    distance between the types served and the bank's (half the sum of absolute differences).
    """
    kinds = sorted({it.kind for it in bank})
    bank_share = {k: sum(it.kind == k for it in bank) / len(bank) for k in kinds}
    tf, weak_tf, every, distance = [], [], [], []
    for (rows, _marks), theta in zip(logs, thetas, strict=True):
        served = [bank[row[7]].kind for row in rows[:first]]
        share = {k: served.count(k) / len(served) for k in kinds}
        tf.append(share.get("truefalse", 0.0))
        if theta < -1:
            weak_tf.append(share.get("truefalse", 0.0))
        every.append(1.0 if all(share[k] for k in kinds) else 0.0)
        distance.append(sum(abs(share[k] - bank_share[k]) for k in kinds) / 2)
    return {
        "first": first,
        "bank_truefalse": bank_share.get("truefalse", 0.0),
        "truefalse": evaluation.mean(tf),
        "truefalse_max": max(tf),
        "truefalse_weak": evaluation.mean(weak_tf),
        "every_type": evaluation.mean(every),
        "distance": evaluation.mean(distance),
    }


def summarise(logs: dict, exams: dict, checkpoints, cut: float, seed: int) -> dict:
    """Return every figure of one scenario."""
    engine_rows = [row for rows, _ in logs["engine"] for row in rows]
    random_rows = [row for rows, _ in logs["random"] for row in rows]
    probes = [row for row in engine_rows if row[4]]
    reasons: dict[str, int] = {}
    for row in engine_rows:
        reasons[row[6]] = reasons.get(row[6], 0) + 1
    return {
        "reasons": {k: v / len(engine_rows) for k, v in sorted(reasons.items())},
        "ability": {
            "engine": ability_figures(logs["engine"], 1, checkpoints),
            "random": ability_figures(logs["random"], 1, checkpoints),
            "oracle": ability_figures(logs["engine"], 2, checkpoints),
        },
        "rmse_ratio_interval": {n: ratio_interval(logs, n, seed) for n in (20, 30)},
        "prediction": {
            "engine": prediction_figures(engine_rows, 1),
            "engine_probes": prediction_figures(probes, 1),
            "random": prediction_figures(random_rows, 1),
            "oracle": prediction_figures(engine_rows, 2),
            "oracle_probes": prediction_figures(probes, 2),
        },
        "band": {"engine": band_figures(engine_rows), "random": band_figures(random_rows)},
        "exam": {arm: exam_figures(s, cut, 60) for arm, s in exams.items()},
    }


def add_sprt_targets(check, name: str, sprt: dict) -> None:
    """Check the SPRT exam's targets of issue 11 on one scenario."""
    engine, oracle = sprt["engine"], sprt["oracle"]
    outside, false_pass = engine["accuracy_outside"], engine["false_pass"]
    check(f"{name} SPRT accuracy outside +/-0.3", outside, ">= 0.97", outside >= 0.97)
    check(f"{name} SPRT false passes", false_pass, "<= 0.05", false_pass <= 0.05)
    length = engine["mean_items"]
    check(f"{name} SPRT mean length", length, "<= 30", length <= 30)
    gap = oracle["accuracy"] - engine["accuracy"]
    check(f"{name} SPRT accuracy, oracle minus engine", gap, "<= 0.03", gap <= 0.03)


def render_sprt(name: str, sprt: dict) -> list[str]:
    """Return the SPRT exam's figures as lines."""
    out = [
        f"exam SPRT ({name}): cut from 70 % expected, engine {sprt['engine_cut']:+.3f}, "
        f"true {sprt['true_cut']:+.3f}",
        "  arm      mean  median  accuracy  outside+/-0.3  false pass",
    ]
    for arm in ("engine", "oracle"):
        f = sprt[arm]
        out.append(
            f"  {arm:<7} {f['mean_items']:5.1f}  {f['median_items']:5.0f}    {f['accuracy']:.3f}"
            f"      {f['accuracy_outside']:.3f}        {f['false_pass']:.3f}"
        )
    return out


def targets(results: dict) -> list[dict]:
    """Return each target of the issue with its figure and whether it is met."""
    rows = []

    def check(name: str, value: float, goal: str, met: bool) -> None:
        rows.append({"target": name, "value": value, "goal": goal, "pass": bool(met)})

    if s2 := results.get("S2"):
        ability, prediction = s2["ability"], s2["prediction"]
        band, exam = s2["band"]["engine"], s2["exam"]["engine"]
        for n, goal in ((20, 0.86), (30, 0.90)):
            rho = ability["engine"][n]["rho"]
            check(f"S2 rho at {n}", rho, f">= {goal}", rho >= goal)
        for n in (20, 30):
            ratio = ability["engine"][n]["rmse"] / ability["random"][n]["rmse"]
            check(f"S2 RMSE at {n} / random arm's", ratio, "<= 0.90", ratio <= 0.90)
        gap = prediction["oracle_probes"]["auc"] - prediction["engine_probes"]["auc"]
        check("S2 probe AUC, oracle minus engine", gap, "<= 0.04", gap <= 0.04)
        bias = prediction["engine"]["calibration"]
        check("S2 calibration, mean p - mean y", bias, "|x| <= 0.02", abs(bias) <= 0.02)
        check("S2 in band after the 10th", band["in_band"], ">= 0.60", band["in_band"] >= 0.60)
        success = band["success"]
        check("S2 realised success", success, "0.75 +/- 0.05", abs(success - 0.75) <= 0.05)
        check("S2 exam items to SE <= 0.3", exam["items_to_se"], "<= 42", exam["items_to_se"] <= 42)
        check("S2 exam accuracy", exam["accuracy"], ">= 0.93", exam["accuracy"] >= 0.93)
        check("S2 exam false passes", exam["false_pass"], "<= 0.05", exam["false_pass"] <= 0.05)
        check("S2 exam mean length", exam["length"], "<= 30", exam["length"] <= 30)
        sprt = s2["exam_sprt"]
        add_sprt_targets(check, "S2", sprt)
    if real := results.get("real_shape"):
        add_sprt_targets(check, "shipped shape", real)
    if s3 := results.get("S3"):
        rise = s3["ability"]["engine"][50]["rmse"] - s3["ability"]["engine"][30]["rmse"]
        check("S3 RMSE at 50 minus at 30", rise, "<= 0", rise <= 0)
    return rows


def render(report: dict, checkpoints) -> str:
    """Return the report as plain-text tables."""
    size = ", ".join(f"{k} {v}" for k, v in report["size"].items())
    out = [f"adaptive_sim: {report['mode']} mode, seed {report['seed']} ({size})"]
    for name, fig in report["scenarios"].items():
        scale = ", ".join(f"{k} {v:.3f}" for k, v in fig["engine_scale"].items())
        out += [f"\n== {name} ==   engine scale: {scale}"]
        out += ["served: " + ", ".join(f"{k} {v:.3f}" for k, v in fig["reasons"].items())]
        out += ["ability      " + "".join(f"  rho@{n:<3} rmse@{n:<3}" for n in checkpoints)]
        for arm, by_n in fig["ability"].items():
            cells = "".join(
                f"  {by_n[n]['rho']:.3f}   {by_n[n]['rmse']:.3f}   " for n in checkpoints
            )
            out.append(f"  {arm:<10} {cells}")
        intervals = fig["rmse_ratio_interval"]
        out.append(
            "RMSE engine / random, 95 % bootstrap: "
            + ", ".join(f"@{n} [{lo:.3f}, {hi:.3f}]" for n, (lo, hi) in intervals.items())
        )
        out.append("prediction          n      AUC  log-loss  calib")
        for arm, f in fig["prediction"].items():
            out.append(
                f"  {arm:<14} {f['n']:>6}  {f['auc']:.3f}  {f['log_loss']:.3f}"
                f"   {f['calibration']:+.3f}"
            )
        out.append("after the 10th    in 0.65-0.85  success")
        for arm, f in fig["band"].items():
            out.append(f"  {arm:<14}  {f['in_band']:.3f}         {f['success']:.3f}")
        if types := fig.get("types"):
            out.append(
                f"types in the first {types['first']}: true/false {types['truefalse']:.3f}"
                f" (bank {types['bank_truefalse']:.3f}, weakest learners"
                f" {types['truefalse_weak']:.3f}, worst {types['truefalse_max']:.3f}),"
                f" every type met {types['every_type']:.3f},"
                f" distance to the bank's mix {types['distance']:.3f}"
            )
        out.append("exam, cut 0.5       to SE<=0.3 (reached)  accuracy  false pass  length")
        for arm, f in fig["exam"].items():
            out.append(
                f"  {arm:<17} {f['items_to_se']:5.1f} ({f['reached_se']:.2f})"
                f"        {f['accuracy']:.3f}     {f['false_pass']:.3f}      {f['length']:.1f}"
            )
        if "exam_sprt" in fig:
            out += render_sprt(name, fig["exam_sprt"])
    if real := report.get("real_shape"):
        out += ["", *render_sprt("shipped bank's shape, 188 items, cohort 300", real)]
    speed = report["speed"]
    out.append(
        f"\nspeed: engine view of 10,000 candidates built in {speed['build_ms']:.1f} ms, "
        f"next item picked in {speed['pick_ms']:.3f} ms (5,000 answers of history)"
    )
    out.append("\ntargets (S2 unless said)")
    for row in report["targets"]:
        verdict = "PASS" if row["pass"] else "FAIL"
        out.append(f"  {verdict}  {row['target']:<36} {row['value']:+8.3f}  ({row['goal']})")
    out.append(f"\n{report['seconds']} s")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller test cohorts, under 60 s")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS))
    parser.add_argument("--seed", type=int, default=20240)
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="override a Config field"
    )
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    names = args.scenario or sorted(SCENARIOS)
    base = Config()
    for pair in args.set:
        name, value = pair.split("=", 1)
        kind = type(getattr(base, name))
        base = replace(base, **{name: value.lower() == "true" if kind is bool else kind(value)})
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=min(2, len(names))) as pool:
        jobs = {n: pool.submit(run_scenario, SCENARIOS[n], size, args.seed, base) for n in names}
        real = pool.submit(run_real_shape, args.seed, sittings=size.exam)
        results = {n: job.result() for n, job in jobs.items()}
        results["real_shape"] = real.result()
    report = {
        "mode": "quick" if args.quick else "full",
        "seed": args.seed,
        "overrides": args.set,
        "size": asdict(size),
        "scenarios": {n: r for n, r in results.items() if n != "real_shape"},
        "real_shape": results["real_shape"],
        "speed": time_next_item(),
        "targets": targets(results),
    }
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2) if args.json else render(report, CHECKPOINTS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
