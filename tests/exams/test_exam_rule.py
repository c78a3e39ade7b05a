import random

from quizapp.adaptive import exam_rule
from quizapp.adaptive.state import ItemState


def bank(n=60, topics=("a", "b", "c")):
    rng = random.Random(3)
    return [
        ItemState(i, 4, topics[i % len(topics)], rng.gauss(0, 1), 0.0, 50, 1.2) for i in range(n)
    ]


def test_the_cut_is_where_the_expected_fixed_form_score_is_the_pass_mark():
    items = bank()
    cut = exam_rule.cut_for_score(items, 0.70)
    assert abs(exam_rule.expected_score(items, cut) - 0.70) < 1e-6
    assert exam_rule.cut_for_score(items, 0.80) > cut


def test_the_test_never_stops_before_the_minimum_nor_goes_past_the_maximum():
    rule = exam_rule.ExamRule(cut=0.0)
    items = bank()
    nine_right = [(it, True) for it in items[:9]]
    assert exam_rule.verdict(rule, nine_right).decision is None
    sixty = [(it, i % 2 == 0) for i, it in enumerate(items[:60])]
    decided = exam_rule.verdict(rule, sixty)
    assert decided.decision is not None and decided.reason == exam_rule.LONGEST


def test_clear_evidence_stops_the_test_either_way():
    rule = exam_rule.ExamRule(cut=0.0)
    items = bank()
    right = exam_rule.verdict(rule, [(it, True) for it in items[:20]])
    wrong = exam_rule.verdict(rule, [(it, False) for it in items[:20]])
    assert (right.decision, right.reason) == (exam_rule.PASSED, exam_rule.EVIDENCE)
    assert (wrong.decision, wrong.reason) == (exam_rule.FAILED, exam_rule.EVIDENCE)
    assert right.answered < 20 or right.llr >= rule.upper


def test_an_uncovered_blueprint_keeps_the_test_going():
    rule = exam_rule.ExamRule(cut=0.0)
    items = [it for it in bank() if it.topic == "a"][:15]
    assert exam_rule.verdict(rule, [(it, True) for it in items], covered=False).decision is None


def test_items_come_from_the_topic_furthest_behind_its_share():
    rule = exam_rule.ExamRule(cut=0.0)
    items = bank()
    ranked = exam_rule.ranked_by_topic(rule, items)
    shares = exam_rule.shares({"a": 2, "b": 1, "c": 1})
    served, topics = [], []
    rng = random.Random(1)
    for _ in range(12):
        item = exam_rule.pick_covered(ranked, served, shares, rng)
        served.append(item.id)
        topics.append(item.topic)
        assert exam_rule.is_covered(shares, topics)
    assert topics.count("a") == 6 and topics.count("b") == 3
