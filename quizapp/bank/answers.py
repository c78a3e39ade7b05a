"""Typed answers (short text, numbers) matched against an item's accepted answers.

Two spec shapes carry them. The first, kept because the shipped bank is
written that way, lists full-credit answers in ``accepted`` and names the
misconception of common wrong answers in ``misconceptions``. The second,
which Moodle files need, lists ``answers`` in order, each with its own credit
and feedback, as Moodle does::

    {"text": "Nazareth", "fraction": 1.0, "feedback": {"fr": ..., "en": ...}}
    {"value": 1822, "tolerance": 2, "fraction": 0.5}

Both are read through `short_answers` and `numeric_answers`, so grading sees
one shape. As in Moodle, the first answer that matches gives the credit.

Short answers are compared without white space and, unless ``usecase`` is
set, without case; ``*`` matches any run of characters (Moodle's wildcard,
``\\*`` is a literal star). A port item is a numerical item whose values are
whole numbers with no tolerance.
"""

import math
import re
from functools import lru_cache

NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def short_answers(spec: dict) -> list[dict]:
    """Return the answers of a short-text item in the ordered shape."""
    if "answers" in spec:
        return spec["answers"]
    tags = spec.get("misconceptions") or {}
    answers = [{"text": text, "fraction": 1.0} for text in spec["accepted"]]
    return answers + [
        {"text": text, "fraction": 0.0, "misconception": slug} for text, slug in tags.items()
    ]


def numeric_answers(spec: dict) -> list[dict]:
    """Return the answers of a numerical or port item in the ordered shape."""
    if "answers" in spec:
        return spec["answers"]
    tags = spec.get("misconceptions") or {}
    answers = [{"value": port, "tolerance": 0, "fraction": 1.0} for port in spec["accepted"]]
    for wrong, slug in tags.items():
        if (value := parse_number(wrong)) is not None:
            answers.append({"value": value, "tolerance": 0, "fraction": 0.0, "misconception": slug})
    return answers


def parse_number(text) -> float | None:
    """Return the number a French or English speaker typed ("3,5", "3.5", "1 822"), or None."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", str(text))
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not NUMBER.match(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def normalise(text: str, *, usecase: bool = False) -> str:
    """Return text without white space and, unless `usecase`, without case."""
    text = re.sub(r"\s+", "", str(text))
    return text if usecase else text.casefold()


@lru_cache(maxsize=1024)
def _pattern(text: str, usecase: bool) -> re.Pattern:
    parts = re.split(r"(?<!\\)\*", text)
    literal = [re.escape(normalise(part.replace(r"\*", "*"), usecase=usecase)) for part in parts]
    return re.compile(".*".join(literal), re.DOTALL)


def matches(pattern: str, given: str, *, usecase: bool = False) -> bool:
    """Return whether a typed answer matches an accepted text (with Moodle's * wildcard)."""
    return bool(_pattern(pattern, usecase).fullmatch(normalise(given, usecase=usecase)))


def match_short(spec: dict, given: str) -> dict | None:
    """Return the first answer of a short-text item that `given` matches, or None."""
    usecase = bool(spec.get("usecase"))
    return next(
        (a for a in short_answers(spec) if matches(a["text"], given, usecase=usecase)), None
    )


def match_number(spec: dict, value: float) -> dict | None:
    """Return the first numerical answer within its tolerance of `value`, or None."""
    for answer in numeric_answers(spec):
        # A tolerance written 0.0005 must accept 3.1415 ± 0.0005 despite float rounding.
        margin = float(answer.get("tolerance") or 0) * (1 + 1e-9) + 1e-12
        if abs(value - float(answer["value"])) <= margin:
            return answer
    return None


def range_answer(low: float, high: float, **extra) -> dict:
    """Return the answer accepting every number from low to high (GIFT's 5..10)."""
    return {"value": (low + high) / 2, "tolerance": abs(high - low) / 2, **extra}
