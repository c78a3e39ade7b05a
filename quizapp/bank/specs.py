"""The shape of each item type: validation, shuffling, and reading a posted answer.

A question's `spec` holds its type-specific part exactly as the JSON import
format writes it (options, accepted answers, pairs, steps). What the browser
gets is built here and never says which choice is right: choices are sent as
positions in a per-attempt shuffled order, and only the server maps them back.
"""

import random
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_TEXT_ANSWER = 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PORT = re.compile(r"[0-9]{1,5}")  # ASCII digits only: "²".isdigit() is true, int("²") fails


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUEFALSE = "truefalse", _("True or false")
    PORT = "port", _("Port number")
    MATCHING = "matching", _("Matching")
    ORDERING = "ordering", _("Ordering")
    SHORT = "short", _("Short text")


class InvalidAnswer(Exception):
    """An answer that cannot be graded; the message is for the trainee."""


def _texts_ok(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("fr"), str) and value["fr"].strip()


def _keys_unique(items: list[dict]) -> bool:
    if not all(isinstance(item, dict) for item in items):
        return False
    keys = [item.get("key") for item in items]
    return all(isinstance(k, str) and k for k in keys) and len(set(keys)) == len(keys)


def _errors_for_choices(spec: dict, qtype: str) -> list:
    options = spec.get("options")
    if not isinstance(options, list) or not 2 <= len(options) <= 8:
        return [_("A choice question needs 2 to 8 options.")]
    if not _keys_unique(options) or not all(_texts_ok(o.get("text")) for o in options):
        return [_("Each option needs a unique key and a French text.")]
    correct = sum(bool(o.get("correct")) for o in options)
    if qtype == QuestionType.SINGLE and correct != 1:
        return [_("A single-choice question needs exactly one correct option.")]
    if correct < 1:
        return [_("A multiple-choice question needs at least one correct option.")]
    return []


def _errors_for(qtype: str, spec: dict) -> list:
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return _errors_for_choices(spec, qtype)
    if qtype == QuestionType.TRUEFALSE:
        ok = isinstance(spec.get("answer"), bool)
        return [] if ok else [_("A true/false question needs a true or false answer.")]
    if qtype == QuestionType.PORT:
        accepted = spec.get("accepted")
        ok = isinstance(accepted, list) and accepted and all(_is_port(p) for p in accepted)
        ok = ok and spec.get("answer") in accepted
        return [] if ok else [_("A port question needs accepted port numbers (1-65535).")]
    if qtype == QuestionType.SHORT:
        accepted = spec.get("accepted")
        ok = isinstance(accepted, list) and accepted and all(normalise(a) for a in accepted)
        return [] if ok else [_("A short-text question needs at least one accepted answer.")]
    if qtype == QuestionType.MATCHING:
        pairs = spec.get("pairs")
        ok = isinstance(pairs, list) and 2 <= len(pairs) <= 8 and _keys_unique(pairs)
        ok = ok and all(_texts_ok(p.get("left")) and _texts_ok(p.get("right")) for p in pairs)
        extra = spec.get("distractors", [])
        ok = ok and isinstance(extra, list) and _keys_unique(pairs + extra)
        ok = ok and all(_texts_ok(d.get("text")) for d in extra)
        return [] if ok else [_("A matching question needs 2 to 8 pairs with unique keys.")]
    if qtype == QuestionType.ORDERING:
        steps = spec.get("steps")
        ok = isinstance(steps, list) and 2 <= len(steps) <= 10 and _keys_unique(steps)
        ok = ok and all(_texts_ok(s.get("text")) for s in steps)
        return [] if ok else [_("An ordering question needs 2 to 10 steps with unique keys.")]
    return [_("Unknown question type.")]


def validate(qtype: str, spec: Any) -> None:
    """Raise ValidationError when the spec does not fit the type."""
    if not isinstance(spec, dict):
        raise ValidationError(_("The answer specification must be an object."))
    if errors := _errors_for(qtype, spec):
        raise ValidationError(errors)


