"""Grading, one pure function per item type.

Partial credit, written down once:
- single choice: the chosen option's credit (1 for a right option; an option
  imported from Moodle may be worth part of the marks, 0.5 for 50 %).
- multiple choice: when the options carry Moodle weights (``fraction``, e.g.
  0.9 and 0.1 for the right ones, -1 for a wrong one), the sum of the ticked
  weights, between 0 and 1. Otherwise (right options ticked - wrong options
  ticked) / right options, never below 0. Ticking everything therefore earns
  nothing when half are wrong.
- short text and numbers: the credit of the first accepted answer that
  matches (see answers.py), 0 when none does.
- matching: pairs matched correctly / pairs.
- ordering: adjacent steps kept in the right relative order / (steps - 1), as
  Moodle's "relative to the next item" rule: one step out of place costs little,
  a reversed list earns 0.
Every other type is all or nothing. An answer is "correct" only at full marks.
"""

import itertools
from dataclasses import dataclass, field

from quizapp.bank import answers


@dataclass(frozen=True)
class Grade:
    score: float
    misconceptions: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        return self.score >= 1.0


def _tags(entry: dict | None) -> list[str]:
    return [entry["misconception"]] if entry and entry.get("misconception") else []


def credit(option: dict) -> float:
    """Return what an option is worth: its Moodle weight, else 1 if right and 0 if not."""
    return float(option.get("fraction", 1.0 if option.get("correct") else 0.0))


def grade_single(spec: dict, answer: dict) -> Grade:
    option = next(o for o in spec["options"] if o["key"] == answer["choice"])
    if option.get("correct"):
        return Grade(1.0)
    return Grade(round(max(0.0, credit(option)), 4), _tags(option))


def grade_multiple(spec: dict, answer: dict) -> Grade:
    ticked = set(answer["choices"])
    wrong_ticked = [o for o in spec["options"] if o["key"] in ticked and not o.get("correct")]
    tags = [o["misconception"] for o in wrong_ticked if o.get("misconception")]
    if any("fraction" in o for o in spec["options"]):
        total = sum(credit(o) for o in spec["options"] if o["key"] in ticked)
        return Grade(round(min(1.0, max(0.0, total)), 4), tags)
    right = {o["key"] for o in spec["options"] if o.get("correct")}
    score = max(0.0, (len(ticked & right) - len(wrong_ticked)) / len(right))
    return Grade(round(score, 4), tags)


def grade_truefalse(spec: dict, answer: dict) -> Grade:
    if answer["value"] == spec["answer"]:
        return Grade(1.0)
    return Grade(0.0, [spec["misconception"]] if spec.get("misconception") else [])


def _graded(match: dict | None) -> Grade:
    if match is None:
        return Grade(0.0)
    score = float(match["fraction"])
    return Grade(1.0 if score >= 1.0 else round(score, 4), [] if score >= 1.0 else _tags(match))


def grade_port(spec: dict, answer: dict) -> Grade:
    return _graded(answers.match_number(spec, answer["value"]))


def grade_short(spec: dict, answer: dict) -> Grade:
    return _graded(answers.match_short(spec, answer["value"]))


def grade_matching(spec: dict, answer: dict) -> Grade:
    pairs = spec["pairs"]
    hits = sum(answer["pairs"].get(p["key"]) == p["key"] for p in pairs)
    return Grade(round(hits / len(pairs), 4))


def grade_ordering(spec: dict, answer: dict) -> Grade:
    position = {key: i for i, key in enumerate(answer["order"])}
    steps = [s["key"] for s in spec["steps"]]
    kept = sum(position[a] + 1 == position[b] for a, b in itertools.pairwise(steps))
    return Grade(round(kept / (len(steps) - 1), 4))


GRADERS = {
    "single": grade_single,
    "multiple": grade_multiple,
    "truefalse": grade_truefalse,
    "port": grade_port,
    "numerical": grade_port,  # a port item is a numerical item of whole numbers
    "short": grade_short,
    "matching": grade_matching,
    "ordering": grade_ordering,
}


def grade(qtype: str, spec: dict, answer: dict) -> Grade:
    """Grade a canonical answer (see specs.parse_answer) against the spec."""
    return GRADERS[qtype](spec, answer)
