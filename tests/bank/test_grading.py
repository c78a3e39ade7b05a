import pytest

from quizapp.bank.grading import grade
from tests.practice.conftest import SPECS


def test_single_choice_is_all_or_nothing_and_names_the_misconception():
    assert grade("single", SPECS["single"], {"choice": "a"}).score == 1.0
    wrong = grade("single", SPECS["single"], {"choice": "b"})
    assert wrong.score == 0.0
    assert wrong.misconceptions == ["port-25-for-clients"]


@pytest.mark.parametrize(
    ("ticked", "score"),
    [
        (["a", "b"], 1.0),  # both right options
        (["a"], 0.5),  # one of two right options
        (["a", "c"], 0.0),  # one right, one wrong: they cancel out
        (["a", "b", "c"], 0.5),  # all right plus one wrong
        (["a", "b", "c", "d"], 0.0),  # ticking everything earns nothing
        (["c", "d"], 0.0),  # never below zero
    ],
)
def test_multiple_choice_gives_partial_credit_by_the_written_rule(ticked, score):
    assert grade("multiple", SPECS["multiple"], {"choices": ticked}).score == score


def test_multiple_choice_is_correct_only_at_full_marks():
    assert grade("multiple", SPECS["multiple"], {"choices": ["a", "b"]}).correct
    assert not grade("multiple", SPECS["multiple"], {"choices": ["a"]}).correct


def test_multiple_choice_reports_the_misconception_of_a_wrong_tick():
    result = grade("multiple", SPECS["multiple"], {"choices": ["a", "c"]})
    assert result.misconceptions == ["port-25-for-clients"]


def test_true_false_reports_the_misconception_of_the_wrong_side():
    assert grade("truefalse", SPECS["truefalse"], {"value": False}).correct
    wrong = grade("truefalse", SPECS["truefalse"], {"value": True})
    assert wrong.misconceptions == ["imap-subjects-only"]


def test_port_accepts_listed_alternatives_and_tags_common_wrong_numbers():
    spec = {"accepted": [465, 587], "misconceptions": {"25": "port-25-for-clients"}}
    assert grade("port", spec, {"value": 465}).correct
    assert grade("port", spec, {"value": 587}).correct
    assert grade("port", spec, {"value": 25}).misconceptions == ["port-25-for-clients"]
    assert grade("port", spec, {"value": 2525}).misconceptions == []


@pytest.mark.parametrize("typed", ["STARTTLS", "starttls", " Start TLS ", "start\ttls"])
def test_short_text_ignores_case_and_spaces(typed):
    assert grade("short", SPECS["short"], {"value": typed}).correct


def test_short_text_refuses_a_different_word():
    assert not grade("short", SPECS["short"], {"value": "STLS"}).correct


def test_matching_scores_the_share_of_right_pairs():
    perfect = {"p1": "p1", "p2": "p2", "p3": "p3"}
    assert grade("matching", SPECS["matching"], {"pairs": perfect}).score == 1.0
    one_swap = {"p1": "p2", "p2": "p1", "p3": "p3"}
    assert grade("matching", SPECS["matching"], {"pairs": one_swap}).score == pytest.approx(
        1 / 3, abs=1e-3
    )
    distractor = {"p1": "x1", "p2": "p2", "p3": "p3"}
    assert grade("matching", SPECS["matching"], {"pairs": distractor}).score == pytest.approx(
        2 / 3, abs=1e-3
    )


@pytest.mark.parametrize(
    ("order", "score"),
    [
        (["s1", "s2", "s3", "s4"], 1.0),
        (["s4", "s3", "s2", "s1"], 0.0),  # reversed: no step followed by its successor
        (["s2", "s3", "s4", "s1"], 2 / 3),  # first step moved last: two of three links kept
        (["s1", "s3", "s2", "s4"], 0.0),  # middle swap breaks all three links
    ],
)
def test_ordering_scores_steps_followed_by_their_right_successor(order, score):
    assert grade("ordering", SPECS["ordering"], {"order": order}).score == pytest.approx(
        score, abs=1e-3
    )
