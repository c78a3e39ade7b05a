"""What the page shows of a question: before the answer (no hint), then the feedback.

Texts stay Markdown here; templates render them through course.rendering's sanitiser.
"""

import itertools
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from course.rendering import render_markdown
from quizapp.bank import answers, specs
from quizapp.bank.models import Question
from quizapp.translated import active_language

NUMBERS = (specs.QuestionType.PORT, specs.QuestionType.NUMERICAL)


def _text(question: Question, value: dict) -> str:
    return question.localized(value)


@dataclass
class Shown:
    """A question as the browser gets it: choices by position, nothing marked right."""

    type: str
    html: str
    choices: list[tuple[int, str]] = field(default_factory=list)
    lefts: list[tuple[int, str]] = field(default_factory=list)
    ranks: list[int] = field(default_factory=list)  # the places an ordering step can take


def show(question: Question, order: list[str], arrangement: list[int] | None = None) -> Shown:
    """Return the question as shown before it is answered.

    An ordering question lists its steps in `arrangement` (positions in the shuffled
    `order`), as the trainee left them with the up/down buttons; at first, shuffled.
    """
    shown = Shown(type=question.type, html=render_markdown(question.text))
    spec = question.spec
    if question.type in (specs.QuestionType.SINGLE, specs.QuestionType.MULTIPLE):
        texts = {o["key"]: _text(question, o["text"]) for o in spec["options"]}
        shown.choices = [(i, texts[key]) for i, key in enumerate(order)]
    elif question.type == specs.QuestionType.MATCHING:
        texts = {c["key"]: _text(question, c["text"]) for c in specs.right_side(spec)}
        shown.choices = [(i, texts[key]) for i, key in enumerate(order)]
        shown.lefts = [(i, _text(question, p["left"])) for i, p in enumerate(spec["pairs"])]
    elif question.type == specs.QuestionType.ORDERING:
        texts = {s["key"]: _text(question, s["text"]) for s in spec["steps"]}
        arrangement = arrangement if arrangement is not None else list(range(len(order)))
        shown.choices = [(i, texts[order[i]]) for i in arrangement]
        shown.ranks = list(range(1, len(order) + 1))
    return shown


def arrangement_from(data, size: int) -> list[int] | None:
    """Return the positions in the order the trainee arranged them, or None if unreadable.

    The form posts each step's rank as `rank-<position>`, as the answer does.
    """
    try:
        ranks = [int(data.get(f"rank-{i}", "")) for i in range(size)]
    except ValueError:
        return None
    if sorted(ranks) != list(range(1, size + 1)):
        return None
    return [position for _rank, position in sorted(zip(ranks, range(size), strict=True))]


def move_step(arrangement: list[int], move: str) -> tuple[list[int], int | None]:
    """Return the arrangement after an "up-<index>" or "down-<index>" move, and the new index."""
    direction, _sep, index = move.partition("-")
    if not index.isdigit() or direction not in ("up", "down"):
        return arrangement, None
    index = int(index)
    target = index - 1 if direction == "up" else index + 1
    if not (0 <= index < len(arrangement) and 0 <= target < len(arrangement)):
        return arrangement, None
    moved = arrangement[:]
    moved[index], moved[target] = moved[target], moved[index]
    return moved, target


def right_answer(question: Question) -> list[str]:
    """Return the right answer as lines of text, for the feedback."""
    spec = question.spec
    kind = question.type
    if kind in (specs.QuestionType.SINGLE, specs.QuestionType.MULTIPLE):
        return [_text(question, o["text"]) for o in spec["options"] if o.get("correct")]
    if kind == specs.QuestionType.TRUEFALSE:
        return [_("True") if spec["answer"] else _("False")]
    if kind in NUMBERS:
        return [_number(a) for a in answers.numeric_answers(spec) if a["fraction"] >= 1]
    if kind == specs.QuestionType.SHORT:
        return [a["text"] for a in answers.short_answers(spec) if a["fraction"] >= 1]
    if kind == specs.QuestionType.MATCHING:
        return [
            f"{_text(question, p['left'])} → {_text(question, p['right'])}" for p in spec["pairs"]
        ]
    return [_text(question, s["text"]) for s in spec["steps"]]


@dataclass(frozen=True)
class Line:
    """One line of the trainee's answer, marked right or wrong where the type grades parts."""

    text: str
    right: bool | None = None
    note: str = ""


