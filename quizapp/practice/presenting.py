"""What the page shows of a question: before the answer (no hint), then the feedback."""

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
    ranks: list[int] = field(default_factory=list)


def show(question: Question, order: list[str]) -> Shown:
    """Return the question as shown before it is answered."""
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
        shown.choices = [(i, texts[key]) for i, key in enumerate(order)]
        shown.ranks = list(range(1, len(order) + 1))
    return shown


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


def given_answer(question: Question, given: dict) -> list[str]:
    """Return what the trainee answered, in words."""
    spec = question.spec
    kind = question.type
    if kind in (specs.QuestionType.SINGLE, specs.QuestionType.MULTIPLE):
        picked = set(given.get("choices", [given.get("choice")]))
        return [_text(question, o["text"]) for o in spec["options"] if o["key"] in picked]
    if kind == specs.QuestionType.TRUEFALSE:
        return [_("True") if given["value"] else _("False")]
    if kind in NUMBERS:
        return [_decimal(given["value"])]
    if kind == specs.QuestionType.SHORT:
        return [str(given["value"])]
    if kind == specs.QuestionType.MATCHING:
        rights = {c["key"]: _text(question, c["text"]) for c in specs.right_side(spec)}
        return [
            f"{_text(question, p['left'])} → {rights.get(given['pairs'].get(p['key']), '?')}"
            for p in spec["pairs"]
        ]
    steps = {s["key"]: _text(question, s["text"]) for s in spec["steps"]}
    return [steps[key] for key in given["order"]]


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
