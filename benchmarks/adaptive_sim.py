"""Prove the adaptive engine in simulation, against synthetic learners whose truth we know.

Runs `quizapp.adaptive.engine` exactly as shipped. A bank of 300 items with difficulty
b ~ N(0, 1) and discrimination a ~ N(1.2, 0.25); scenarios S1 (open answers, no guessing),
S2 (4-option multiple choice, c = 0.25) and S3 (S2 plus learning: +0.01 ability per answer).
A calibration cohort teaches the engine the item difficulties (the truth stays hidden), then a
test cohort is measured under three arms: the engine, the same engine with uniformly random
selection, and an oracle (EAP with the true item parameters) fed the engine arm's answers.
A last cohort of fresh learners sits the mock exam (cut θ = 0.5 on the true scale).

    .venv/bin/python benchmarks/adaptive_sim.py            # full: 2,000 × 30 then 1,000 × 50
    .venv/bin/python benchmarks/adaptive_sim.py --quick    # under 60 s on 2 cores
    .venv/bin/python benchmarks/adaptive_sim.py --quick --scenario S2 --json

"Linked RMSE" is the RMSE after fitting true ≈ a·estimate + b on the cohort, so that the
engine's own scale does not count against it. Items-to-SE converts the engine's standard error
to the true scale with the slope of its learned difficulties on the true ones.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp.adaptive import evaluation, model  # noqa: E402
from quizapp.adaptive.engine import EXAM, Config, Engine, ItemState, LearnerState  # noqa: E402
from quizapp.adaptive.selection import RETRY_MISSED  # noqa: E402

CHECKPOINTS = (10, 20, 30, 50)
CUT = 0.5
BAND = (0.65, 0.85)
TOPICS = 6
REFIT_EVERY = 100
REFIT_WINDOW = 500


@dataclass(frozen=True)
class Scenario:
    name: str
    options: int | None
    learning: float


SCENARIOS = {
    "S1": Scenario("S1", None, 0.0),
    "S2": Scenario("S2", 4, 0.0),
    "S3": Scenario("S3", 4, 0.01),
}


@dataclass(frozen=True)
class Size:
    bank: int
    calibration: int
    calibration_answers: int
    test: int
    test_answers: int
    exam: int


FULL = Size(300, 2000, 30, 1000, 50, 1000)
QUICK = Size(300, 1000, 30, 400, 50, 300)


@dataclass(frozen=True)
class TrueItem:
    id: int
    a: float
    b: float
    c: float
    topic: str

    def p(self, theta: float) -> float:
        return self.c + (1.0 - self.c) * model.sigmoid(self.a * (theta - self.b))


def make_bank(rng: random.Random, scenario: Scenario, size: int) -> list[TrueItem]:
    """Return the hidden truth of the bank."""
    c = model.guess_floor(scenario.options)
    return [
        TrueItem(i, max(0.3, rng.gauss(1.2, 0.25)), rng.gauss(0.0, 1.0), c, f"t{i % TOPICS}")
        for i in range(size)
    ]


class Oracle:
    """EAP of ability with the true item parameters: the ceiling for a given answer stream."""

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

    def best(self, bank: list[TrueItem], served: set[int]) -> TrueItem:
        theta, _ = self.estimate()
        return max((it for it in bank if it.id not in served), key=lambda it: info(it, theta))


def info(item: TrueItem, theta: float) -> float:
    """Return the true Fisher information of `item` at `theta`."""
    s = model.sigmoid(item.a * (theta - item.b))
    p = item.c + (1.0 - item.c) * s
    slope = item.a * (1.0 - item.c) * s * (1.0 - s)
    return slope * slope / (p * (1.0 - p))


def random_unserved(rng: random.Random, bank: list[TrueItem], served: set[int]) -> int:
    while True:
        item = rng.randrange(len(bank))
        if item not in served:
            return item


def practice(engine, bank, theta, answers, rng, learning, *, arm="engine", oracle=False):
    """Run one learner through `answers` practice items; return the log of what happened."""
    learner = LearnerState()
    orc = Oracle() if oracle else None
    served: set[int] = set()
    rows, marks = [], {}
    for step in range(answers):
        if arm == "engine":
            choice = engine.next_item(learner)
            item_id, probe, reason = choice.item, choice.probe, choice.reason
        else:
            item_id, probe, reason = random_unserved(rng, bank, served), True, "random"
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
            marks[step + 1] = (theta, engine.ability(learner)[0], orc.estimate()[0] if orc else None)
    return learner, rows, marks


def exam_engine(engine, decider, bank, theta, rng, learning, se_scale):
    """Sit one engine exam to 60 items; return (items to SE ≤ 0.3, decision, length, theta)."""
    learner = LearnerState()
    engine.start_session(learner, EXAM)
    to_se, decision, length = None, None, None
    for n in range(1, engine.config.exam_max + 1):
        choice = engine.next_item(learner, EXAM)
        if choice is None:
            break
        engine.record(learner, choice.item, rng.random() < bank[choice.item].p(theta), float(n))
        theta += learning
        if to_se is None and engine.exam_ability(learner)[1] * se_scale <= 0.3:
            to_se = n
        if decision is None:
            decision, length = decider.exam_decision(learner), n
    return to_se, decision, length, theta


def exam_oracle(bank, theta, rng, learning, cfg):
    """Sit one exam with max-information selection on the true parameters."""
    orc, served = Oracle(), set()
    to_se, decision, length = None, None, None
    for n in range(1, cfg.exam_max + 1):
        item = orc.best(bank, served)
        served.add(item.id)
        orc.update(item, rng.random() < item.p(theta))
        theta += learning
        w = orc.weights()
        _, se = orc.estimate()
        if to_se is None and se <= 0.3:
            to_se = n
        if decision is None and n >= cfg.exam_min:
            above = sum(wi for wi, t in zip(w, orc.grid, strict=True) if t > CUT)
            tail = (1 - cfg.confidence) / 2
            if above >= 1 - tail or above <= tail or n == cfg.exam_max:
                decision, length = ("pass" if above >= 0.5 else "fail"), n
    return to_se, decision, length, theta


def clone(engine: Engine, config: Config, seed: int) -> Engine:
    """Return a new engine with `config` and a copy of `engine`'s learned items."""
    copy = Engine(config, seed=seed)
    copy.reset(
        [{"id": i.id, "options": i.options, "topic": i.topic} for i in engine.items.values()],
        {i.id: ItemState.from_dict(i.to_dict()) for i in engine.items.values()},
    )
    return copy


