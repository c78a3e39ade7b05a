"""What an exam page shows: the question with the trainee's current answer, never the key."""

from dataclasses import dataclass

from quizapp.bank import specs
from quizapp.practice import presenting


@dataclass
class Filled:
    """The positions and values to show as already chosen (the trainee's own answer)."""

    choices: frozenset = frozenset()
    value: str = ""
    matches: dict | None = None
    ranks: dict | None = None


def filled(item) -> Filled:
    """Return the trainee's saved answer as the form shows it (positions, not keys)."""
    given, order = item.given, item.choice_order
    if not given:
        return Filled()
    position = {key: i for i, key in enumerate(order)}
    kind = item.question.type
    if kind == specs.QuestionType.SINGLE:
        return Filled(choices=frozenset({position.get(given["choice"])}))
    if kind == specs.QuestionType.MULTIPLE:
        return Filled(choices=frozenset(position.get(k) for k in given["choices"]))
    if kind == specs.QuestionType.TRUEFALSE:
        return Filled(value="true" if given["value"] else "false")
    if kind in (specs.QuestionType.PORT, specs.QuestionType.SHORT):
        return Filled(value=str(given["value"]))
    if kind == specs.QuestionType.MATCHING:
        lefts = [p["key"] for p in item.question.spec["pairs"]]
        pairs = given["pairs"]
        return Filled(matches={i: position.get(pairs.get(left)) for i, left in enumerate(lefts)})
    ranks = {position[key]: rank for rank, key in enumerate(given["order"], start=1)}
    return Filled(ranks=ranks)


def form_for(item) -> dict:
    """Return the question as shown, each choice marked if the trainee had chosen it."""
    shown = presenting.show(item.question, item.choice_order)
    mine = filled(item)
    matches, ranks = mine.matches or {}, mine.ranks or {}
    return {
        "type": shown.type,
        "html": shown.html,
        "choices": [(pos, text, pos in mine.choices) for pos, text in shown.choices],
        "lefts": [(i, text, matches.get(i)) for i, text in shown.lefts],
        "ranked": [(pos, text, ranks.get(pos)) for pos, text in shown.choices],
        "rank_values": shown.ranks,
        "value": mine.value,
    }


def given_text(item) -> list[str]:
    return presenting.given_answer(item.question, item.given) if item.given else []


def key_text(item) -> list[str]:
    return presenting.right_answer(item.question)