def given_answer(question: Question, given: dict) -> list[Line]:
    """Return what the trainee answered, in words, each part marked where partial credit is."""
    spec = question.spec
    kind = question.type
    if kind == specs.QuestionType.SINGLE:
        return [
            Line(_text(question, o["text"])) for o in spec["options"] if o["key"] == given["choice"]
        ]
    if kind == specs.QuestionType.MULTIPLE:
        picked = set(given["choices"])
        return [
            Line(
                _text(question, o["text"]),
                bool(o.get("correct")),
                "" if o.get("correct") else _("should not be ticked"),
            )
            for o in spec["options"]
            if o["key"] in picked
        ]
    if kind == specs.QuestionType.TRUEFALSE:
        return [Line(_("True") if given["value"] else _("False"))]
    if kind in NUMBERS:
        return [Line(_decimal(given["value"]))]
    if kind == specs.QuestionType.SHORT:
        return [Line(str(given["value"]))]
    if kind == specs.QuestionType.MATCHING:
        rights = {c["key"]: _text(question, c["text"]) for c in specs.right_side(spec)}
        return [
            Line(
                f"{_text(question, p['left'])} → {rights.get(given['pairs'].get(p['key']), '?')}",
                given["pairs"].get(p["key"]) == p["key"],
            )
            for p in spec["pairs"]
        ]
    return _ordering_lines(question, given["order"])


def _ordering_lines(question: Question, order: list[str]) -> list[Line]:
    steps = [s["key"] for s in question.spec["steps"]]
    texts = {s["key"]: _text(question, s["text"]) for s in question.spec["steps"]}
    lines = []
    for place, key in enumerate(order):
        right = steps[place] == key
        note = "" if right else _("belongs at step %(n)s") % {"n": steps.index(key) + 1}
        lines.append(Line(texts[key], right, note))
    return lines


def partial_credit(question: Question, given: dict) -> str:
    """Return, in words, what the partial credit of an ordering answer counted."""
    if question.type != specs.QuestionType.ORDERING:
        return ""
    steps = [s["key"] for s in question.spec["steps"]]
    order = given["order"]
    placed = sum(a == b for a, b in zip(steps, order, strict=True))
    position = {key: i for i, key in enumerate(order)}
    kept = sum(position[a] + 1 == position[b] for a, b in itertools.pairwise(steps))
    return _(
        "%(placed)s of %(steps)s steps in the right place. The score counts the pairs of "
        "consecutive steps kept in order: %(kept)s of %(pairs)s."
    ) % {"placed": placed, "steps": len(steps), "kept": kept, "pairs": len(steps) - 1}


def _decimal(value) -> str:
    text = str(int(value)) if float(value).is_integer() else repr(float(value))
    return text.replace(".", ",") if active_language() == "fr" else text


def _number(answer: dict) -> str:
    if not answer.get("tolerance"):
        return _decimal(answer["value"])
    return f"{_decimal(answer['value'])} ± {_decimal(answer['tolerance'])}"


@dataclass
class ChoiceReview:
    """One option after answering: was it picked, what was it worth, its own feedback."""

    text: str
    picked: bool
    right: bool
    partial: bool
    feedback: str


def choice_review(question: Question, order: list[str], given: dict) -> list[ChoiceReview]:
    """Return the options in the order shown, each with its feedback, for choice questions."""
    if question.type not in (specs.QuestionType.SINGLE, specs.QuestionType.MULTIPLE):
        return []
    options = {o["key"]: o for o in question.spec["options"]}
    picked = set(given.get("choices", [given.get("choice")]))
    rows = []
    for key in order or list(options):
        option = options[key]
        feedback = option.get("feedback")
        rows.append(
            ChoiceReview(
                text=_text(question, option["text"]),
                picked=key in picked,
                right=bool(option.get("correct")),
                partial=not option.get("correct") and option.get("fraction", 0) > 0,
                feedback=_text(question, feedback) if feedback and feedback.get("fr") else "",
            )
        )
    return rows


def answer_feedback(question: Question, given: dict) -> str:
    """Return the feedback the file gave the typed or true/false answer, if any."""
    spec = question.spec
    if question.type == specs.QuestionType.TRUEFALSE:
        feedback = spec.get("feedback", {}).get("true" if given["value"] else "false")
    elif question.type in NUMBERS:
        feedback = (answers.match_number(spec, given["value"]) or {}).get("feedback")
    elif question.type == specs.QuestionType.SHORT:
        feedback = (answers.match_short(spec, given["value"]) or {}).get("feedback")
    else:
        feedback = None
    return _text(question, feedback) if feedback and feedback.get("fr") else ""


def hints(question: Question) -> list[str]:
    """Return the question's hints in the active language (offered on request in practice)."""
    return [_text(question, hint) for hint in question.spec.get("hints", [])]


def reason_text(item) -> str:
    """Return, in words, why the engine chose this question."""
    if item.reason == "weak_topic" and item.reason_topic:
        return _("Weak topic: %(topic)s.") % {"topic": item.question.main_topic.name}
    return {
        "review_due": _("A review is due: you saw this question a while ago."),
        "retry_missed": _("You missed it a few questions ago: one more try."),
        "probe": _("A question drawn at random, to check how well we know your level."),
        "new_at_level": _("A new question at your level."),
        "at_level": _("A question at your level, not seen lately."),
        "most_informative": _("The question that tells most about your level."),
    }.get(item.reason, _("A question from the chosen scope."))