def run_scenario(scenario: Scenario, size: Size, seed: int, base: Config | None = None) -> dict:
    """Run one scenario end to end and return its figures."""
    rng = random.Random(f"{seed}-{scenario.name}")
    bank = make_bank(rng, scenario, size.bank)
    engine = Engine(base, seed=rng.randrange(2**32))
    engine.reset([{"id": it.id, "options": scenario.options, "topic": it.topic} for it in bank])
    calibrated = []
    for done in range(1, size.calibration + 1):
        learner, _, _ = practice(
            engine, bank, rng.gauss(0, 1), size.calibration_answers, rng, scenario.learning
        )
        calibrated.append(learner.loglik)
        if done % REFIT_EVERY == 0:
            # What the site's periodic job does: refit the population prior to the learners.
            engine.set_prior(*model.fit_prior(calibrated[-REFIT_WINDOW:], engine.config.prior_mean, engine.config.prior_sd))
    prior_mean, prior_sd = engine.config.prior_mean, engine.config.prior_sd
    config = replace(engine.config, prior_mean=prior_mean, prior_sd=prior_sd)
    arms = {"engine": clone(engine, config, 1), "random": clone(engine, config, 2)}
    thetas = [rng.gauss(0, 1) for _ in range(size.test)]
    logs = {"engine": [], "random": []}
    for name, arm_engine in arms.items():
        arm_rng = random.Random(f"{seed}-{scenario.name}-{name}")
        for theta in thetas:
            _, rows, marks = practice(
                arm_engine, bank, theta, size.test_answers, arm_rng, scenario.learning,
                arm=name, oracle=(name == "engine"),
            )
            logs[name].append((rows, marks))
    # Link the engine's scale to the truth on the test cohort (true ≈ slope·estimate + b)
    # to place the cut and read standard errors in true units.
    final = [marks[CHECKPOINTS[-1]] for _, marks in logs["engine"]]
    slope, intercept = evaluation.fit_line([m[1] for m in final], [m[0] for m in final])
    config = replace(config, cut=(CUT - intercept) / slope)
    exam_cfg = replace(config, exam_min=config.exam_max)
    examiner = clone(arms["engine"], exam_cfg, 3)
    decider = Engine(config)
    exam_rng = random.Random(f"{seed}-{scenario.name}-exam")
    exams = {"engine": [], "oracle": []}
    for _ in range(size.exam):
        theta = exam_rng.gauss(0, 1)
        exams["engine"].append(
            exam_engine(examiner, decider, bank, theta, exam_rng, scenario.learning, slope)
        )
        exams["oracle"].append(exam_oracle(bank, theta, exam_rng, scenario.learning, config))
    figures = summarise(logs, exams, CHECKPOINTS, BAND, CUT)
    figures["engine_scale"] = {
        "prior_mean": prior_mean,
        "prior_sd": prior_sd,
        "link_slope": slope,
        "cut": config.cut,
        "item_b_corr": evaluation.pearson(
            [it.b for it in bank], [arms["engine"].items[it.id].b for it in bank]
        ),
    }
    return figures


