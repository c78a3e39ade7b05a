"""Option shares per item type, as the page lists them."""

from quizapp.itemanalysis.analysis import option_shares
from quizapp.itemanalysis.queries import item_figures


def test_typed_answers_list_the_accepted_ones_then_the_frequent_wrong_ones(
    make_question, answer, visitors
):
    port = make_question(
        "port", qtype="port", spec={"answer": 587, "accepted": [587, 2587], "misconceptions": {}}
    )
    givens = [587, 2587, 25, 25, 25, 465, 110, 143]
    for learner, value in zip(visitors(len(givens)), givens, strict=True):
        answer(learner, port, float(value in (587, 2587)), given={"value": value})
    shares = option_shares(port, item_figures().groups[port.pk])
    assert [(s.label, s.count, s.correct) for s in shares] == [
        ("587 / 2587", 2, True),
        ("25", 3, False),
        ("110", 1, False),
        ("143", 1, False),
    ]


def test_true_false_shows_both_values(make_question, answer, visitors):
    question = make_question("tf", qtype="truefalse", spec={"answer": False})
    for learner, value in zip(visitors(3), (True, True, False), strict=True):
        answer(learner, question, float(not value), given={"value": value})
    shares = option_shares(question, item_figures().groups[question.pk])
    assert [(s.label, s.count, s.correct) for s in shares] == [
        ("True", 2, False),
        ("False", 1, True),
    ]


def test_ordering_answers_are_not_grouped(make_question, answer, visitors):
    steps = {"steps": [{"key": k, "text": {"fr": k}} for k in ("a", "b", "c")]}
    question = make_question("order", qtype="ordering", spec=steps)
    answer(visitors(1)[0], question, 1.0, given={"order": ["a", "b", "c"]})
    figures = item_figures()
    assert figures.sums[question.pk].n == 1
    assert question.pk not in figures.groups
    assert option_shares(question, []) == []