def _is_port(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


def normalise(text: str) -> str:
    """Return text without whitespace and case, as short answers are compared."""
    return re.sub(r"\s+", "", str(text)).casefold()


def option_count(qtype: str, spec: dict) -> int | None:
    """Return the number of choices a blind guess picks from (None: no real guessing)."""
    if qtype == QuestionType.SINGLE:
        return len(spec["options"])
    if qtype == QuestionType.TRUEFALSE:
        return 2
    if qtype == QuestionType.MULTIPLE:
        return 2 ** len(spec["options"]) - 1
    return None


def right_side(spec: dict) -> list[dict]:
    """Return the choices of the right-hand column of a matching question."""
    rights = [{"key": p["key"], "text": p["right"]} for p in spec["pairs"]]
    return rights + list(spec.get("distractors", []))


def shuffled_keys(qtype: str, spec: dict, rng: random.Random) -> list[str]:
    """Return the order in which one attempt shows the choices (empty: nothing to shuffle)."""
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        keys = [o["key"] for o in spec["options"]]
    elif qtype == QuestionType.MATCHING:
        keys = [c["key"] for c in right_side(spec)]
    elif qtype == QuestionType.ORDERING:
        keys = [s["key"] for s in spec["steps"]]
        shuffled = keys[:]
        while shuffled == keys:  # an ordering shown already solved teaches nothing
            rng.shuffle(shuffled)
        return shuffled
    else:
        return []
    rng.shuffle(keys)
    return keys


def _position(raw, size: int) -> int:
    try:
        position = int(raw)
    except (TypeError, ValueError):
        raise InvalidAnswer(_("This choice is not one of the options.")) from None
    if not 0 <= position < size:
        raise InvalidAnswer(_("This choice is not one of the options."))
    return position


def _one(data, name: str) -> str:
    value = data.get(name)
    if value is None or not str(value).strip():
        raise InvalidAnswer(_("Please answer before sending."))
    if len(str(value)) > MAX_TEXT_ANSWER:
        raise InvalidAnswer(_("This answer is too long (1 KiB at most)."))
    if _CONTROL.search(str(value)):
        # NUL and the other control characters: nobody types them, and PostgreSQL refuses NUL.
        raise InvalidAnswer(_("This answer contains a character that cannot be typed."))
    return str(value)


def parse_answer(qtype: str, spec: dict, order: list[str], data) -> dict:
    """Return the canonical answer from posted data (a QueryDict), or raise InvalidAnswer.

    `order` is the attempt's shuffled order: positions posted by the browser
    are mapped back to option keys here.
    """
    if qtype == QuestionType.SINGLE:
        return {"choice": order[_position(_one(data, "choice"), len(order))]}
    if qtype == QuestionType.MULTIPLE:
        raw = data.getlist("choice")
        if not raw:
            raise InvalidAnswer(_("Please tick at least one option."))
        positions = {_position(value, len(order)) for value in raw}
        return {"choices": sorted(order[p] for p in positions)}
    if qtype == QuestionType.TRUEFALSE:
        value = _one(data, "value")
        if value not in ("true", "false"):
            raise InvalidAnswer(_("Answer with true or false."))
        return {"value": value == "true"}
    if qtype == QuestionType.PORT:
        value = _one(data, "value").strip()
        if not _PORT.fullmatch(value) or not 1 <= int(value) <= 65535:
            raise InvalidAnswer(_("A port is a whole number between 1 and 65535."))
        return {"value": int(value)}
    if qtype == QuestionType.SHORT:
        return {"value": _one(data, "value").strip()}
    if qtype == QuestionType.MATCHING:
        lefts = [p["key"] for p in spec["pairs"]]
        picks = [_position(_one(data, f"match-{i}"), len(order)) for i in range(len(lefts))]
        return {"pairs": {left: order[pick] for left, pick in zip(lefts, picks, strict=True)}}
    if qtype == QuestionType.ORDERING:
        ranks = [_position(_one(data, f"rank-{i}"), len(order) + 1) for i in range(len(order))]
        if sorted(ranks) != list(range(1, len(order) + 1)):
            raise InvalidAnswer(_("Give each step a different position, from 1 to the last."))
        return {"order": [key for _rank, key in sorted(zip(ranks, order, strict=True))]}
    raise InvalidAnswer(_("Unknown question type."))