def time_next_item(candidates: int = 10_000, history: int = 5_000, seed: int = 7) -> dict:
    """Return the time to build the engine and to pick one item among `candidates`."""
    rng = random.Random(seed)
    meta = [
        {"id": i, "options": rng.choice([None, 2, 4]), "topic": f"t{i % 12}"}
        for i in range(candidates)
    ]
    states = {m["id"]: ItemState(m["id"], m["options"], m["topic"], rng.gauss(0, 1), 0.02, 50)
              for m in meta}
    engine = Engine(seed=seed)
    engine.reset(meta, states)
    learner = LearnerState()
    for step in range(history):
        engine.record(learner, rng.randrange(candidates), rng.random() < 0.7, float(step))
    engine.start_session(learner, "practice")
    start = time.perf_counter()
    engine.reset(meta, states)
    built = time.perf_counter()
    picks = 200
    for step in range(picks):
        choice = engine.next_item(learner)
        engine.record(learner, choice.item, rng.random() < 0.75, float(history + step))
    picked = time.perf_counter()
    return {"reset_ms": (built - start) * 1000, "pick_and_record_ms": (picked - built) * 1000 / picks}


def ability_figures(logs: list, column: int, checkpoints) -> dict:
    """Return Spearman ρ and linked RMSE of the estimates in `column` of each checkpoint."""
    figures = {}
    for n in checkpoints:
        truth = [marks[n][0] for _, marks in logs if n in marks]
        estimate = [marks[n][column] for _, marks in logs if n in marks]
        figures[n] = {
            "rho": evaluation.spearman(estimate, truth),
            "rmse": evaluation.linked_rmse(estimate, truth),
        }
    return figures


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


def band_figures(rows: list, band) -> dict:
    """Return the share of items after the tenth whose true P is in `band`, and the success."""
    late = [row for row in rows if row[0] >= 10]
    return {
        "in_band": evaluation.mean([1.0 if band[0] <= row[5] <= band[1] else 0.0 for row in late]),
        "success": evaluation.mean([1.0 if row[3] else 0.0 for row in late]),
    }


def exam_figures(sittings: list, cut: float, longest: int) -> dict:
    """Return items to SE ≤ 0.3, pass/fail accuracy, false-pass rate and mean length."""
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


def summarise(logs: dict, exams: dict, checkpoints, band, cut) -> dict:
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
        "prediction": {
            "engine": prediction_figures(engine_rows, 1),
            "engine_probes": prediction_figures(probes, 1),
            "random": prediction_figures(random_rows, 1),
            "oracle": prediction_figures(engine_rows, 2),
            "oracle_probes": prediction_figures(probes, 2),
        },
        "band": {"engine": band_figures(engine_rows, band), "random": band_figures(random_rows, band)},
        "exam": {arm: exam_figures(s, cut, 60) for arm, s in exams.items()},
    }


