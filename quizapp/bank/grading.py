"""Grading, one pure function per item type.

Partial credit, written down once:
- multiple choice: (right options ticked - wrong options ticked) / right options,
  never below 0. Ticking everything therefore earns nothing when half are wrong.
- matching: pairs matched correctly / pairs.
- ordering: adjacent steps kept in the right relative order / (steps - 1), as
  Moodle's "relative to the next item" rule: one step out of place costs little,
  a reversed list earns 0.
Every other type is all or nothing. An answer is "correct" only at full marks.
"""

import itertools
from dataclasses import dataclass, field

from quizapp.bank.specs import normalise


@dataclass(frozen=True)
class Grade:
    score: float
    misconceptions: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        return self.score >= 1.0


def grade_single(spec: dict, answer: dict) -> Grade:
    option = next(o for o in spec["options"] if o["key"] == answer["choice"])
    if option.get("correct"):
        return Grade(1.0)
    return Grade(0.0, [option["misconception"]] if option.get("misconception") else [])


def grade_multiple(spec: dict, answer: dict) -> Grade:
    ticked = set(answer["choices"])
    right = {o["key"] for o in spec["options"] if o.get("correct")}
    wrong_ticked = [o for o in spec["options"] if o["key"] in ticked and not o.get("correct")]
    score = max(0.0, (len(ticked & right) - len(wrong_ticked)) / len(right))
    tags = [o["misconception"] for o in wrong_ticked if o.get("misconception")]
    return Grade(round(score, 4), tags)


def grade_truefalse(spec: dict, answer: dict) -> Grade:
    if answer["value"] == spec["answer"]:
        return Grade(1.0)
    return Grade(0.0, [spec["misconception"]] if spec.get("misconception") else [])


def _tag_for(spec: dict, wrong: str) -> list[str]:
    tags = spec.get("misconceptions") or {}
    normalised = {normalise(k): v for k, v in tags.items()}
    return [normalised[normalise(wrong)]] if normalise(wrong) in normalised else []


def grade_port(spec: dict, answer: dict) -> Grade:
    if answer["value"] in spec["accepted"]:
        return Grade(1.0)
    return Grade(0.0, _tag_for(spec, str(answer["value"])))


def grade_short(spec: dict, answer: dict) -> Grade:
    if normalise(answer["value"]) in {normalise(a) for a in spec["accepted"]}:
        return Grade(1.0)
    return Grade(0.0, _tag_for(spec, answer["value"]))


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
    "short": grade_short,
    "matching": grade_matching,
    "ordering": grade_ordering,
}


def grade(qtype: str, spec: dict, answer: dict) -> Grade:
    """Grade a canonical answer (see specs.parse_answer) against the spec."""
    return GRADERS[qtype](spec, answer)