def targets(results: dict) -> list[dict]:
    """Return each target of the issue with its figure and whether it passes."""
    rows = []

    def check(name, value, goal, ok):
        rows.append({"target": name, "value": value, "goal": goal, "pass": bool(ok)})

    s2 = results.get("S2")
    if s2:
        ab, pred, band, exam = s2["ability"], s2["prediction"], s2["band"]["engine"], s2["exam"]["engine"]
        check("S2 rho at 20", ab["engine"][20]["rho"], ">= 0.86", ab["engine"][20]["rho"] >= 0.86)
        check("S2 rho at 30", ab["engine"][30]["rho"], ">= 0.90", ab["engine"][30]["rho"] >= 0.90)
        for n in (20, 30):
            ratio = ab["engine"][n]["rmse"] / ab["random"][n]["rmse"]
            check(f"S2 RMSE at {n} / random arm", ratio, "<= 0.90", ratio <= 0.90)
        gap = pred["oracle_probes"]["auc"] - pred["engine_probes"]["auc"]
        check("S2 probe AUC, oracle minus engine", gap, "<= 0.04", gap <= 0.04)
        cal = pred["engine"]["calibration"]
        check("S2 calibration mean p - mean y", cal, "|x| <= 0.02", abs(cal) <= 0.02)
        check("S2 in band after the 10th", band["in_band"], ">= 0.60", band["in_band"] >= 0.60)
        check("S2 realised success", band["success"], "0.75 +/- 0.05", abs(band["success"] - 0.75) <= 0.05)
        check("S2 exam items to SE <= 0.3", exam["items_to_se"], "<= 42", exam["items_to_se"] <= 42)
        check("S2 exam accuracy", exam["accuracy"], ">= 0.93", exam["accuracy"] >= 0.93)
        check("S2 exam false passes", exam["false_pass"], "<= 0.05", exam["false_pass"] <= 0.05)
        check("S2 exam mean length", exam["length"], "<= 30", exam["length"] <= 30)
    s3 = results.get("S3")
    if s3:
        r30, r50 = s3["ability"]["engine"][30]["rmse"], s3["ability"]["engine"][50]["rmse"]
        check("S3 RMSE at 50 minus at 30", r50 - r30, "<= 0", r50 <= r30)
    return rows


def render(report: dict) -> str:
    """Return the report as plain-text tables."""
    out = [f"adaptive_sim — {report['mode']} mode, seed {report['seed']}, {report['size']}"]
    for name, fig in report["scenarios"].items():
        out.append(f"\n== {name} ==  engine scale: " + ", ".join(
            f"{k} {v:.3f}" for k, v in fig["engine_scale"].items()))
        out.append("reasons: " + ", ".join(f"{k} {v:.3f}" for k, v in fig["reasons"].items()))
        out.append("ability      " + "".join(f"  rho@{n:<3} rmse@{n:<3}" for n in CHECKPOINTS))
        for arm, by_n in fig["ability"].items():
            out.append(f"  {arm:<10} " + "".join(
                f"  {by_n[n]['rho']:.3f}   {by_n[n]['rmse']:.3f}   " for n in CHECKPOINTS))
        out.append("prediction        n      AUC   log-loss  calib")
        for arm, f in fig["prediction"].items():
            out.append(f"  {arm:<14} {f['n']:>6}  {f['auc']:.3f}  {f['log_loss']:.3f}  {f['calibration']:+.3f}")
        out.append("band after 10th   in 0.65-0.85  success")
        for arm, f in fig["band"].items():
            out.append(f"  {arm:<14}  {f['in_band']:.3f}         {f['success']:.3f}")
        out.append("exam (cut 0.5)  items to SE<=0.3 (reached)  accuracy  false pass  length")
        for arm, f in fig["exam"].items():
            out.append(f"  {arm:<14} {f['items_to_se']:5.1f} ({f['reached_se']:.2f})"
                       f"            {f['accuracy']:.3f}     {f['false_pass']:.3f}     {f['length']:.1f}")
    speed = report["speed"]
    out.append(f"\nspeed: engine view of 10,000 candidates built in {speed['reset_ms']:.1f} ms; "
               f"pick + record with 5,000 answers of history {speed['pick_and_record_ms']:.3f} ms")
    out.append("\ntargets")
    for row in report["targets"]:
        out.append(f"  {'PASS' if row['pass'] else 'FAIL'}  {row['target']:<36} {row['value']:+.3f}  ({row['goal']})")
    out.append(f"\n{report['seconds']} s")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller cohorts, under 60 s")
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
        base = replace(base, **{name: type(getattr(base, name))(value)})
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        jobs = {n: pool.submit(run_scenario, SCENARIOS[n], size, args.seed, base) for n in names}
        results = {n: job.result() for n, job in jobs.items()}
    report = {
        "mode": "quick" if args.quick else "full",
        "seed": args.seed,
        "overrides": args.set,
        "size": size.__dict__,
        "scenarios": results,
        "speed": time_next_item(),
    }
    report["targets"] = targets(results)
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(render(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
